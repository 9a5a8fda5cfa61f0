// The gate every TCP request passes before routing (DESIGN §7): who the client is (behind a
// trusted reverse proxy, the forwarded one), Host allow-list against DNS rebinding, Origin checks
// against CSRF and cross-site WebSocket hijacking, a token (the owner's or a device's) in its four
// accepted forms, failed-login rate limiting, the token link that sets the login cookie, the
// login page remote clients get instead of anything else, and CORS for the allowed cross-origin
// clients (parawork's Vite dev server). Requests over the unix socket skip it: the socket's 0600
// mode in a 0700 directory is their authentication.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"
#include "auth/login_limiter.hpp"
#include "auth/token_registry.hpp"

namespace parawork::api {

struct SecurityPolicy {
    std::uint16_t port = 0;                   ///< the daemon's TCP port, part of allowed Hosts
    std::vector<std::string> allowedHosts;    ///< extra "name" or "name:port" Host values
    std::vector<std::string> allowedOrigins;  ///< extra origins, e.g. "http://localhost:5173"
    std::shared_ptr<const auth::TokenRegistry> tokens;  ///< who a credential stands for
    std::shared_ptr<auth::LoginLimiter> limiter;        ///< null: no rate limiting
    /// Listening beyond loopback: any IP-literal Host is accepted (an IP address cannot be
    /// DNS-rebound), and remote clients without a credential get only the login page.
    bool remote = false;
    /// Behind a reverse proxy: the addresses whose X-Forwarded-For/-Proto are believed.
    std::vector<std::string> trustedProxies;
};

/// The connection a request arrived on.
struct Peer {
    Transport transport = Transport::Tcp;
    std::string address;  ///< the peer's IP address; empty over the unix socket
    bool tls = false;
};

/// The page that serves remote previews their credential (it runs on the UI's origin, where
/// the login cookie is).
inline constexpr std::string_view kPreviewLoginPath = "/__parawork/preview-login";
/// The login cookie's name; the cookie carries the token itself (HttpOnly, SameSite=Strict).
inline constexpr std::string_view kTokenCookie = "parawork_token";

/// GET /metrics (Prometheus) is served by a handler like the API, behind the same token.
inline constexpr std::string_view kMetricsPath = "/metrics";

class RequestGate {
  public:
    explicit RequestGate(SecurityPolicy policy);

    /// True for localhost, 127.0.0.1 and [::1] on the daemon's port, configured hosts, and the
    /// hosts of configured origins. Case-insensitive; a trailing dot is ignored.
    bool hostAllowed(std::string_view host) const;
    /// True when `origin` names an allowed host over http(s), or is a configured origin.
    bool originAllowed(std::string_view origin) const;
    /// Fills in the request's transport, client address, whether the client is on this machine
    /// and whether it came over TLS: from the connection, or from X-Forwarded-For/-Proto when
    /// the connection is a trusted proxy's.
    void identify(Request& req, const Peer& peer) const;
    /// Who the credential the request carries (X-API-Key, Authorization: Bearer, the api_key
    /// query parameter or the login cookie) stands for. Counts nothing.
    std::optional<auth::Principal> authenticate(const Request& req) const;

    /// Checks for a plain HTTP request: Host, Origin on state-changing methods, the credential
    /// (a wrong one counts against the client; a blocked client gets 429), the token on /api/*
    /// (except /api/health), the login page for remote clients without one. Sets
    /// req.principal. Returns the refusal, or nullopt to go on.
    std::optional<Response> admitHttp(Request& req) const;
    /// Checks for a WebSocket upgrade: Host, Origin, credential. Returns the refusal or nullopt.
    std::optional<Response> admitWebSocket(Request& req) const;
    /// `GET /any?token=T`: with a valid token (the owner's or a device's), a redirect to the
    /// same URL without it that sets the login cookie (Secure over TLS); with a wrong one, 403
    /// and a failure counted. nullopt when there is no token parameter.
    std::optional<Response> login(const Request& req) const;
    /// CORS preflight answer for OPTIONS requests (204), or nullopt for other methods.
    std::optional<Response> preflight(const Request& req) const;
    /// Adds the CORS headers to a response when the request's Origin is a configured origin.
    void addCorsHeaders(const Request& req, Response& res) const;

  private:
    bool crossSite(const Request& req) const;
    bool trustedProxy(std::string_view address) const;
    /// 429 when the client is blocked; else counts a wrong credential, sets req.principal.
    std::optional<Response> checkCredential(Request& req) const;

    SecurityPolicy policy_;
};

/// The value of cookie `name` in a Cookie header, or nullopt.
std::optional<std::string> cookieValue(std::string_view cookieHeader, std::string_view name);

/// Splits "host:port" / "[v6]:port" / "host" into a lower-case host and an optional port.
struct HostPort {
    std::string host;
    std::optional<std::uint16_t> port;
};
std::optional<HostPort> parseHostHeader(std::string_view value);

}  // namespace parawork::api
