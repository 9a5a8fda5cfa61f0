#include "session/host_launcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>

#include "core/error.hpp"

namespace parawork::session {
namespace {

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) core::throwErrno("pipe2");
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        if (read >= 0) ::close(read);
        if (write >= 0) ::close(write);
    }
    void closeWrite() {
        ::close(write);
        write = -1;
    }
};

/// Reads `out` and `err` until the host's foreground process closes them or 10 s pass. The
/// detached host redirects its own stdio, so EOF means the foreground process is done.
void drain(Pipe& out, Pipe& err, std::string& outText, std::string& errText) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    pollfd fds[2] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}};
    int open = 2;
    while (open > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw core::Error("parawork-host did not report readiness in 10 s");
        int n = ::poll(fds, 2, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) core::throwErrno("poll");
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
            if (r > 0) {
                (i == 0 ? outText : errText).append(buf, static_cast<std::size_t>(r));
            } else if (r == 0 || errno != EINTR) {
                fds[i].fd = -1;
                --open;
            }
        }
    }
}

}  // namespace

Launched launchHost(const LaunchSpec& spec) {
    std::vector<std::string> args{spec.hostBinary.string(),
                                  "--dir",
                                  spec.sessionDir.string(),
                                  "--cwd",
                                  spec.cwd.string(),
                                  "--cols",
                                  std::to_string(spec.size.cols),
                                  "--rows",
                                  std::to_string(spec.size.rows),
                                  "--log-max-bytes",
                                  std::to_string(spec.logMaxBytes)};
    for (const auto& file : spec.cgroupProcFiles) {
        args.push_back("--cgroup");
        args.push_back(file.string());
    }
    args.push_back("--");
    args.insert(args.end(), spec.argv.begin(), spec.argv.end());
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = spec.env;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);

    Pipe out, err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out.write, 1);
    posix_spawn_file_actions_adddup2(&actions, err.write, 2);
    // Nothing else of the daemon's: its listening sockets would outlive it in the host (and
    // keep its port taken after a restart), its connections and database would stay open.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) core::throwErrno("cannot run " + spec.hostBinary.string(), rc);
    out.closeWrite();
    err.closeWrite();

    std::string outText, errText;
    try {
        drain(out, err, outText, errText);
    } catch (...) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        throw;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        while (!errText.empty() && errText.back() == '\n') errText.pop_back();
        throw core::Error(errText.empty() ? "parawork-host failed to start" : errText);
    }
    static const std::regex ready(R"re("pid"\s*:\s*(\d+)\s*,\s*"childPid"\s*:\s*(\d+))re");
    std::smatch m;
    if (!std::regex_search(outText, m, ready))
        throw core::Error("parawork-host gave an unexpected answer: " + outText);
    return Launched{std::stoi(m[1]), std::stoi(m[2])};
}

}  // namespace parawork::session
