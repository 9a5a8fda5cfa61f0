// The daemon's view of one session whose host it is connected to. Shared by the service (API
// threads), the host watcher thread and the output follower thread; each field says who owns it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "activity/terminal_signals.hpp"
#include "core/entities.hpp"
#include "host/exit_record.hpp"
#include "host/host_client.hpp"
#include "host/session_dir.hpp"
#include "session/log_lines.hpp"

namespace parawork::session {

struct LiveSession {
    std::string id;
    std::string workspaceId;
    core::SessionKind kind = core::SessionKind::Agent;
    host::SessionPaths paths;

    /// Requests (input, resize, signal, snapshot) from API threads, one at a time.
    std::mutex controlMutex;
    std::optional<host::HostClient> control;

    /// The WATCH connection; only the watcher thread touches it.
    std::optional<host::HostClient> watch;

    std::atomic<std::uint64_t> end{0};       ///< newest log end offset the host reported
    std::atomic<bool> stopRequested{false};  ///< a person asked it to stop
    std::atomic<bool> ended{false};          ///< the host reported the exit (or was lost)
    std::atomic<bool> finished{false};       ///< recorded in the store and announced
    /// The program has bracketed paste on (the follower sets it from `signals`; a message typed
    /// by the service then goes inside the paste markers).
    std::atomic<bool> bracketedPaste{false};

    /// Set once by the watcher before `ended`; read by the follower after it sees `ended`.
    std::optional<host::ExitRecord> exit;
    std::string lostReason;  ///< non-empty when the host vanished without an exit record

    std::mutex killMutex;  ///< guards killAt (service sets, watcher reads) and stopReason
    std::optional<std::chrono::steady_clock::time_point> killAt;
    std::string stopReason;  ///< why it was stopped: "stopped" (a person) or "limit:..."

    // Owned by the follower thread.
    LineSplitter splitter;
    activity::TerminalSignalScanner signals;
    std::uint64_t parsed = 0;
    std::uint64_t loggedBytes = 0;
    std::size_t loggedRows = 0;
    bool firstOutputRecorded = false;
};

}  // namespace parawork::session
