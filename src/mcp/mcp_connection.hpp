// Per-client state of the handshake versions (2025-11-25, 2025-06-18): whether initialize
// happened and which version it agreed. 2026-07-28 needs none (every request says it all). Over
// Streamable HTTP a 2025 client's state is an MCP session named by the Mcp-Session-Id header;
// `McpSessions` issues, finds and ends those, bounded.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace parawork::mcp {

/// One client of a handshake version. Thread-safe: an HTTP session may carry parallel requests.
class McpConnection {
  public:
    /// The version initialize agreed, nullopt before initialize.
    std::optional<std::string> negotiatedVersion() const;
    /// True once the client sent notifications/initialized.
    bool ready() const;
    /// Records a successful initialize; false (nothing changed) when one already happened.
    bool initialize(std::string version);
    void markReady();

  private:
    mutable std::mutex mutex_;
    std::optional<std::string> version_;
    bool ready_ = false;
};

/// The MCP sessions of Streamable HTTP (2025-11-25 transports.mdx "Session Management"): the
/// server issues a random id with the InitializeResult, every later request must carry it
/// (missing: 400), an unknown or ended id gets 404, and DELETE ends a session. At most
/// `capacity` live at once: opening one more ends the least recently used, whose client gets
/// 404 and initializes again, as the spec allows ("the server MAY terminate the session at any
/// time").
class McpSessions {
  public:
    static constexpr std::size_t kDefaultCapacity = 64;
    explicit McpSessions(std::size_t capacity = kDefaultCapacity);

    /// Keeps `connection` (one that has just been initialized) under a fresh id: 32 hex digits
    /// (128 random bits, visible ASCII as the spec requires). Returns the id.
    std::string add(std::shared_ptr<McpConnection> connection);
    /// The session called `id`, or null (answer 404). Marks it recently used.
    std::shared_ptr<McpConnection> find(std::string_view id);
    /// Ends the session called `id` (HTTP DELETE); false when there is none.
    bool close(std::string_view id);
    std::size_t size() const;

  private:
    using Entry = std::pair<std::string, std::shared_ptr<McpConnection>>;
    std::list<Entry>::iterator locate(std::string_view id);

    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::list<Entry> sessions_;  ///< most recently used first; capacity_ is small
};

}  // namespace parawork::mcp
