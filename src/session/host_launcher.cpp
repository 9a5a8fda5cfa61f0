#include "session/host_launcher.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <limits>
#include <regex>

#include "core/error.hpp"
#include "core/pipe.hpp"
#include "core/read_until.hpp"

namespace parawork::session {
namespace {

/// Reads `out` and `err` until the host's foreground process closes them or 10 s pass. The
/// detached host redirects its own stdio, so EOF means the foreground process is done. A stream
/// that fails to read counts as closed.
void drain(const core::Pipe& out, const core::Pipe& err, std::string& outText,
           std::string& errText) {
    const int fds[] = {out.read.get(), err.read.get()};
    auto read = core::readUntil(fds, core::ReadClock::now() + std::chrono::seconds(10),
                                std::numeric_limits<std::size_t>::max(), core::PastLimit::drop);
    for (const core::ReadResult& stream : read) {
        if (stream.pollFailed) core::throwErrno("poll", stream.error);
        if (stream.stop == core::ReadStop::deadline)
            throw core::Error("parawork-host did not report readiness in 10 s");
    }
    outText = std::move(read[0].data);
    errText = std::move(read[1].data);
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
        args.emplace_back("--cgroup");
        args.push_back(file.string());
    }
    args.emplace_back("--");
    args.insert(args.end(), spec.argv.begin(), spec.argv.end());
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = spec.env;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);

    core::Pipe out = core::Pipe::open("pipe2"), err = core::Pipe::open("pipe2");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out.write.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, err.write.get(), 2);
    // Nothing else of the daemon's: its listening sockets would outlive it in the host (and
    // keep its port taken after a restart), its connections and database would stay open.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) core::throwErrno("cannot run " + spec.hostBinary.string(), rc);
    out.write.reset();
    err.write.reset();

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
