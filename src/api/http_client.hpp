// A small blocking HTTP/WebSocket client over TCP or the daemon's unix socket, with timeouts.
// The CLI talks to the daemon with it, and the integration tests drive real daemons with it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace parawork::api {

/// Where the daemon is: a unix socket when `unixSocket` is set, else host:port over TCP.
struct Endpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::filesystem::path unixSocket;
};

struct HttpReply {
    unsigned status = 0;
    std::map<std::string, std::string> headers;  ///< names lower-cased
    std::string body;
    std::string header(const std::string& name) const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Takes a reply's body as it arrives (a stream of Server-Sent Events, say): `head` holds the
/// status and headers, `bytes` the next piece.
using BodyReader = std::function<void(const HttpReply& head, std::string_view bytes)>;

/// A connection error (daemon not running, refused, timed out), distinct from an HTTP status.
class ConnectError : public core::Error {
  public:
    using core::Error::Error;
};

/// The request went out whole but its answer did not come (the connection closed or timed out
/// part way): the server may have acted on it, so it is not to be sent again blindly.
class AnswerLostError : public ConnectError {
  public:
    using ConnectError::ConnectError;
};

class HttpClient {
  public:
    explicit HttpClient(Endpoint endpoint,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;

    /// Sends one request on a kept-alive connection (reconnecting when needed). A header given
    /// here (e.g. "Host") replaces the default. Throws ConnectError when no answer comes.
    HttpReply request(const std::string& method, const std::string& target,
                      const Headers& headers = {}, const std::string& body = {});
    /// The same with the body given to `reader` as it arrives; the reply's own body is empty.
    HttpReply request(const std::string& method, const std::string& target, const Headers& headers,
                      const std::string& body, const BodyReader& reader);
    HttpReply get(const std::string& target, const Headers& headers = {}) {
        return request("GET", target, headers);
    }

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// A WebSocket client for tests and the CLI.
class WsClient {
  public:
    /// Connects and upgrades. When the server refuses the upgrade, throws WsRefused.
    static WsClient connect(const Endpoint& endpoint, const std::string& target,
                            const Headers& headers = {},
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~WsClient();
    WsClient(WsClient&&) noexcept;

    void sendText(const std::string& text);
    void sendBinary(const std::string& bytes);
    /// The next message, or nullopt on timeout (the connection stays usable; a zero timeout
    /// takes only what has already arrived). Throws ConnectError when the connection closed;
    /// closeCode() then tells the code the server sent.
    std::optional<std::string> read(std::chrono::milliseconds timeout);
    /// Whether the message read last was a text (not binary) message.
    bool gotText() const;
    /// The socket, to poll() for readability beside other fds; then read(0ms) until nullopt,
    /// since messages may already be buffered here.
    int nativeHandle() const;
    std::optional<int> closeCode() const;
    void close();

  private:
    struct Impl;
    explicit WsClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

class WsRefused : public core::Error {
  public:
    WsRefused(unsigned status, const std::string& body)
        : core::Error("WebSocket upgrade refused with HTTP " + std::to_string(status) + ": " +
                      body),
          status(status) {}
    unsigned status;
};

}  // namespace parawork::api
