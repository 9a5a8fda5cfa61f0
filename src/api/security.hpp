// The gate every TCP request passes before routing (DESIGN §7): Host allow-list against DNS
// rebinding, Origin checks against CSRF and cross-site WebSocket hijacking, the token in its four
// accepted forms, the one-time token link that sets the login cookie, and CORS for the allowed
// cross-origin clients (parawork's Vite dev server). Requests over the unix socket skip it: the
// socket's 0600 mode in a 0700 directory is their authentication.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"

namespace parawork::api {

struct SecurityPolicy {
    std::uint16_t port = 0;                   ///< the daemon's TCP port, part of allowed Hosts
    std::vector<std::string> allowedHosts;    ///< extra "name" or "name:port" Host values
    std::vector<std::string> allowedOrigins;  ///< extra origins, e.g. "http://localhost:5173"
    std::string token;                        ///< the secret; compared in constant time
};

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
    /// True when the request carries the token in X-API-Key, Authorization: Bearer, the api_key
    /// query parameter or the login cookie.
    bool authenticated(const Request& req) const;

    /// Checks for a plain HTTP request: Host, Origin on state-changing methods, token on /api/*
    /// (except /api/health). Returns the refusal, or nullopt to go on.
    std::optional<Response> admitHttp(const Request& req) const;
    /// Checks for a WebSocket upgrade: Host, Origin, token. Returns the refusal or nullopt.
    std::optional<Response> admitWebSocket(const Request& req) const;
    /// `GET /any?token=T`: with the right token, a redirect to the same URL without it that sets
    /// the login cookie; with a wrong one, 403. nullopt when there is no token parameter.
    std::optional<Response> login(const Request& req) const;
    /// CORS preflight answer for OPTIONS requests (204), or nullopt for other methods.
    std::optional<Response> preflight(const Request& req) const;
    /// Adds the CORS headers to a response when the request's Origin is a configured origin.
    void addCorsHeaders(const Request& req, Response& res) const;

  private:
    bool tokenMatches(std::string_view candidate) const;
    bool crossSite(const Request& req) const;

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
