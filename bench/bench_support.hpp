// Helpers the workloads share: reading a process's memory and CPU from /proc, running a short
// program without polling delays, wrk and nginx, writing the text file the throughput workloads
// cat, and a fleet of sessions that is stopped at the end even when a workload throws.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/nginx.hpp"
#include "support/session_api.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::bench {

using Clock = std::chrono::steady_clock;

inline double millisecondsBetween(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

/// Runs `f` when the scope ends, also on a throw (cleanup that must happen: threads, servers).
struct Finally {
    std::function<void()> f;
    explicit Finally(std::function<void()> onExit) : f(std::move(onExit)) {}
    Finally(const Finally&) = delete;
    Finally& operator=(const Finally&) = delete;
    ~Finally() { f(); }
};

/// Megabytes (10^6 bytes) per second.
inline double megabytesPerSecond(std::uint64_t bytes, Clock::time_point from,
                                 Clock::time_point to) {
    double seconds = std::chrono::duration<double>(to - from).count();
    return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0;
}

/// Makes SIGINT and SIGTERM set a flag instead of killing the runner (once: a second one kills):
/// session hosts outlive their daemon by design, so a killed benchmark would leave hundreds of
/// them running. Long waits check the flag and throw, and RAII stops sessions and daemons.
void installInterruptHandler();
bool interrupted();
/// Throws when interrupted.
void checkInterrupted();
/// Sleeps, throwing when interrupted.
void sleepFor(std::chrono::milliseconds duration);

/// A config.toml whose session logs keep `bytes` (throughput runs must not drop output).
std::string logMaxConfig(std::uint64_t bytes);

struct ProgramResult {
    int exitCode = -1;
    std::string out;
};

/// Runs argv (PATH lookup) to completion with stdin and stderr on /dev/null, stdout captured.
/// Unlike test::runProcess it waits with a blocking waitpid (no 5 ms poll), so it can time
/// short commands such as `tmux capture-pane`.
ProgramResult runProgram(const std::vector<std::string>& argv);

/// What `wrk --latency` measured.
struct WrkRun {
    double requestsPerSecond = 0;
    double p50Ms = 0;
    double p99Ms = 0;
};

/// Runs `wrk --latency` with `args` (connections, duration, headers, URL) and reads its figures.
/// Throws when wrk fails or saw error responses.
WrkRun runWrk(const std::vector<std::string>& args);

/// nginx as the benchmarks' anchor: a reverse proxy to 127.0.0.1:upstream with upstream
/// keep-alive and the Host header naming the upstream's address (a daemon's Host check accepts
/// that); with `tls`, terminating TLS.
test::Nginx::Options nginxAnchor(const std::filesystem::path& dir, std::uint16_t upstream,
                                 const std::optional<test::Nginx::Tls>& tls = std::nullopt);

/// `tmux` with args on the benchmarks' private server (`-L pwbench`, no configuration file), so
/// that a user's own tmux is never touched.
std::vector<std::string> tmuxArgv(const std::vector<std::string>& args);

/// Proportional and resident set size, KiB, from /proc/PID/smaps_rollup.
struct Memory {
    std::uint64_t pssKiB = 0;
    std::uint64_t rssKiB = 0;
    Memory& operator+=(const Memory& other) {
        pssKiB += other.pssKiB;
        rssKiB += other.rssKiB;
        return *this;
    }
};
Memory memoryOf(pid_t pid);
/// `roots` and all their descendants (by parent pid, from one scan of /proc).
std::vector<pid_t> processTree(const std::vector<pid_t>& roots);
/// User + system CPU time the process used so far, in seconds.
double cpuSeconds(pid_t pid);

/// Writes `bytes` (rounded down to whole lines) of printable text in lines of 100 bytes.
std::uint64_t writeTextFile(const std::filesystem::path& path, std::uint64_t bytes);

/// Sessions started through one daemon's API, each in a workspace of its own (one active
/// session per workspace). Whatever still runs is stopped when the fleet goes away.
class SessionFleet {
  public:
    explicit SessionFleet(const test::DaemonProcess& daemon);
    ~SessionFleet();
    SessionFleet(const SessionFleet&) = delete;
    SessionFleet& operator=(const SessionFleet&) = delete;

    /// A new workspace on an empty directory of its own (untimed: call before starting a
    /// clock). Not /tmp: the daemon watches a workspace's files while sessions run there, and
    /// /tmp's traffic (build trees, other tests) would be measured along with the sessions.
    std::string createWorkspace();
    /// Starts argv in the workspace; returns the session id.
    std::string start(const std::string& workspaceId, const std::vector<std::string>& argv);
    test::SessionApi& api() { return api_; }
    const std::vector<std::string>& ids() const { return ids_; }
    /// The session's parawork-host (from host.pid in its session directory).
    pid_t hostPid(const std::string& id) const;
    /// Stops every session, waits until each has ended and its host has exited. When the daemon
    /// is gone (it crashed), signals the hosts directly.
    void stopAll(std::chrono::seconds timeout = std::chrono::seconds(30));

  private:
    test::TempDir root_{"pw-fleet"};
    int workspaces_ = 0;
    test::SessionApi api_;
    pid_t daemonPid_;
    std::filesystem::path sessionsDir_;
    std::vector<std::string> ids_;
};

/// W1's figure: a detached `printf hi` started by the REST API until a viewer (the attach
/// WebSocket, ?offset=0, opened when the POST answered) holds its first byte (W1, and W17's
/// anchor).
struct DetachedStart {
    double firstByteMs = 0;
    double postMs = 0;  ///< until the POST answered: where the time goes
};
DetachedStart detachedStart(SessionFleet& fleet, const std::filesystem::path& socket);

}  // namespace parawork::bench
