// Internal to the api room's network edge (server.cpp, ws_connection.cpp): the one stream type
// used for TCP and unix-socket connections alike, and the WebSocket connection of the main hub.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "api/ws_protocol.hpp"
#include "session/session_service.hpp"

namespace parawork::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

/// TCP and unix sockets share one generic stream type, so each handler is written once.
using Stream = beast::basic_stream<net::generic::stream_protocol>;

/// Runs f() on the worker pool (it may block on a host socket) and resumes on the loop.
/// The spawned coroutine captures only a pointer: f lives in this frame until it returns, and
/// GCC 12 miscompiles coroutine lambdas that capture strings by value (a double free).
template <class F>
auto onWorkers(net::thread_pool& workers, F f) -> net::awaitable<decltype(f())> {
    F* fp = &f;
    co_return co_await net::co_spawn(
        workers, [fp]() -> net::awaitable<decltype(f())> { co_return (*fp)(); },
        net::use_awaitable);
}

/// One client of the main WebSocket: a reader that handles client events and a writer that
/// drains a bounded queue. All members are touched on the loop thread only.
class WsConnection : public std::enable_shared_from_this<WsConnection> {
  public:
    struct Limits {
        std::size_t maxMessageBytes;
        std::size_t maxQueuedBytes;
        std::size_t maxSubscriptions;
        int pingIntervalSec;
    };
    WsConnection(Stream stream, Limits limits, const WsActions& actions,
                 session::SessionService* sessions, net::thread_pool& workers);

    /// Accepts the upgrade and runs until the connection ends.
    net::awaitable<void> run(http::request<http::string_body> upgrade);
    /// Queues a text frame; a client that lets the queue exceed its bound is disconnected.
    void send(std::string text);
    /// Sends a close frame after the queued frames.
    void close(websocket::close_code code, std::string reason);
    bool subscribedTo(const std::string& workspaceId) const;
    /// Bytes [from, …) of a session of a subscribed workspace are new: this connection will
    /// read them from the log as fast as it drains (DESIGN §4.2), as `terminal_data` events
    /// (`user_terminal_data` for a user terminal).
    void terminalOutput(const std::string& sessionId, const std::string& workspaceId,
                        core::SessionKind kind, std::uint64_t from, std::uint64_t to);

  private:
    /// Where this connection is in one session's output log.
    struct Cursor {
        std::string workspaceId;
        core::SessionKind kind = core::SessionKind::Agent;  ///< chooses the event type
        std::uint64_t offset = 0;                           ///< next byte to send
        std::uint64_t knownEnd = 0;                         ///< bytes announced so far
        std::string pendingUtf8;
        std::string replay;  ///< the screen as it was at `offset`, sent before anything else
    };
    /// The first resize of a terminal on this connection means a terminal view has just appeared
    /// (the original frontend sends one as it shows a session): its current screen is replayed
    /// as terminal data, so a reload or a late subscriber does not start blank (protocol §14.4
    /// allows this). Also when the connection already streams that session: its first output
    /// may have come before the client knew the session (a resume) and been dropped there. Later
    /// output follows from the screen's log offset; later resizes replay nothing.
    net::awaitable<void> replayScreens(std::vector<WsSubscriptions::Resized> resized);
    net::awaitable<void> writeLoop();
    /// The next terminal_data / user_terminal_data event from some cursor that is behind, or
    /// nullopt.
    std::optional<std::string> pullTerminalData();
    static std::string terminalEvent(const std::string& sessionId, const Cursor& cursor,
                                     const std::string& text);

    websocket::stream<Stream> ws_;
    Limits limits_;
    const WsActions& actions_;
    session::SessionService* sessions_;
    net::thread_pool& workers_;
    WsSubscriptions subs_;
    std::map<std::string, Cursor> cursors_;
    /// Sessions whose screen this client was sent; forgotten all at once past a bound (a second
    /// replay only redraws the same screen).
    std::set<std::string> screensShown_;
    std::deque<std::string> queue_;
    std::size_t queuedBytes_ = 0;
    net::steady_timer wake_;
    bool closing_ = false;
    bool closeRequested_ = false;
    websocket::close_reason closeReason_;
};

}  // namespace parawork::api
