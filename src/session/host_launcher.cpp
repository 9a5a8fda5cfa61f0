#include "session/host_launcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <limits>
#include <regex>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/read_until.hpp"
#include "host/start_request.hpp"

extern char** environ;

namespace parawork::session {
namespace {

constexpr auto kReadyTimeout = std::chrono::seconds(10);

/// Reads `out` and `err` until the host closes them or 10 s pass. The detached host redirects
/// its own stdio, so EOF means its report is complete. A stream that fails to read counts as
/// closed.
void drain(const core::Pipe& out, const core::Pipe& err, std::string& outText,
           std::string& errText) {
    const int fds[] = {out.read.get(), err.read.get()};
    auto read = core::readUntil(fds, core::ReadClock::now() + kReadyTimeout,
                                std::numeric_limits<std::size_t>::max(), core::PastLimit::drop);
    for (const core::ReadResult& stream : read) {
        if (stream.pollFailed) core::throwErrno("poll", stream.error);
        if (stream.stop == core::ReadStop::deadline)
            throw core::Error("parawork-host did not report readiness in 10 s");
    }
    outText = std::move(read[0].data);
    errText = std::move(read[1].data);
}

/// The host's arguments after argv[0], the same for a standby and an ordinary start.
std::vector<std::string> hostArguments(const LaunchSpec& spec) {
    std::vector<std::string> args{"--dir",           spec.sessionDir.string(),
                                  "--cwd",           spec.cwd.string(),
                                  "--cols",          std::to_string(spec.size.cols),
                                  "--rows",          std::to_string(spec.size.rows),
                                  "--log-max-bytes", std::to_string(spec.logMaxBytes)};
    for (const auto& file : spec.cgroupProcFiles) {
        args.emplace_back("--cgroup");
        args.push_back(file.string());
    }
    args.emplace_back("--");
    args.insert(args.end(), spec.argv.begin(), spec.argv.end());
    return args;
}

/// posix_spawn with stdin on `in` (/dev/null when -1) and stdout/stderr on `out`/`err`, and
/// nothing else of the daemon's: its listening sockets would outlive it in the host (and keep
/// its port taken after a restart), its connections and database would stay open.
/// `env` nullptr: the daemon's own.
pid_t spawnHost(const std::vector<std::string>& args, const std::vector<std::string>* env, int in,
                const core::Pipe& out, const core::Pipe& err) {
    std::vector<char*> argv, envp;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (env)
        for (const auto& e : *env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (in < 0)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    else
        posix_spawn_file_actions_adddup2(&actions, in, 0);
    posix_spawn_file_actions_adddup2(&actions, out.write.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, err.write.get(), 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    pid_t pid = -1;
    int rc =
        ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env ? envp.data() : environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) core::throwErrno("cannot run " + args.front(), rc);
    return pid;
}

int waitExit(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// The report of a host that was asked to start: the pids, or the host's own reason.
Launched parseReport(std::string outText, std::string errText) {
    static const std::regex ready(R"re("pid"\s*:\s*(\d+)\s*,\s*"childPid"\s*:\s*(\d+))re");
    std::smatch m;
    if (std::regex_search(outText, m, ready)) return Launched{std::stoi(m[1]), std::stoi(m[2])};
    while (!errText.empty() && errText.back() == '\n') errText.pop_back();
    if (!errText.empty()) throw core::Error(errText);
    if (!outText.empty()) throw core::Error("parawork-host gave an unexpected answer: " + outText);
    throw core::Error("parawork-host failed to start");
}

/// False when the peer is gone (a standby that died: start the ordinary way).
bool sendAll(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

/// The standby's first line, {"standby":PID}; 0 when it does not come within the timeout.
int readStandbyLine(int fd) {
    std::string line;
    auto deadline = core::ReadClock::now() + kReadyTimeout;
    while (line.find('\n') == std::string::npos && line.size() < 64) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                          core::ReadClock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return 0;
        char c = 0;
        ssize_t n = ::read(fd, &c, 1);  // one byte at a time: the rest is the start's report
        if (n <= 0) return 0;
        line += c;
    }
    static const std::regex standby(R"re(^\{"standby":(\d+)\}\n$)re");
    std::smatch m;
    return std::regex_match(line, m, standby) ? std::stoi(m[1]) : 0;
}

}  // namespace

HostLauncher::HostLauncher(std::filesystem::path hostBinary, std::filesystem::path sessionsDir,
                           std::size_t standbys, std::chrono::milliseconds standbyWait)
    : hostBinary_(std::move(hostBinary)),
      sessionsDir_(std::move(sessionsDir)),
      kept_(standbys),
      standbyWait_(standbyWait) {
    if (kept_ > 0 && sessionsDir_.is_absolute()) filler_ = std::thread([this] { keepStandbys(); });
}

HostLauncher::~HostLauncher() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (filler_.joinable()) filler_.join();
    // The standbys go with their request pipes: each reads EOF and exits.
}

std::optional<HostLauncher::Standby> HostLauncher::startStandby() {
    Standby s;
    // A socket, not a pipe: the request is sent with MSG_NOSIGNAL, so a standby that died costs
    // an error, never a SIGPIPE (whoever uses the launcher may not ignore it).
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
        core::throwErrno("socketpair");
    core::UniqueFd ours(pair[0]), theirs(pair[1]);
    s.out = core::Pipe::open("pipe2");
    s.err = core::Pipe::open("pipe2");
    pid_t foreground =
        spawnHost({hostBinary_.string(), "--standby", "--within", sessionsDir_.string()}, nullptr,
                  theirs.get(), s.out, s.err);
    theirs.reset();
    s.request = std::move(ours);
    s.out.write.reset();
    s.err.write.reset();
    int code = waitExit(foreground);
    s.pid = code == 0 ? readStandbyLine(s.out.read.get()) : 0;
    if (s.pid <= 0) {
        spdlog::warn("no standby host (parawork-host --standby exited {}): sessions start cold",
                     code);
        return std::nullopt;
    }
    return s;
}

void HostLauncher::keepStandbys() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || wanted_; });
        if (stopping_) return;
        wanted_ = false;
        filling_ = true;
        while (!stopping_ && standbys_.size() < kept_) {
            lock.unlock();
            std::optional<Standby> fresh;
            try {
                fresh = startStandby();
            } catch (const std::exception& e) {
                spdlog::warn("no standby host: {}", e.what());
            }
            lock.lock();
            // A failure is not retried until the next start (which then starts cold): no
            // spinning.
            if (!fresh) break;
            standbys_.push_back(std::move(*fresh));
            changed_.notify_all();
        }
        filling_ = false;
        changed_.notify_all();
    }
}

void HostLauncher::replenish() {
    {
        std::lock_guard lock(mutex_);
        if (standbys_.size() >= kept_ || !filler_.joinable()) return;
        wanted_ = true;
    }
    changed_.notify_all();
}

bool HostLauncher::waitForStandby(std::chrono::milliseconds timeout, std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return standbys_.size() >= count; });
}

int HostLauncher::standbyPid() {
    std::lock_guard lock(mutex_);
    return standbys_.empty() ? 0 : standbys_.front().pid;
}

std::optional<HostLauncher::Standby> HostLauncher::takeStandby(bool wait) {
    std::unique_lock lock(mutex_);
    if (wait)
        changed_.wait_for(lock, standbyWait_, [this] {
            return !standbys_.empty() || stopping_ || !(wanted_ || filling_);
        });
    if (standbys_.empty()) return std::nullopt;
    Standby standby = std::move(standbys_.front());
    standbys_.pop_front();
    return standby;
}

Launched HostLauncher::launch(const LaunchSpec& spec) {
    std::vector<std::string> args = hostArguments(spec);
    std::string outText, errText;
    // A standby that died (killed, crashed) answers nothing: the next one gets the request.
    for (auto standby = takeStandby(true); standby; standby = takeStandby(false)) {
        bool sent = sendAll(standby->request.get(), host::encodeStartRequest({args, spec.env}));
        standby->request.reset();  // EOF: the request is complete
        if (!sent) continue;
        drain(standby->out, standby->err, outText, errText);
        if (outText.empty() && errText.empty()) continue;  // it died before it read the request
        Launched launched = parseReport(std::move(outText), std::move(errText));
        launched.warm = true;
        return launched;
    }
    args.insert(args.begin(), hostBinary_.string());
    core::Pipe out = core::Pipe::open("pipe2"), err = core::Pipe::open("pipe2");
    pid_t pid = spawnHost(args, &spec.env, -1, out, err);
    out.write.reset();
    err.write.reset();
    try {
        drain(out, err, outText, errText);
    } catch (...) {
        ::kill(pid, SIGKILL);
        waitExit(pid);
        throw;
    }
    int code = waitExit(pid);
    if (code != 0 && errText.empty()) errText = "parawork-host failed to start";
    return parseReport(code == 0 ? std::move(outText) : std::string(), std::move(errText));
}

}  // namespace parawork::session
