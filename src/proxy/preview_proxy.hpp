// The preview proxy: `http://<port>-<workspace>.localhost:<daemon port>/` forwards to the port a
// session of that workspace listens on (HTTP/1.1 with keep-alive upstream, streamed bodies both
// ways — chunked, SSE, large uploads — and WebSocket upgrades tunnelled with their
// subprotocols), with Host rewritten for the upstream, X-Forwarded-* set, and the daemon's
// credentials removed in both directions. It targets only ports that sessions' process trees
// listen on, on this machine, never the daemon's own. A port a running session declared (or
// one of its workspace's block) that doesn't answer yet gets the loading page. A remote client
// needs the preview origin's own pass cookie, got through the UI's origin while logged in
// (api/access_routes.hpp); it is removed before the upstream sees the request.
#pragma once

#include <chrono>

#include "api/preview_hook.hpp"
#include "auth/preview_passes.hpp"
#include "ports/port_service.hpp"
#include "proxy/credentials.hpp"
#include "session/session_service.hpp"

namespace parawork::proxy {

struct ProxyOptions {
    DaemonCredentials credentials;
    /// Remote clients' preview credentials (null: previews are for this machine only).
    std::shared_ptr<auth::PreviewPasses> passes;
    /// Where a remote browser without a pass is sent to get one ("https://host:port"; empty:
    /// the preview domain on the public port, PortService::uiOrigin).
    std::string uiOrigin;
    std::chrono::seconds connectTimeout{5};
    /// Idle time allowed between requests on a client connection.
    std::chrono::seconds keepAliveTimeout{75};
    /// Time a request head has from its first byte on (limits.request_head_timeout_ms).
    std::chrono::milliseconds requestHeadTimeout{15000};
};

class PreviewProxy : public api::PreviewHook {
  public:
    PreviewProxy(ports::PortService& ports, session::SessionService& sessions,
                 api::net::thread_pool& workers, ProxyOptions options);

    bool matches(std::string_view host) const override;
    api::net::awaitable<void> serve(api::Stream& stream, api::beast::flat_buffer& buffer,
                                    api::http::request_parser<api::http::string_body>& parser,
                                    const api::Peer& peer, const api::RequestGate& gate) override;

  private:
    struct Exchange;
    api::net::awaitable<bool> serveOne(Exchange& x);
    /// What the preview the current request names leads to (asked on the worker pool).
    api::net::awaitable<ports::PreviewTarget> resolve(Exchange& x);
    api::net::awaitable<bool> answerResolved(Exchange& x, const ports::PreviewTarget& target);
    struct Relay;
    /// Relays the request to the preview's server and its answer back: rewrite the request,
    /// send it and read the answer's head (one retry), relay the body or tunnel.
    api::net::awaitable<bool> forward(Exchange& x, const ports::PreviewTarget& target);
    /// The request as the upstream sees it: its Host, X-Forwarded-*, no daemon credentials.
    void rewriteRequest(Exchange& x, std::uint16_t port, bool upgrade);
    /// Sends the request and reads the answer's head into x.response; a kept-alive upstream
    /// that closed meanwhile is retried once. Otherwise answers and returns the answer.
    api::net::awaitable<std::optional<bool>> exchangeHeads(Exchange& x,
                                                           const ports::PreviewTarget& target,
                                                           bool head);
    /// Opens x.upstream; when it cannot, answers and returns the answer.
    api::net::awaitable<std::optional<bool>> connectUpstream(Exchange& x,
                                                             const ports::PreviewTarget& target);
    /// Relays x.response to the client (whole, streamed, or as a tunnel after an upgrade).
    api::net::awaitable<bool> relayResponse(Exchange& x, const Relay& relay);
    api::net::awaitable<bool> tunnel(Exchange& x);
    api::net::awaitable<bool> answerOutput(Exchange& x, const ports::PreviewTarget& target);
    api::net::awaitable<bool> answerWaiting(Exchange& x, const ports::PreviewTarget& target);
    /// Whether the request may go on: a local client, or a valid pass for this preview.
    /// Otherwise answers (the way to a pass, or the pass itself) and returns the answer.
    api::net::awaitable<std::optional<bool>> checkPass(Exchange& x, const std::string& key);

    ports::PortService& ports_;
    session::SessionService& sessions_;
    api::net::thread_pool& workers_;
    ProxyOptions options_;
};

}  // namespace parawork::proxy
