#include "ports/port_tracker.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "ports/socket_owners.hpp"

namespace parawork::ports {
namespace {

bool isLoopbackOrAny(const ListeningSocket& s) {
    if (s.family == AF_INET) return s.address == "0.0.0.0" || s.address.starts_with("127.");
    return s.address == "::" || s.address == "::1";
}

/// The ports of one attributed tree, keyed by number.
std::map<std::uint16_t, SessionPort> portsOf(const TreeSockets& tree) {
    std::map<std::uint16_t, SessionPort> ports;
    for (const auto& owned : tree.sockets) {
        auto& port = ports[owned.socket.port];
        port.port = owned.socket.port;
        port.sockets.push_back(owned.socket);
        port.pids.insert(port.pids.end(), owned.pids.begin(), owned.pids.end());
    }
    for (auto& [number, port] : ports) {
        std::sort(port.pids.begin(), port.pids.end());
        port.pids.erase(std::unique(port.pids.begin(), port.pids.end()), port.pids.end());
    }
    return ports;
}

}  // namespace

std::string SessionPort::connectAddress() const {
    for (const auto& s : sockets)
        if (s.family == AF_INET && isLoopbackOrAny(s)) return "127.0.0.1";
    for (const auto& s : sockets)
        if (s.family == AF_INET6 && isLoopbackOrAny(s)) return "::1";
    return sockets.empty() ? "127.0.0.1" : sockets.front().address;
}

PortTracker::PortTracker(PortEvents events, std::chrono::milliseconds interval)
    : events_(std::move(events)), interval_(interval), thread_([this] { run(); }) {}

PortTracker::~PortTracker() {
    stop();
}

void PortTracker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PortTracker::add(const std::string& sessionId, const std::string& workspaceId, pid_t root,
                      std::vector<std::uint16_t> declared) {
    {
        std::lock_guard lock(mutex_);
        auto& s = sessions_[sessionId];
        s.id = sessionId;
        s.workspaceId = workspaceId;
        s.root = root;
        std::sort(declared.begin(), declared.end());
        s.declared = std::move(declared);
        attributionNeeded_ = true;
        scanRequested_ = true;
    }
    wake_.notify_all();
}

void PortTracker::remove(const std::string& sessionId) {
    std::optional<TrackedSession> gone;
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(sessionId);
        if (it == sessions_.end()) return;
        gone = std::move(it->second);
        sessions_.erase(it);
    }
    if (events_.closed)
        for (const auto& port : gone->ports) events_.closed(*gone, port);
}

void PortTracker::scanSoon() {
    {
        std::lock_guard lock(mutex_);
        scanRequested_ = true;
    }
    wake_.notify_all();
}

std::vector<TrackedSession> PortTracker::sessions() const {
    std::lock_guard lock(mutex_);
    std::vector<TrackedSession> out;
    for (const auto& [id, s] : sessions_) out.push_back(s);
    return out;
}

std::optional<TrackedSession> PortTracker::session(const std::string& sessionId) const {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(sessionId);
    if (it == sessions_.end()) return std::nullopt;
    return it->second;
}

std::optional<TrackedSession> PortTracker::ownerOf(std::uint16_t port) const {
    std::lock_guard lock(mutex_);
    for (const auto& [id, s] : sessions_)
        for (const auto& p : s.ports)
            if (p.port == port) return s;
    return std::nullopt;
}

std::set<std::uint16_t> PortTracker::listeningPorts() const {
    std::lock_guard lock(mutex_);
    std::set<std::uint16_t> ports;
    for (const auto& s : lastSockets_) ports.insert(s.port);
    return ports;
}

TrackerStats PortTracker::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void PortTracker::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        // Idle (no session) costs nothing: sleep until a session is added.
        if (sessions_.empty())
            wake_.wait(lock, [&] { return stopping_ || !sessions_.empty(); });
        else
            wake_.wait_for(lock, interval_, [&] { return stopping_ || scanRequested_; });
        if (stopping_) break;
        scanRequested_ = false;
        lock.unlock();
        try {
            scan();
        } catch (const std::exception& e) {
            spdlog::warn("port scan failed: {}", e.what());
        }
        lock.lock();
    }
}

void PortTracker::scan() {
    auto dump = listeningSockets();
    std::set<std::uint64_t> inodes;
    for (const auto& s : dump.sockets) inodes.insert(s.inode);

    std::vector<pid_t> roots;
    bool attribute = false;
    {
        std::lock_guard lock(mutex_);
        ++stats_.dumps;
        stats_.source = dump.source;
        attribute = attributionNeeded_ ||
                    std::any_of(inodes.begin(), inodes.end(),
                                [&](std::uint64_t i) { return !knownInodes_.contains(i); });
        attributionNeeded_ = false;
        if (attribute)
            for (const auto& [id, s] : sessions_) roots.push_back(s.root);
    }
    // The tree walk reads /proc: outside the lock, so the API never waits on it.
    std::map<pid_t, std::map<std::uint16_t, SessionPort>> byRoot;
    if (attribute)
        for (const auto& tree : listeningSocketsByTree(roots, dump.sockets))
            byRoot[tree.root] = portsOf(tree);

    std::vector<std::pair<TrackedSession, SessionPort>> opened, closed;
    auto now = core::nowMs();
    {
        std::lock_guard lock(mutex_);
        if (attribute) ++stats_.attributions;
        knownInodes_ = std::move(inodes);
        lastSockets_ = dump.sockets;
        for (auto& [id, session] : sessions_) {
            std::map<std::uint16_t, SessionPort> current;
            if (auto found = byRoot.find(session.root); found != byRoot.end()) {
                current = found->second;
            } else {
                // Not walked this time (or added during the walk): keep what is still listening.
                for (const auto& port : session.ports) {
                    SessionPort kept = port;
                    std::erase_if(kept.sockets, [&](const ListeningSocket& s) {
                        return !knownInodes_.contains(s.inode);
                    });
                    if (!kept.sockets.empty()) current[kept.port] = std::move(kept);
                }
            }
            std::vector<SessionPort> next;
            for (auto& [key, port] : current) {
                auto number = key;  // clang 14 cannot capture a structured binding
                auto before = std::find_if(session.ports.begin(), session.ports.end(),
                                           [&](const SessionPort& p) { return p.port == number; });
                port.openedAt = before != session.ports.end() ? before->openedAt : now;
                next.push_back(std::move(port));
            }
            TrackedSession header = session;
            header.ports.clear();
            for (const auto& port : session.ports)
                if (!current.contains(port.port)) closed.emplace_back(header, port);
            for (const auto& port : next)
                if (std::none_of(session.ports.begin(), session.ports.end(),
                                 [&](const SessionPort& p) { return p.port == port.port; }))
                    opened.emplace_back(header, port);
            session.ports = std::move(next);
        }
    }
    if (events_.closed)
        for (const auto& [session, port] : closed) events_.closed(session, port);
    if (events_.opened)
        for (const auto& [session, port] : opened) events_.opened(session, port);
}

}  // namespace parawork::ports
