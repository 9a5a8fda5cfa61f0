// Starts a `parawork-host` for a session (DESIGN §3): the host detaches itself and reports when
// its socket listens, so that a daemon crash or restart never takes the session with it.
//
// One host is kept started in advance (`parawork-host --standby`, docs/host-protocol.md): a
// session's start then only sends it the request, skipping the exec, the loading and the
// detaching of a host — most of a start on a machine where forks and page faults are dear. A
// standby on its way (the last start used the one there was) is waited for: it is nearer than a
// host started now, which has all of that to do and more. When none is ready or coming (two
// starts at once, or it died) the host is started the ordinary way.
#pragma once

#include <condition_variable>
#include <cstdint>
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
    bool warm = false;  ///< started by the standby host
};

class HostLauncher {
  public:
    /// `sessionsDir`: where every session directory is (a standby starts sessions there only,
    /// and says so on its command line). `keepStandby`: keep a host started in advance (off:
    /// every start is an ordinary one); the first is started by the first replenish().
    /// `standbyWait`: the longest a start waits for a standby on its way (one stuck starting
    /// must not hold starts up; it is ready in milliseconds).
    HostLauncher(std::filesystem::path hostBinary, std::filesystem::path sessionsDir,
                 bool keepStandby = true,
                 std::chrono::milliseconds standbyWait = std::chrono::seconds(1));
    /// Lets the standby go (it reads EOF and exits) and stops the thread that starts them.
    ~HostLauncher();
    HostLauncher(const HostLauncher&) = delete;
    HostLauncher& operator=(const HostLauncher&) = delete;

    /// Runs the host and waits until it is ready (its socket listens) or has failed. Throws
    /// core::Error carrying the host's own message on failure. Blocks for a few milliseconds:
    /// call it from a worker thread.
    Launched launch(const LaunchSpec& spec);
    /// Starts a standby when none is ready. Call once the start that used the last is over
    /// (the session attached), and once the daemon serves: started during either, it would take
    /// the CPU they need.
    void replenish();

    /// Waits until a standby is ready (tests and benchmarks that measure warm starts).
    bool waitForStandby(std::chrono::milliseconds timeout);
    /// The standby's pid (0: none ready).
    int standbyPid();

  private:
    struct Standby {
        int pid = 0;  ///< the detached host (its foreground process is reaped already)
        core::UniqueFd request;
        core::Pipe out, err;
    };
    std::optional<Standby> startStandby();
    void keepStandby();  ///< the filler thread

    std::filesystem::path hostBinary_;
    std::filesystem::path sessionsDir_;
    std::chrono::milliseconds standbyWait_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::optional<Standby> standby_;
    bool stopping_ = false;
    bool wanted_ = false;   ///< a standby should be started now
    bool filling_ = false;  ///< the filler is starting one
    std::thread filler_;
};

}  // namespace parawork::session
