#include "cli/daemon_client.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/unique_fd.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// True when the daemon answers /api/health on the socket.
bool answers(const api::Endpoint& endpoint, std::chrono::milliseconds timeout) {
    try {
        api::HttpClient probe(endpoint, timeout);
        return probe.get("/api/health").status == 200;
    } catch (const std::exception&) {
        return false;
    }
}

/// The last lines of daemon.out (from its last 4 KiB), to show why a start failed.
std::string tail(const fs::path& file, std::size_t lines) {
    std::ifstream in(file, std::ios::binary);
    in.seekg(0, std::ios::end);
    auto size = static_cast<std::streamoff>(in.tellg());
    in.seekg(std::max<std::streamoff>(0, size - 4096));
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);) all.push_back(line);
    std::string out;
    for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
        out += "\n  " + all[i];
    return out;
}

/// Starts `<this binary> [--home H] serve` in its own session (setsid), stdin from /dev/null,
/// output appended to `out`. Returns the child's pid.
pid_t spawnDaemon(const std::optional<fs::path>& home, const fs::path& out) {
    std::error_code ec;
    auto self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw core::Error("cannot find the parawork binary (/proc/self/exe): " + ec.message());
    std::vector<std::string> args{self.string()};
    if (home) args.insert(args.end(), {"--home", fs::absolute(*home).string()});
    args.emplace_back("serve");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    core::UniqueFd log(::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (!log) core::throwErrno("cannot open " + out.string());
    core::UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null) core::throwErrno("cannot open /dev/null");

    // Fork/exec discipline (STYLE §16): the child only makes async-signal-safe calls.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = ::fork();
    if (pid == 0) {
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::setsid();
        if (::dup2(null.get(), 0) < 0 || ::dup2(log.get(), 1) < 0 || ::dup2(log.get(), 2) < 0)
            ::_exit(126);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int forkErrno = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) core::throwErrno("cannot start the daemon (fork)", forkErrno);
    return pid;
}

/// Waits until the socket answers; throws CliError when the daemon exits or the time is up.
void awaitDaemon(const api::Endpoint& endpoint, pid_t pid, const fs::path& out,
                 std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::optional<std::chrono::steady_clock::time_point> exitedAt;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (answers(endpoint, 500ms)) return;
        // Our daemon exiting is not yet failure: another CLI's daemon may have won the instance
        // lock and be about to listen. Give it a second.
        if (!exitedAt && ::waitpid(pid, &status, WNOHANG) == pid)
            exitedAt = std::chrono::steady_clock::now();
        if (exitedAt && std::chrono::steady_clock::now() - *exitedAt > 1s) break;
        std::this_thread::sleep_for(100ms);
    }
    std::string why = exitedAt ? "the daemon exited during start-up"
                               : "the daemon did not answer within " +
                                     std::to_string(timeout.count() / 1000) + " s";
    throw CliError("cannot start the daemon: " + why + tail(out, 5), "autostart_failed",
                   "see " + out.string() + ", or run `parawork serve`", kExitFailure);
}

}  // namespace

std::string errorCodeForStatus(unsigned status) {
    switch (status) {
        case 404:
            return "not_found";
        case 400:
        case 413:
        case 415:
            return "invalid";
        case 409:
            return "conflict";
        case 401:
        case 403:
            return "forbidden";
        default:
            return "daemon_error";
    }
}

DaemonClient::DaemonClient(api::Endpoint endpoint, bool started)
    : endpoint_(std::move(endpoint)),
      http_(endpoint_, std::chrono::seconds(60)),
      started_(started) {}

DaemonClient DaemonClient::connect(const daemon::Paths& paths, const ConnectOptions& options) {
    api::Endpoint endpoint;
    endpoint.unixSocket = paths.socketFile();
    if (answers(endpoint, 5s)) return DaemonClient(endpoint, false);
    if (!options.autostart)
        throw CliError("no daemon is running for " + paths.dataDir.string(), "not_running",
                       options.notRunningHint, kExitFailure);
    try {
        daemon::preparePaths(paths);
        auto out = paths.dataDir / "daemon.out";
        pid_t pid = spawnDaemon(options.home, out);
        awaitDaemon(endpoint, pid, out, options.startTimeout);
    } catch (const CliError&) {
        throw;
    } catch (const std::exception& e) {
        throw CliError(std::string("cannot start the daemon: ") + e.what(), "autostart_failed",
                       "run `parawork serve` to see why", kExitFailure);
    }
    return DaemonClient(endpoint, true);
}

json::value DaemonClient::call(const std::string& method, const std::string& target,
                               const std::optional<json::object>& body) {
    api::Headers headers;
    std::string text;
    if (body) {
        headers.emplace_back("Content-Type", "application/json");
        text = json::serialize(*body);
    }
    api::HttpReply reply;
    try {
        reply = http_.request(method, target, headers, text);
    } catch (const api::ConnectError& e) {
        throw CliError(std::string("lost the daemon: ") + e.what(), "not_running",
                       "is it still running? `parawork status`", kExitFailure);
    }
    json::value parsed;
    try {
        parsed = json::parse(reply.body);
    } catch (const std::exception&) {
        throw CliError(
            "unexpected answer from the daemon (HTTP " + std::to_string(reply.status) + ")",
            "protocol");
    }
    const auto* envelope = parsed.if_object();
    if (reply.status >= 300 || !envelope) {
        std::string message = "HTTP " + std::to_string(reply.status);
        if (envelope)
            if (const auto* error = envelope->if_contains("error"); error && error->is_string())
                message = std::string(error->as_string());
        throw CliError(message, errorCodeForStatus(reply.status));
    }
    const auto* data = envelope->if_contains("data");
    return data ? *data : json::value(nullptr);
}

}  // namespace parawork::cli
