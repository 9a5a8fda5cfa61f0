// parawork-host: one small process per session (DESIGN §3, the conmon/dtach model).
//
//   parawork-host --dir SESSION_DIR [--cols N --rows N] [--cwd DIR] [--log-max-bytes N]
//                 [--linger-ms N] -- COMMAND ARGS...
//
// Validates its arguments and claims the session directory in the foreground, then detaches
// (double fork + setsid) and exits 0 printing {"pid":…,"childPid":…} once the detached host
// listens on <dir>/host.sock, or exits 1 with the start-up error on stderr (2 for usage errors).
// The command gets the host's own environment: the daemon execs the host with the environment it
// wants the command to have.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "host/detach.hpp"
#include "host/host_options.hpp"
#include "host/session_dir.hpp"
#include "host/session_host.hpp"

extern char** environ;

namespace {

using namespace parawork::host;

/// How long the foreground process waits for the detached host to listen.
constexpr std::chrono::seconds kReadyTimeout{30};

/// An absolute, existing directory for the command (checked now so that a bad --cwd is a
/// start-up error; the child checks again and exits 126 if it vanished in between).
std::filesystem::path commandDirectory(const HostOptions& options) {
    std::filesystem::path dir =
        std::filesystem::absolute(options.cwd.value_or(std::filesystem::current_path()));
    struct stat st {};
    if (::stat(dir.c_str(), &st) < 0)
        parawork::core::throwErrno("cannot use " + dir.string() + " as the working directory");
    if (!S_ISDIR(st.st_mode))
        throw parawork::core::Error("cannot use " + dir.string() +
                                    " as the working directory: not a directory");
    return dir;
}

int runHost(const HostOptions& options) {
    SessionHostConfig config;
    config.paths.dir = std::filesystem::absolute(options.sessionDir);
    config.size = options.size;
    config.cwd = commandDirectory(options);
    config.log = options.log;
    config.linger = options.linger;
    config.command = options.command;
    config.cgroupProcFiles = options.cgroupProcFiles;
    config.env = childEnvironment(environ);

    SessionDirLock lock = SessionDirLock::acquire(config.paths.dir);
    ReadinessReporter readiness = detachFromCaller(kReadyTimeout);
    // From here on we are the detached host; errors go through the readiness pipe.
    try {
        redirectStdio(config.paths.hostLog().c_str());
        config.childUmask = ::umask(077);  // the host's files are private; the command's are not
        if (::chdir("/") < 0) parawork::core::throwErrno("chdir /");  // hold no caller's directory
        lock.writePid(::getpid());
        SessionHost host(std::move(config));
        readiness.ready(::getpid(), host.childPid());
        host.run();
        return 0;
    } catch (const std::exception& e) {
        readiness.failed(e.what());
        std::fprintf(stderr, "parawork-host: %s\n", e.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    HostOptions options;
    try {
        ensureStdioOpen();
        options = parseHostOptions(args);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parawork-host: %s\n%s", e.what(), hostUsage().c_str());
        return 2;
    }
    try {
        return runHost(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parawork-host: %s\n", e.what());
        return 1;
    }
}
