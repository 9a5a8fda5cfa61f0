// Helpers for the black-box tests of the real parawork-host binary: find it, launch it the way
// the daemon will (and wait for its readiness line), watch its pid with a pidfd, read its log.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/unique_fd.hpp"
#include "host/exit_record.hpp"
#include "host/host_client.hpp"
#include "host/output_log.hpp"
#include "unit_support/read_file.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::host::testing {

using test::readFile;

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// $PARAWORK_HOST_BIN, else <build dir>/parawork-host next to tests/unit_host.
inline fs::path hostBinary() {
    if (const char* env = std::getenv("PARAWORK_HOST_BIN")) return env;
    return fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "parawork-host";
}

#define SKIP_WITHOUT_HOST_BINARY()                                                           \
    if (!std::filesystem::exists(::parawork::host::testing::hostBinary()))                   \
    GTEST_SKIP() << "parawork-host not found at " << ::parawork::host::testing::hostBinary() \
                 << " (build it, or set PARAWORK_HOST_BIN)"

/// A pidfd for any process (not only our children): readable once it has exited.
inline core::UniqueFd pidfdOf(pid_t pid) {
    return core::UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

inline bool exitedWithin(const core::UniqueFd& pidfd, std::chrono::milliseconds timeout) {
    if (!pidfd) return true;  // pidfd_open failed: the process was already gone
    pollfd pfd{pidfd.get(), POLLIN, 0};
    return ::poll(&pfd, 1, static_cast<int>(timeout.count())) == 1;
}

/// What running `parawork-host ...` in the foreground gave.
struct Launch {
    int exitCode = -1;
    std::string out, err;
    pid_t hostPid = -1, childPid = -1;
};

inline long jsonNumber(const std::string& json, const std::string& key) {
    auto at = json.find("\"" + key + "\":");
    return at == std::string::npos ? -1 : std::atol(json.c_str() + at + key.size() + 3);
}

/// Runs the binary with `args`, collecting stdout and stderr until it exits.
inline Launch launchHost(const std::vector<std::string>& args) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0)
        throw std::runtime_error("pipe");
    std::string bin = hostBinary().string();
    std::vector<char*> argv{bin.data()};
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execv(argv[0], argv.data());
        ::_exit(120);
    }
    ::close(out[1]);
    ::close(err[1]);
    Launch launch;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::string* sinks[2] = {&launch.out, &launch.err};
    int open = 2;
    while (open > 0 && ::poll(fds, 2, 30000) > 0) {
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            char buffer[4096];
            ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            } else {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            }
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    launch.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    launch.hostPid = static_cast<pid_t>(jsonNumber(launch.out, "pid"));
    launch.childPid = static_cast<pid_t>(jsonNumber(launch.out, "childPid"));
    return launch;
}

/// A host started in a fresh temporary session directory; killed (by its pidfd) and cleaned up
/// at the end of the test if it is still running.
class HostSession {
  public:
    explicit HostSession(const std::vector<std::string>& command,
                         std::vector<std::string> options = {"--linger-ms", "100"}) {
        dir_ = root_.path() / "session";
        std::vector<std::string> args{"--dir", dir_.string()};
        args.insert(args.end(), options.begin(), options.end());
        args.push_back("--");
        args.insert(args.end(), command.begin(), command.end());
        launch_ = launchHost(args);
        if (launch_.hostPid > 0) hostPidfd_ = pidfdOf(launch_.hostPid);
    }
    ~HostSession() {
        if (hostPidfd_ && !exitedWithin(hostPidfd_, 0ms))
            ::syscall(SYS_pidfd_send_signal, hostPidfd_.get(), SIGKILL, nullptr, 0);
    }
    HostSession(const HostSession&) = delete;
    HostSession& operator=(const HostSession&) = delete;

    const Launch& launch() const { return launch_; }
    const fs::path& dir() const { return dir_; }
    const fs::path& root() const { return root_.path(); }
    const core::UniqueFd& hostPidfd() const { return hostPidfd_; }
    HostClient connect() const { return HostClient::connect(dir_); }

    std::string log() const {
        OutputLogReader reader(dir_ / "log");
        std::string all;
        std::uint64_t offset = 0;
        while (true) {
            auto r = reader.readFrom(offset, 1 << 20);
            if (r.bytes.empty()) return all;
            all += r.bytes;
            offset = r.nextOffset;
        }
    }

    /// Waits until the log contains `needle`; returns the log.
    std::string waitForLog(const std::string& needle,
                           std::chrono::milliseconds timeout = 5s) const {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string text;
        while (std::chrono::steady_clock::now() < deadline) {
            text = log();
            if (text.find(needle) != std::string::npos) return text;
            std::this_thread::sleep_for(5ms);
        }
        ADD_FAILURE() << "log never contained '" << needle << "'; it holds: " << text;
        return text;
    }

    std::optional<ExitRecord> waitForExit(std::chrono::milliseconds timeout = 10s) const {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (auto record = readExitRecordFile(dir_ / "exit.json")) return record;
            std::this_thread::sleep_for(5ms);
        }
        return {};
    }

  private:
    test::TempDir root_{"pw-host"};
    fs::path dir_;
    Launch launch_;
    core::UniqueFd hostPidfd_;
};

/// The parent pid and state letter from /proc/<pid>/stat; ppid -1 when gone.
inline std::pair<pid_t, char> parentAndState(pid_t pid) {
    std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size()) return {-1, '?'};
    return {static_cast<pid_t>(std::atol(stat.c_str() + close + 4)), stat[close + 2]};
}

/// Pids of the zombies whose parent is `parent`.
inline std::vector<pid_t> zombieChildrenOf(pid_t parent) {
    std::vector<pid_t> zombies;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.empty() || name[0] < '0' || name[0] > '9') continue;
        pid_t pid = static_cast<pid_t>(std::atol(name.c_str()));
        auto [ppid, state] = parentAndState(pid);
        if (ppid == parent && state == 'Z') zombies.push_back(pid);
    }
    return zombies;
}

}  // namespace parawork::host::testing
