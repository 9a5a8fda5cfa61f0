// The daemon's ports: each workspace's block (PORT, PARAWORK_PORTS), the ports each running
// session listens on (PortTracker), the ports sessions declared, readiness (`session_ready` when
// a port answers or a ready line appears, readyAt stored), `port_opened` / `port_closed` events,
// and what a preview host resolves to. Plain C++ and threads; the daemon wires it to the session
// service's hooks and the network edge.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>

#include "core/entities.hpp"
#include "ports/port_blocks.hpp"
#include "ports/port_tracker.hpp"
#include "ports/preview_host.hpp"
#include "store/database.hpp"

namespace parawork::ports {

struct PortServiceConfig {
    PortBlockConfig blocks;
    std::chrono::milliseconds scanInterval{100};
    std::string previewDomain = "localhost";
    /// The port in preview URLs (0: the daemon's) and their scheme ("https" under TLS or
    /// behind a TLS proxy).
    std::uint16_t previewPublicPort = 0;
    std::string previewScheme = "http";
    /// How long a newly opened port is probed for readiness before giving up.
    std::chrono::milliseconds readinessWindow{60000};
};

/// What a preview host leads to.
struct PreviewTarget {
    enum class Kind {
        Proxy,    ///< a session of the workspace listens on the port: forward to address:port
        Waiting,  ///< a running session of the workspace will serve it (declared / its block)
        Ended,    ///< the session that was to serve it has ended
        Unknown,  ///< nothing of this workspace serves or will serve it
    };
    Kind kind = Kind::Unknown;
    std::string sessionId;
    std::string workspaceId;
    std::string address;  ///< for Proxy
    std::uint16_t port = 0;
    std::string reason;  ///< for Unknown: why, for the refusal page
};

class PortService {
  public:
    using Publish = std::function<void(const std::string& workspaceId, std::string eventJson)>;

    PortService(store::Database& db, PortServiceConfig config, Publish publish);
    ~PortService();
    PortService(const PortService&) = delete;
    PortService& operator=(const PortService&) = delete;

    /// The daemon's bound port: previews live on it, and it is never a preview target.
    void setDaemonPort(std::uint16_t port);

    // Hooks of the session service.
    void sessionRunning(const core::Session& session);
    /// Before the end is recorded: a preview of its ports never reaches them after (issue 18).
    void processEnded(const std::string& sessionId);
    void outputLine(const std::string& sessionId, const std::string& workspaceId,
                    std::string_view line);
    /// PORT and PARAWORK_PORTS of the workspace's block, assigning one on first use. Empty
    /// (and logged) when every block is taken.
    std::map<std::string, std::string> workspaceEnvironment(const std::string& workspaceId);
    /// Frees the block of a deleted workspace.
    void workspaceRemoved(const std::string& workspaceId);

    /// A session's ports for the API: what it listens on and what it declared, each with its
    /// preview URL. nullopt when the session is unknown.
    std::optional<boost::json::array> sessionPorts(const std::string& sessionId) const;
    /// The ports of every running session.
    boost::json::array allPorts() const;
    /// The workspace's block, if it has one.
    std::optional<PortBlock> workspaceBlock(const std::string& workspaceId) const;

    std::string previewUrl(std::uint16_t port, const std::string& workspaceId) const;
    /// What `<port>-<workspaceKey>` leads to.
    PreviewTarget resolvePreview(std::uint16_t port, std::string_view workspaceKey) const;
    /// Whether a preview host names this daemon's preview domain (and port).
    const std::string& previewDomain() const;
    std::uint16_t daemonPort() const;
    /// The preview a Host header names: `<port>-<key>.<preview domain>` on the public port,
    /// or `<port>-<key>.localhost` on the daemon's port (this machine's browsers keep working
    /// when previews also have a public domain).
    std::optional<PreviewHost> previewHost(std::string_view host) const;
    /// Where people reach the UI when server.public_url is not set, for preview logins: the
    /// preview domain on the public port.
    std::string uiOrigin() const;

    TrackerStats trackerStats() const;
    /// Stops the threads; no events after it returns.
    void stop();

  private:
    /// The id of the workspace whose key is `key`; nullopt when none, or when several (then
    /// `problem` says so).
    std::optional<std::string> workspaceWithKey(std::string_view key, std::string& problem) const;

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace parawork::ports
