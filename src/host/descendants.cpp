// Finding and ending the host's remaining descendants (see descendants.hpp).
#include "host/descendants.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <ctime>
#include <memory>
#include <string>

#include "core/unique_fd.hpp"
#include "host/fd_io.hpp"

namespace parawork::host {
namespace {

std::vector<pid_t> parsePids(std::string_view text) {
    std::vector<pid_t> out;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        if (*p == ' ' || *p == '\n') {
            ++p;
            continue;
        }
        pid_t pid = 0;
        auto [next, ec] = std::from_chars(p, end, pid);
        if (ec != std::errc()) break;
        out.push_back(pid);
        p = next;
    }
    return out;
}

/// The parent pid in /proc/<pid>/stat, or -1. The comm field may hold spaces and parentheses,
/// so the fields are counted from the last ')'.
pid_t parentOf(const char* pid) {
    std::string path = std::string("/proc/") + pid + "/stat";
    core::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return -1;
    std::string stat;
    try {
        stat = readUpTo(fd.get(), 4096, path);
    } catch (...) {
        return -1;
    }
    auto close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size()) return -1;
    std::string_view rest = std::string_view(stat).substr(close + 4);  // ") S " then ppid
    pid_t ppid = -1;
    std::from_chars(rest.data(), rest.data() + rest.size(), ppid);
    return ppid;
}

std::vector<pid_t> scanProcFor(pid_t parent) {
    std::vector<pid_t> out;
    std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), &::closedir);
    if (!proc) return out;
    while (dirent* entry = ::readdir(proc.get())) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        if (parentOf(entry->d_name) == parent) out.push_back(std::atoi(entry->d_name));
    }
    return out;
}

}  // namespace

std::vector<pid_t> childrenOf(pid_t pid) {
    std::string path =
        "/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children";
    core::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return scanProcFor(pid);
    try {
        return parsePids(readUpTo(fd.get(), 1 << 20, path));
    } catch (...) {
        return scanProcFor(pid);
    }
}

std::size_t signalChildren(int signo, pid_t spare) {
    auto children = childrenOf(::getpid());
    std::erase(children, spare);
    pid_t ownGroup = ::getpgrp();
    for (pid_t child : children) {
        ::kill(child, signo);  // ESRCH: it is already gone, which is what we want
        if (::getpgid(child) == child && child != ownGroup) ::killpg(child, signo);
    }
    return children.size();
}

std::size_t killAllChildren(std::chrono::milliseconds budget, pid_t spare) {
    auto deadline = std::chrono::steady_clock::now() + budget;
    while (true) {
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        std::size_t left = signalChildren(SIGKILL, spare);
        if (left == 0 || std::chrono::steady_clock::now() >= deadline) return left;
        timespec pause{0, 1'000'000};  // 1 ms: let the kernel finish the kills
        ::nanosleep(&pause, nullptr);
    }
}

}  // namespace parawork::host
