// The binary attach WebSocket (`/api/sessions/:id/attach`, docs/api.md): the session's screen
// snapshot, then its output read from the log by offset as fast as this socket drains — a slow
// viewer only falls behind, it never holds data in memory or slows the agent (DESIGN §4).
// Input arrives as binary frames, control (resize) as JSON text frames.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/thread_pool.hpp>

#include "api/connection.hpp"
#include "session/session_service.hpp"

namespace parawork::api {

class AttachConnection : public std::enable_shared_from_this<AttachConnection> {
  public:
    AttachConnection(Stream stream, session::SessionService& sessions, net::thread_pool& workers,
                     std::string sessionId, std::size_t maxMessageBytes);

    /// Accepts the upgrade and streams until the session ends or the client leaves.
    /// `startOffset`: stream the raw log from there instead of starting with a snapshot.
    net::awaitable<void> run(http::request<http::string_body> upgrade,
                             std::optional<std::uint64_t> startOffset);
    /// New output (or the end) may be there. Loop thread.
    void wake();
    const std::string& sessionId() const { return id_; }
    void close();

  private:
    net::awaitable<void> readLoop();
    net::awaitable<bool> sendText(std::string text);
    net::awaitable<std::optional<std::uint64_t>> sendSnapshot();
    net::awaitable<void> sendExit();

    websocket::stream<Stream> ws_;
    session::SessionService& sessions_;
    net::thread_pool& workers_;
    std::string id_;
    std::size_t maxMessageBytes_;
    net::steady_timer wake_;
    bool done_ = false;
};

}  // namespace parawork::api
