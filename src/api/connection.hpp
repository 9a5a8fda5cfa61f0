// Internal to the api room's network edge (server.cpp, ws_connection.cpp): the one stream type
// used for TCP and unix-socket connections alike, and the WebSocket connection of the main hub.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "api/ws_protocol.hpp"

namespace parawork::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

/// TCP and unix sockets share one generic stream type, so each handler is written once.
using Stream = beast::basic_stream<net::generic::stream_protocol>;

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
    WsConnection(Stream stream, Limits limits, const WsActions& actions);

    /// Accepts the upgrade and runs until the connection ends.
    net::awaitable<void> run(http::request<http::string_body> upgrade);
    /// Queues a text frame; a client that lets the queue exceed its bound is disconnected.
    void send(std::string text);
    /// Sends a close frame after the queued frames.
    void close(websocket::close_code code, std::string reason);
    bool subscribedTo(const std::string& workspaceId) const;

  private:
    net::awaitable<void> writeLoop();

    websocket::stream<Stream> ws_;
    Limits limits_;
    const WsActions& actions_;
    WsSubscriptions subs_;
    std::deque<std::string> queue_;
    std::size_t queuedBytes_ = 0;
    net::steady_timer wake_;
    bool closing_ = false;
    bool closeRequested_ = false;
    websocket::close_reason closeReason_;
};

}  // namespace parawork::api
