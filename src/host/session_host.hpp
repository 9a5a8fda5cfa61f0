// The session host's event loop (DESIGN §3, §4): one process per session that owns the PTY
// master, drains it into the output log first and always, keeps the screen model off that path,
// records the exit, and serves the host socket (docs/host-protocol.md).
//
// Life of a session:
//   Running  — the command runs; its exit is seen on its pidfd (not on the PTY's EIO: a
//              grandchild may keep the terminal open).
//   Draining — up to kDrainAfterExit, the remaining PTY output is read (until EIO).
//   Finished — exit.json is written, watchers get OUTPUT_AVAILABLE + EXITED, the remaining
//              descendants get SIGHUP (+SIGCONT) and, kKillGrace later, SIGKILL until none is
//              left. The socket keeps answering for the linger (--linger-ms), then the host exits.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/unique_fd.hpp"
#include "host/client_connection.hpp"
#include "host/exit_record.hpp"
#include "host/host_protocol.hpp"
#include "host/output_log.hpp"
#include "host/pty_child.hpp"
#include "host/screen_tracker.hpp"
#include "host/session_dir.hpp"

namespace parawork::host {

/// How long remaining PTY output is read after the command exits (ends early at EIO).
inline constexpr std::chrono::milliseconds kDrainAfterExit{200};
/// Time between SIGHUP and SIGKILL for descendants that outlive the command.
inline constexpr std::chrono::milliseconds kKillGrace{500};
/// Clients served at once; more are refused at accept.
inline constexpr std::size_t kMaxClients = 32;
/// Input waiting for the command to read it; beyond this INPUT is refused with ERROR.
inline constexpr std::size_t kMaxPendingInput = 1024 * 1024;

/// Everything a host needs to start.
struct SessionHostConfig {
    SessionPaths paths;
    WindowSize size;
    std::filesystem::path cwd;
    OutputLogLimits log;
    std::chrono::milliseconds linger{2000};
    std::vector<std::string> command;
    std::vector<std::string> env;
    mode_t childUmask = 022;
    std::vector<std::filesystem::path> cgroupProcFiles;  ///< joined by the command before exec
    /// A screen worker the standby started while it waited; else one starts at first output.
    std::optional<ScreenProcess> screenWorker;
};

class SessionHost {
  public:
    /// Opens the log, listens on the socket, installs the signal handling and starts the
    /// command. Throws core::Error (nothing is left running then).
    explicit SessionHost(SessionHostConfig config);
    ~SessionHost();
    SessionHost(const SessionHost&) = delete;
    SessionHost& operator=(const SessionHost&) = delete;

    pid_t childPid() const { return child_.pid; }

    /// Serves until the session is over and the linger has passed.
    void run();

  private:
    enum class Phase { Running, Draining, Finished };
    using Clock = std::chrono::steady_clock;

    // session_host.cpp: the loop, the PTY and the command's life.
    int pollTimeoutMs(Clock::time_point now) const;
    std::size_t drainPty();
    void appendOutput(std::string_view bytes);
    void writePendingInput();
    void readSignals();
    void reapChildren();
    void onPidfdReadable();
    void onChildStatus(int waitStatus);
    void finishSession();
    void advancePhase(Clock::time_point now);
    void onTerminateRequest();

    // host_requests.cpp: the socket and its requests.
    void acceptClients();
    void serviceClient(ClientConnection& client);
    void handleFrame(ClientConnection& client, const Frame& frame);
    void handleHello(ClientConnection& client, const Frame& frame);
    void handleInput(ClientConnection& client, std::string_view bytes);
    void handleResize(ClientConnection& client, std::string_view payload);
    void handleSignal(ClientConnection& client, std::string_view payload);
    void handleSnapshot(ClientConnection& client);
    void handleScreenText(ClientConnection& client);
    void handleWatch(ClientConnection& client);
    HostStatus status() const;

    SessionHostConfig config_;
    OutputLogWriter log_;
    ScreenTracker tracker_;
    core::UniqueFd signalFd_;
    core::UniqueFd listenFd_;
    PtyChild child_;
    std::list<ClientConnection> clients_;

    Phase phase_ = Phase::Running;
    bool masterOpen_ = true;
    bool killDone_ = false;
    bool done_ = false;
    int terminateRequests_ = 0;
    int waitStatus_ = 0;
    std::int64_t startedAtMs_ = 0;
    std::int64_t exitedAtMs_ = 0;
    std::optional<ExitRecord> exit_;
    Clock::time_point drainDeadline_{};
    Clock::time_point killDeadline_{};
    Clock::time_point lingerDeadline_{};
    std::string pendingInput_;  ///< input not yet accepted by the PTY, from pendingInputPos_
    std::size_t pendingInputPos_ = 0;
    std::unique_ptr<char[]> readBuffer_;
    std::uint64_t logWriteFailures_ = 0;
    std::uint64_t trimmedAtSkips_ = 0;
};

}  // namespace parawork::host
