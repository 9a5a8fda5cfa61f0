#include "session/command_runner.hpp"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "core/executables.hpp"
#include "core/pipe.hpp"
#include "core/read_until.hpp"
#include "core/spawn_setup.hpp"

namespace parawork::session {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

std::string pathVariable(const std::vector<std::string>& env) {
    for (const auto& entry : env)
        if (entry.starts_with("PATH=")) return entry.substr(5);
    return kDefaultPath;
}

std::vector<char*> cStrings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

int waitForExit(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

}  // namespace

CommandResult runCommand(const CommandSpec& spec) {
    if (spec.argv.empty()) throw CommandError("no command to run");
    std::error_code ec;
    if (!fs::is_directory(spec.cwd, ec))
        throw CommandError("the working directory " + spec.cwd.string() + " does not exist");
    auto program = core::findExecutable(spec.argv.front(), pathVariable(spec.env), spec.cwd);
    if (!program)
        throw CommandError(
            *core::executableProblem(spec.argv.front(), pathVariable(spec.env), spec.cwd));

    core::Pipe out = core::Pipe::open("pipe2"), err = core::Pipe::open("pipe2");
    std::optional<core::Pipe> in;
    if (spec.stdinData) in = core::Pipe::open("pipe2");

    core::SpawnSetup setup;
    if (in)
        ::posix_spawn_file_actions_adddup2(&setup.actions, in->read.get(), STDIN_FILENO);
    else
        ::posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(&setup.actions, out.write.get(), STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(&setup.actions, err.write.get(), STDERR_FILENO);
    ::posix_spawn_file_actions_addchdir_np(&setup.actions, spec.cwd.c_str());
    ::posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
    setup.ownProcessGroupWithDefaultSignals();

    auto argv = cStrings(spec.argv);
    auto envp = cStrings(spec.env);
    auto started = Clock::now();
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, program->c_str(), &setup.actions, &setup.attr, argv.data(),
                           envp.data());
    if (rc != 0) throw CommandError("cannot run " + spec.argv.front() + ": " + std::strerror(rc));

    // The child holds its ends now; ours must go, or the streams would never end.
    out.write.reset();
    err.write.reset();
    core::Feed input;
    if (in) {
        in->read.reset();
        input = {std::move(in->write), *spec.stdinData};
    }

    // Until both output streams end (the command, and whatever it left running with them).
    const int fds[] = {out.read.get(), err.read.get()};
    auto read = core::readUntil(fds, started + spec.timeout, spec.maxOutputBytes,
                                core::PastLimit::drop, &input, spec.cancelled);
    for (const core::ReadResult& stream : read)
        if (stream.pollFailed) core::throwErrno("poll", stream.error);
    CommandResult result;
    result.out = std::move(read[0].data);
    result.err = std::move(read[1].data);
    result.timedOut =
        read[0].stop == core::ReadStop::deadline || read[1].stop == core::ReadStop::deadline;
    result.cancelled =
        read[0].stop == core::ReadStop::cancelled || read[1].stop == core::ReadStop::cancelled;
    // The child may still be a zombie here, which keeps its process group alive for the kill.
    if (result.timedOut || result.cancelled) ::kill(-pid, SIGKILL);
    int status = waitForExit(pid);
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    result.truncated = read[0].truncated || read[1].truncated;
    if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

}  // namespace parawork::session
