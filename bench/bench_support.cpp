#include "bench_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/json/serialize.hpp>

#include "core/error.hpp"
#include "ws_viewer.hpp"

extern char** environ;

namespace parawork::bench {

namespace json = boost::json;

namespace {
std::atomic<bool> interruptFlag{false};
static_assert(std::atomic<bool>::is_always_lock_free);  // safe in a signal handler

void onInterrupt(int) {
    interruptFlag = true;
}
}  // namespace

void installInterruptHandler() {
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    action.sa_flags = SA_RESETHAND;  // no SA_RESTART: blocking waits return with EINTR
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() {
    return interruptFlag;
}

void checkInterrupted() {
    if (interruptFlag) throw std::runtime_error("interrupted");
}

void sleepFor(std::chrono::milliseconds duration) {
    auto until = Clock::now() + duration;
    while (Clock::now() < until) {
        checkInterrupted();
        std::this_thread::sleep_for(
            std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(50)));
    }
    checkInterrupted();
}

std::string logMaxConfig(std::uint64_t bytes) {
    return "[sessions]\nlog_max_bytes = " + std::to_string(bytes) + "\n";
}

namespace {

/// wrk's latency figure ("812.00us", "1.20ms", "2.00s") in milliseconds.
double wrkMs(const std::string& value, const std::string& unit) {
    double v = std::stod(value);
    return unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : v;
}

}  // namespace

WrkRun runWrk(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"wrk", "--latency"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = runProgram(argv);
    if (result.exitCode != 0) throw std::runtime_error("wrk failed:\n" + result.out);
    static const std::regex rps(R"(Requests/sec:\s+([0-9.]+))");
    static const std::regex p50(R"(50%\s+([0-9.]+)(us|ms|s)\b)");
    static const std::regex p99(R"(99%\s+([0-9.]+)(us|ms|s)\b)");
    static const std::regex errors(R"(Non-2xx or 3xx responses: (\d+))");
    std::smatch m;
    if (std::regex_search(result.out, m, errors))
        throw std::runtime_error("wrk saw " + m[1].str() + " error responses");
    WrkRun run;
    if (!std::regex_search(result.out, m, rps)) throw std::runtime_error("no req/s from wrk");
    run.requestsPerSecond = std::stod(m[1]);
    if (!std::regex_search(result.out, m, p50)) throw std::runtime_error("no p50 from wrk");
    run.p50Ms = wrkMs(m[1], m[2]);
    if (!std::regex_search(result.out, m, p99)) throw std::runtime_error("no p99 from wrk");
    run.p99Ms = wrkMs(m[1], m[2]);
    return run;
}

ProgramResult runProgram(const std::vector<std::string>& argv) {
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) < 0) core::throwErrno("pipe2");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipeFds[1]);
    if (rc != 0) {
        ::close(pipeFds[0]);
        core::throwErrno("posix_spawnp " + argv[0], rc);
    }
    ProgramResult result;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(pipeFds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        result.out.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipeFds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::vector<std::string> tmuxArgv(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"tmux", "-L", "pwbench", "-f", "/dev/null"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

test::Nginx::Options nginxAnchor(const std::filesystem::path& dir, std::uint16_t upstream,
                                 const std::optional<test::Nginx::Tls>& tls) {
    test::Nginx::Options o;
    o.dir = dir;
    o.upstreamPort = upstream;
    o.tls = tls;
    o.locationDirectives = "      proxy_http_version 1.1;\n      proxy_set_header Host 127.0.0.1:" +
                           std::to_string(upstream) + ";\n      proxy_set_header Connection \"\";";
    return o;
}

Memory memoryOf(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    Memory m;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string key;
        std::uint64_t kib = 0;
        fields >> key >> kib;
        if (key == "Rss:") m.rssKiB = kib;
        if (key == "Pss:") m.pssKiB = kib;
    }
    return m;
}

namespace {

/// The fields of /proc/PID/stat after the command name (which may hold spaces).
std::vector<std::string> statFields(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(in, line);
    auto close = line.rfind(')');
    std::vector<std::string> fields;
    if (close == std::string::npos) return fields;
    std::istringstream rest(line.substr(close + 2));
    for (std::string f; rest >> f;) fields.push_back(f);
    return fields;  // fields[0] is the state (field 3 of proc(5))
}

}  // namespace

std::vector<pid_t> processTree(const std::vector<pid_t>& roots) {
    std::vector<std::pair<pid_t, pid_t>> parents;  // (pid, ppid)
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        auto name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        pid_t pid = std::stoi(name);
        auto fields = statFields(pid);
        if (fields.size() > 1) parents.emplace_back(pid, std::stoi(fields[1]));
    }
    std::vector<pid_t> tree = roots;
    for (std::size_t i = 0; i < tree.size(); ++i)
        for (const auto& [pid, ppid] : parents)
            if (ppid == tree[i]) tree.push_back(pid);
    return tree;
}

double cpuSeconds(pid_t pid) {
    auto fields = statFields(pid);
    if (fields.size() < 13) return 0;
    // utime and stime are fields 14 and 15 of proc(5), in clock ticks.
    return static_cast<double>(std::stoull(fields[11]) + std::stoull(fields[12])) /
           static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::uint64_t writeTextFile(const std::filesystem::path& path, std::uint64_t bytes) {
    constexpr std::size_t kLine = 100, kBlockLines = 10000;
    // A block of distinct printable lines, written over and over.
    std::string block;
    block.reserve(kLine * kBlockLines);
    for (std::size_t i = 0; i < kBlockLines; ++i) {
        std::string line = std::to_string(i) + " ";
        for (std::size_t c = 0; line.size() < kLine - 1; ++c)
            line.push_back(static_cast<char>('!' + (i * 7 + c) % 94));
        block += line + "\n";
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::uint64_t left = bytes / kLine * kLine, written = 0;
    while (left > 0) {
        auto n = std::min<std::uint64_t>(left, block.size());
        out.write(block.data(), static_cast<std::streamsize>(n));
        left -= n;
        written += n;
    }
    if (!out) throw core::Error("cannot write " + path.string());
    return written;
}

SessionFleet::SessionFleet(const test::DaemonProcess& daemon)
    : api_(daemon), daemonPid_(daemon.pid()), sessionsDir_(daemon.home() / "data" / "sessions") {}

SessionFleet::~SessionFleet() {
    try {
        stopAll(std::chrono::seconds(20));
    } catch (const std::exception&) {
        // stopAll already killed what it could; a destructor must not throw.
    }
}

std::string SessionFleet::createWorkspace() {
    auto dir = root_.path() / ("ws" + std::to_string(++workspaces_));
    std::filesystem::create_directory(dir);
    return api_.createWorkspace(dir.string());
}

std::string SessionFleet::start(const std::string& workspaceId,
                                const std::vector<std::string>& argv) {
    auto session = api_.start(workspaceId, argv, R"("cols":120,"rows":30)");
    ids_.emplace_back(session.at("id").as_string());
    return ids_.back();
}

pid_t SessionFleet::hostPid(const std::string& id) const {
    std::ifstream in(sessionsDir_ / id / "host.pid");
    pid_t pid = -1;
    in >> pid;
    return pid;
}

namespace {

/// A pid from host.pid may be long gone and reused: only a live parawork-host counts.
bool isLiveHost(pid_t pid) {
    if (pid <= 0 || !test::processAlive(pid)) return false;
    std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
    std::string comm;
    std::getline(in, comm);
    return comm == "parawork-host";
}

}  // namespace

void SessionFleet::stopAll(std::chrono::seconds timeout) {
    auto until = Clock::now() + timeout;
    auto ended = [this](const std::string& id) {
        auto status = api_.session(id).at("status").as_string();
        return status == "completed" || status == "failed";
    };
    bool daemonAlive = test::processAlive(daemonPid_);
    std::vector<std::string> running;
    std::vector<pid_t> hosts;
    for (const auto& id : ids_) {
        pid_t host = hostPid(id);
        if (!isLiveHost(host)) host = -1;
        if (host > 0) hosts.push_back(host);
        if (!daemonAlive) {
            if (host > 0) ::kill(host, SIGTERM);  // the host passes it to its command's group
            continue;
        }
        try {
            // Stopping an ended session is harmless: no status check first, half the requests.
            api_.call("POST", "/api/sessions/" + id + "/stop", "{}");
        } catch (const std::exception&) {
            // The daemon is going away (a Ctrl-C reaches it too): stop the command directly.
            if (host > 0) ::kill(host, SIGTERM);
        }
        running.push_back(id);
    }
    ids_.clear();
    while (!running.empty() && Clock::now() < until && test::processAlive(daemonPid_)) {
        std::erase_if(running, [&](const std::string& id) {
            try {
                return ended(id);
            } catch (const std::exception&) {
                return false;
            }
        });
        if (!running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Hosts linger after their command (2 s by default); wait for them, then make sure.
    auto hostsUntil = std::max(until, Clock::now() + std::chrono::seconds(5));
    while (!hosts.empty() && Clock::now() < hostsUntil) {
        std::erase_if(hosts, [](pid_t pid) { return !isLiveHost(pid); });
        if (!hosts.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (pid_t pid : hosts)
        if (isLiveHost(pid)) ::kill(pid, SIGKILL);  // the PTY closes: its command gets SIGHUP
    if (!running.empty() || !hosts.empty())
        throw core::Error(std::to_string(running.size()) + " sessions did not stop, " +
                          std::to_string(hosts.size()) + " hosts had to be killed");
}

DetachedStart detachedStart(SessionFleet& fleet, const std::filesystem::path& socket) {
    auto workspace = fleet.createWorkspace();
    auto start = Clock::now();
    auto id = fleet.start(workspace, {"printf", "hi"});
    auto answered = Clock::now();
    WsViewer viewer(socket, "/api/sessions/" + id + "/attach?offset=0");
    while (viewer.binaryBytes() == 0)
        if (!viewer.pump(std::chrono::seconds(10)))
            throw std::runtime_error("attach ended before the first byte");
    return {millisecondsBetween(start, Clock::now()), millisecondsBetween(start, answered)};
}

}  // namespace parawork::bench
