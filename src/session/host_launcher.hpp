// Starts a `parawork-host` for a session (DESIGN §3): the host detaches itself and reports when
// its socket listens, so that a daemon crash or restart never takes the session with it.
//
// Hosts are kept started in advance (`parawork-host --standby`, docs/host-protocol.md), two by
// default: a session's start then only sends one the request, skipping the exec, the loading and
// the detaching of a host — most of a start on a machine where forks and page faults are dear.
// Two, so that starts back to back (an agent starting sessions) find one ready while the next
// is made. A standby on its way is waited for: it is nearer than a host started now, which has
// all of that to do and more. When none is ready or coming (a burst of starts, or they died)
// the host is started the ordinary way.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/pipe.hpp"
#include "core/unique_fd.hpp"
#include "host/host_protocol.hpp"

namespace parawork::session {

struct LaunchSpec {
    std::filesystem::path sessionDir;
    std::filesystem::path cwd;
    std::vector<std::string> argv;  ///< the command; never a shell string
    std::vector<std::string> env;   ///< "KEY=value": the command's whole environment
    host::WindowSize size{120, 30};
    std::uint64_t logMaxBytes = 64u << 20;
    /// cgroup.procs files the command joins before it execs (its limits).
    std::vector<std::filesystem::path> cgroupProcFiles;
};

struct Launched {
    int hostPid = 0;
    int childPid = 0;
    bool warm = false;  ///< started by a standby host
};

/// Standby hosts kept by default.
inline constexpr std::size_t kDefaultStandbys = 2;

class HostLauncher {
  public:
    /// `sessionsDir`: where every session directory is (a standby starts sessions there only,
    /// and says so on its command line). `standbys`: hosts kept started in advance (0: every
    /// start is an ordinary one); the first are started by the first replenish().
    /// `standbyWait`: the longest a start waits for a standby on its way (one stuck starting
    /// must not hold starts up; it is ready in milliseconds).
    HostLauncher(std::filesystem::path hostBinary, std::filesystem::path sessionsDir,
                 std::size_t standbys = kDefaultStandbys,
                 std::chrono::milliseconds standbyWait = std::chrono::seconds(1));
    /// Lets the standbys go (they read EOF and exit) and stops the thread that starts them.
    ~HostLauncher();
    HostLauncher(const HostLauncher&) = delete;
    HostLauncher& operator=(const HostLauncher&) = delete;

    /// Runs the host and waits until it is ready (its socket listens) or has failed. Throws
    /// core::Error carrying the host's own message on failure. Blocks for a few milliseconds:
    /// call it from a worker thread.
    Launched launch(const LaunchSpec& spec);
    /// Starts standbys until they are as many as kept. Call once the start that used one is
    /// over (the session attached), and once the daemon serves: started during either, they
    /// would take the CPU it needs.
    void replenish();

    /// Waits until `count` standbys are ready (tests and benchmarks that measure warm starts).
    bool waitForStandby(std::chrono::milliseconds timeout, std::size_t count = 1);
    /// The pid of the standby the next start takes (0: none ready).
    int standbyPid();

  private:
    struct Standby {
        int pid = 0;  ///< the detached host (its foreground process is reaped already)
        core::UniqueFd request;
        core::Pipe out, err;
    };
    std::optional<Standby> startStandby();
    /// The oldest standby ready; with `wait`, one on its way is waited for (standbyWait_).
    std::optional<Standby> takeStandby(bool wait);
    void keepStandbys();  ///< the filler thread

    std::filesystem::path hostBinary_;
    std::filesystem::path sessionsDir_;
    std::size_t kept_;
    std::chrono::milliseconds standbyWait_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Standby> standbys_;  ///< ready, oldest first
    bool stopping_ = false;
    bool wanted_ = false;   ///< standbys should be started now
    bool filling_ = false;  ///< the filler is starting them
    std::thread filler_;
};

}  // namespace parawork::session
