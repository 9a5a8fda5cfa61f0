// The network edge of the daemon: HTTP/1.1 and WebSocket over TCP and over the unix socket, on
// the event loop; handlers run on the worker pool. Beast stays inside server.cpp and
// ws_connection.cpp: this header is light on purpose.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/request_stats.hpp"
#include "api/router.hpp"
#include "api/security.hpp"
#include "api/ws_protocol.hpp"
#include "session/session_service.hpp"

namespace parawork::api {

class PreviewHook;

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 3000;  ///< 0 picks a free port; port() tells which
    /// Ports tried from `port` on while they are taken by other programs (1: `port` or nothing).
    /// For the default port only: one the user chose is kept or refused.
    std::uint16_t portTries = 1;
    std::filesystem::path unixSocket;
    std::size_t maxBodyBytes = 1 << 20;
    std::size_t maxWsMessageBytes = 1 << 20;
    std::size_t maxWsSubscriptions = 50;
    int wsPingIntervalSec = 30;
    /// Time to receive a request's head: from the connection, or on a kept-alive connection
    /// from the first byte of the next request (the wait before it is the keep-alive timeout).
    std::chrono::milliseconds requestHeadTimeout{15000};
    SecurityPolicy policy;  ///< its port is filled in by start()
    /// TLS certificate chain and key (PEM): when set, every TCP connection is TLS.
    std::filesystem::path tlsCert;
    std::filesystem::path tlsKey;
    /// Requests and WebSockets are counted here for GET /metrics when set.
    RequestStats* requestStats = nullptr;
};

class HttpServer {
  public:
    HttpServer(boost::asio::io_context& loop, boost::asio::thread_pool& workers,
               ServerOptions options, Router router, WsActions actions);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds the TCP port and the unix socket and starts accepting. Throws core::Error with a
    /// message naming the address and what to do (port taken, bad certificate, ...). Whether
    /// the address may be exposed is the caller's decision (daemon::checkNetworkExposure).
    void start();
    /// The bound TCP port (valid after start()).
    std::uint16_t port() const;
    /// Delivers an event to every WebSocket subscribed to the workspace. Any thread.
    void publish(std::string workspaceId, std::string eventJson);
    /// True while any client listens on the main WebSocket (events are worth building). Any thread.
    bool hasEventListeners() const;
    /// Serves the binary attach WebSocket of these sessions (before start()).
    void setSessions(session::SessionService& sessions);
    /// Serves requests whose Host names a preview origin through `hook` (before start()).
    void setPreviewHook(std::shared_ptr<PreviewHook> hook);
    /// A session's output log grew or the session ended: attached viewers go on. Any thread.
    void notifyOutput(std::string sessionId);
    /// Bytes from `from` on of a session are new: main-WebSocket subscribers of its workspace
    /// read them as terminal_data (user_terminal_data for a user terminal) at their own pace.
    /// Any thread.
    void notifyTerminalOutput(std::string sessionId, std::string workspaceId,
                              core::SessionKind kind, std::uint64_t from, std::uint64_t to);
    /// Reads the TLS certificate and key again (SIGHUP after a renewal); logs what happened,
    /// and keeps the old ones when the new files are wrong. Any thread.
    void reloadTls();
    /// The gate requests pass (valid after start()).
    const RequestGate& gate() const;
    /// Stops accepting and closes every connection (WebSockets with 1001). Loop thread.
    void stop();
    /// True when no connection is open any more (after stop()). Loop thread.
    bool idle() const;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace parawork::api
