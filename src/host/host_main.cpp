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
//
//   parawork-host --standby --within SESSIONS_DIR
//
// A host started in advance: it detaches at once (its foreground process exits 0), then reads
// one start request on stdin — the arguments above, with a --dir inside SESSIONS_DIR, and the
// command's environment — and answers on stdout/stderr as the foreground process would. EOF
// without a request: it exits quietly.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

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
#include "host/start_request.hpp"

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

SessionHostConfig hostConfig(const HostOptions& options, std::vector<std::string> env) {
    SessionHostConfig config;
    config.paths.dir = std::filesystem::absolute(options.sessionDir);
    config.size = options.size;
    config.cwd = commandDirectory(options);
    config.log = options.log;
    config.linger = options.linger;
    config.command = options.command;
    config.cgroupProcFiles = options.cgroupProcFiles;
    config.env = std::move(env);
    return config;
}

/// The detached host from its report on: errors after this point reach the caller through
/// `readiness`.
int serve(SessionHostConfig config, SessionDirLock& lock, ReadinessReporter readiness) {
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

int runHost(const HostOptions& options) {
    SessionHostConfig config = hostConfig(options, childEnvironment(environ));
    SessionDirLock lock = SessionDirLock::acquire(config.paths.dir);
    ReadinessReporter readiness = detachFromCaller(kReadyTimeout);
    return serve(std::move(config), lock, std::move(readiness));
}

/// Reads the whole start request from stdin (the caller closes its end after writing it).
/// Empty when the caller closed it without one: it let the standby go.
std::string readStartRequest() {
    std::string bytes;
    char chunk[65536];
    for (;;) {
        ssize_t n = ::read(0, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return bytes;
        bytes.append(chunk, static_cast<std::size_t>(n));
        if (bytes.size() > kMaxStartRequestBytes)
            throw parawork::core::Error("start request: too large");
    }
}

/// `dir` lies under `root` (both absolute, compared by their lexically normal forms).
bool isInside(const std::filesystem::path& dir, const std::filesystem::path& root) {
    auto d = dir.lexically_normal(), r = root.lexically_normal();
    auto [rootEnd, dirAt] = std::mismatch(r.begin(), r.end(), d.begin(), d.end());
    return rootEnd == r.end() && dirAt != d.end();
}

/// `parawork-host --standby --within DIR`: detached at once, then waits on stdin for what to start,
/// so that a session's start skips the host's exec, loading and detaching. Answers on stdout and
/// stderr exactly as the foreground process of a host started with arguments does.
int runStandby(const std::filesystem::path& within) {
    detachNow();
    if (::chdir("/") < 0) return 1;
    // Who the standby is, for the caller's logs and tests; the start's report follows.
    std::string hello = "{\"standby\":" + std::to_string(::getpid()) + "}\n";
    if (::write(1, hello.data(), hello.size()) != static_cast<ssize_t>(hello.size())) return 1;
    // The screen worker's fork while nothing waits for it: at the session's first output it
    // stalled the host for milliseconds (page copies), and with it the session's start.
    std::optional<ScreenProcess> screenWorker;
    try {
        screenWorker.emplace(80, 24, ScreenProcess::Start::InStandby);
    } catch (const std::exception&) {
        // started at the first output instead
    }
    StartRequest request;
    HostOptions options;
    try {
        std::string bytes = readStartRequest();
        if (bytes.empty()) return 0;
        request = decodeStartRequest(bytes);
        std::vector<std::string_view> args(request.args.begin(), request.args.end());
        options = parseHostOptions(args);
        if (!isInside(std::filesystem::absolute(options.sessionDir), within))
            throw parawork::core::Error("--dir must be inside " + within.string());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parawork-host: %s\n", e.what());
        return 2;
    }
    std::vector<char*> envp;
    for (auto& e : request.env) envp.push_back(e.data());
    envp.push_back(nullptr);
    SessionHostConfig config = hostConfig(options, childEnvironment(envp.data()));
    config.screenWorker = std::move(screenWorker);
    SessionDirLock lock = SessionDirLock::acquire(config.paths.dir);
    parawork::core::UniqueFd out(::fcntl(1, F_DUPFD_CLOEXEC, 3));
    parawork::core::UniqueFd err(::fcntl(2, F_DUPFD_CLOEXEC, 3));
    if (!out || !err) parawork::core::throwErrno("dup");
    return serve(std::move(config), lock,
                 ReadinessReporter::toCaller(std::move(out), std::move(err)));
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    HostOptions options;
    std::filesystem::path within;  ///< set for a standby
    try {
        ensureStdioOpen();
        if (!args.empty() && args[0] == "--standby") {
            if (args.size() != 3 || args[1] != "--within" || !args[2].starts_with("/"))
                throw parawork::core::Error("--standby needs --within and an absolute directory");
            within = std::string(args[2]);
        } else {
            options = parseHostOptions(args);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parawork-host: %s\n%s", e.what(), hostUsage().c_str());
        return 2;
    }
    try {
        return within.empty() ? runHost(options) : runStandby(within);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parawork-host: %s\n", e.what());
        return 1;
    }
}
