// Which ports each running session listens on, kept current by one thread: every interval it
// dumps the listening sockets with sock_diag (~31 µs), and only when a socket appeared (or a
// session was added) it walks the sessions' process trees to attribute them (platform notes:
// netlink poll, diff inode sets, attribute new ones). Output that mentions a URL wakes it at
// once (scanSoon). Ports of a session are keyed by number: an IPv4 and an IPv6 socket on the
// same port are one port.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ports/listening_sockets.hpp"

namespace parawork::ports {

/// One port a session's process tree listens on.
struct SessionPort {
    std::uint16_t port = 0;
    std::vector<ListeningSocket> sockets;  ///< one per family/address, sorted
    std::vector<pid_t> pids;               ///< processes holding them, sorted
    std::int64_t openedAt = 0;             ///< ms since the epoch, when first seen

    /// Where a client on this machine reaches it: 127.0.0.1 for IPv4 loopback or wildcard
    /// sockets, ::1 for IPv6-only ones, else the one address it is bound to.
    std::string connectAddress() const;
};

/// A tracked session and what it listens on.
struct TrackedSession {
    std::string id;
    std::string workspaceId;
    pid_t root = 0;
    std::vector<std::uint16_t> declared;  ///< ports it said it serves (`run -p`)
    std::vector<SessionPort> ports;       ///< sorted by port
};

struct PortEvents {
    std::function<void(const TrackedSession& session, const SessionPort& port)> opened;
    std::function<void(const TrackedSession& session, const SessionPort& port)> closed;
};

/// How the tracker has been doing (for logs and /metrics).
struct TrackerStats {
    std::uint64_t dumps = 0;         ///< socket dumps
    std::uint64_t attributions = 0;  ///< process-tree walks
    SocketSource source = SocketSource::Netlink;
};

class PortTracker {
  public:
    explicit PortTracker(PortEvents events,
                         std::chrono::milliseconds interval = std::chrono::milliseconds(100));
    ~PortTracker();
    PortTracker(const PortTracker&) = delete;
    PortTracker& operator=(const PortTracker&) = delete;

    /// Starts tracking a session whose process tree has `root` at its top. Its existing
    /// sockets are found on the next scan (a re-adopted session keeps its ports).
    void add(const std::string& sessionId, const std::string& workspaceId, pid_t root,
             std::vector<std::uint16_t> declared);
    /// Stops tracking it; each of its ports is reported closed.
    void remove(const std::string& sessionId);
    /// Scan now rather than at the next interval (a URL appeared in the output).
    void scanSoon();

    std::vector<TrackedSession> sessions() const;
    std::optional<TrackedSession> session(const std::string& sessionId) const;
    /// The session listening on `port`, if a tracked one does.
    std::optional<TrackedSession> ownerOf(std::uint16_t port) const;
    /// Every port any socket on this machine listens on, as of the last scan.
    std::set<std::uint16_t> listeningPorts() const;
    TrackerStats stats() const;

    /// Stops the thread (no events after it returns). Idempotent.
    void stop();

  private:
    void run();
    void scan();

    PortEvents events_;
    std::chrono::milliseconds interval_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool scanRequested_ = false;
    bool attributionNeeded_ = false;  ///< a session was added since the last tree walk
    std::map<std::string, TrackedSession> sessions_;
    std::set<std::uint64_t> knownInodes_;  ///< every listening inode of the last dump
    std::vector<ListeningSocket> lastSockets_;
    TrackerStats stats_;
    std::thread thread_;
};

}  // namespace parawork::ports
