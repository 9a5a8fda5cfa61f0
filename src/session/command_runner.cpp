#include "session/command_runner.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>

#include "core/executables.hpp"
#include "core/spawn_setup.hpp"
#include "host/unique_fd.hpp"

namespace parawork::session {
namespace {

namespace fs = std::filesystem;
using host::UniqueFd;
using Clock = std::chrono::steady_clock;

constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

struct Pipe {
    UniqueFd read, write;
};

Pipe makePipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) core::throwErrno("pipe2");
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

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

/// Writes to a pipe whose reader may have gone without letting SIGPIPE end this process: the
/// signal is blocked for this thread and a pending one is consumed. Returns write(2)'s result.
ssize_t writeWithoutSigpipe(int fd, const char* data, std::size_t size) {
    sigset_t pipeSignal, previous;
    sigemptyset(&pipeSignal);
    sigaddset(&pipeSignal, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous);
    ssize_t n = ::write(fd, data, size);
    int saved = errno;
    if (n < 0 && errno == EPIPE) {
        timespec zero{};
        while (::sigtimedwait(&pipeSignal, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    errno = saved;
    return n;
}

/// One output stream of the child: read until its end, keeping at most `cap` bytes.
struct OutputStream {
    UniqueFd fd;
    std::string* sink;
    bool overflowed = false;

    void readSome(std::size_t cap) {
        char buf[65536];
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
        if (n <= 0) return fd.reset();
        std::size_t room = cap - std::min(cap, sink->size());
        sink->append(buf, std::min(room, std::size_t(n)));
        if (std::size_t(n) > room) overflowed = true;
    }
};

/// The bytes for the child's stdin, written as the pipe takes them.
struct InputStream {
    UniqueFd fd;
    std::string_view left;

    void writeSome() {
        ssize_t n = writeWithoutSigpipe(fd.get(), left.data(), left.size());
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
        if (n < 0) return fd.reset();  // the child closed its stdin: the rest is not wanted
        left.remove_prefix(std::size_t(n));
        if (left.empty()) fd.reset();  // end of input
    }
};

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

    Pipe out = makePipe(), err = makePipe();
    std::optional<Pipe> in;
    if (spec.stdinData) in = makePipe();

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
    CommandResult result;
    std::array<OutputStream, 2> streams{
        {{std::move(out.read), &result.out}, {std::move(err.read), &result.err}}};
    InputStream input;
    if (in) {
        in->read.reset();
        input.fd = std::move(in->write);
        input.left = *spec.stdinData;
        ::fcntl(input.fd.get(), F_SETFL, ::fcntl(input.fd.get(), F_GETFL) | O_NONBLOCK);
        if (input.left.empty()) input.fd.reset();
    }

    // Until both output streams end (the command, and whatever it left running with them).
    auto deadline = started + spec.timeout;
    while (streams[0].fd || streams[1].fd) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            result.timedOut = true;
            break;
        }
        std::array<pollfd, 3> fds{{{streams[0].fd ? streams[0].fd.get() : -1, POLLIN, 0},
                                   {streams[1].fd ? streams[1].fd.get() : -1, POLLIN, 0},
                                   {input.fd ? input.fd.get() : -1, POLLOUT, 0}}};
        int ready = ::poll(fds.data(), fds.size(),
                           static_cast<int>(std::min<long long>(left.count(), INT_MAX)));
        if (ready < 0 && errno != EINTR) core::throwErrno("poll");
        if (ready <= 0) continue;
        for (std::size_t i = 0; i < streams.size(); ++i)
            if (fds[i].revents != 0) streams[i].readSome(spec.maxOutputBytes);
        if (fds[2].revents & (POLLERR | POLLHUP))
            input.fd.reset();
        else if (fds[2].revents & POLLOUT)
            input.writeSome();
    }
    // The child may still be a zombie here, which keeps its process group alive for the kill.
    if (result.timedOut) ::kill(-pid, SIGKILL);
    int status = waitForExit(pid);
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    result.truncated = streams[0].overflowed || streams[1].overflowed;
    if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

}  // namespace parawork::session
