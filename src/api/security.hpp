// The gate every TCP request passes before routing (DESIGN §7): who the client is (behind a
// trusted reverse proxy, the forwarded one), Host allow-list against DNS rebinding, Origin checks
// against CSRF and cross-site WebSocket hijacking, a token (the owner's or a device's) in its four
// accepted forms, failed-login rate limiting, the token link that sets the login cookie, the
// login page remote clients get instead of anything else, and CORS for the cross-origin clients
// the owner allowed (none by default). Requests over the unix socket skip it: the socket's 0600
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
    std::vector<std::string> allowedOrigins;  ///< extra origins (none by default)
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

/// The query parameters that carry a credential, by their decoded names: the API key on any
/// request, and the token link's token.
inline constexpr std::string_view kApiKeyParameter = "api_key";
inline constexpr std::string_view kTokenParameter = "token";

/// Whether a query parameter name, as it is sent (percent-encoded, '+' for a space), is one of
/// those once decoded as the gate decodes a query ("api%5Fkey" is "api_key"). The one rule the
/// gate and the preview proxy (which strips these parameters) share.
bool isCredentialParameter(std::string_view encodedName);

/// A query parameter name or value decoded as the gate decodes it (%XX, '+' as a space); text
/// that is not valid percent-encoding comes back as it is.
std::string decodeQueryComponent(std::string_view encoded);

/// Where to send a browser after the token link: `path` when it is a path on our own origin (a
/// single leading '/' followed by neither '/' nor a backslash, and no control characters, which
/// browsers drop), else "/": "//evil.example/" would leave for another site.
std::string localRedirectPath(std::string_view path);

/// GET /metrics (Prometheus) is served by a handler like the API, behind the same token.
inline constexpr std::string_view kMetricsPath = "/metrics";
/// The MCP server's Streamable HTTP endpoint (docs/mcp.md), behind the same token.
inline constexpr std::string_view kMcpPath = "/mcp";

/// Paths answered by routes rather than the UI's files: the API, /metrics and /mcp. Over TCP
/// they always need a credential (loopback too), and their refusals are not login pages.
bool isRoutePath(std::string_view path);
/// The refusal of a body over the size limit: the parawork envelope, or a JSON-RPC error for
/// /mcp (an MCP client reads nothing else).
Response bodyTooLarge(std::string_view path);

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
    /// (a right one always passes; a wrong one counts against the client unless a foreign page
    /// sent it, and a blocked client's wrong ones get 429), the token on /api/*
    /// (except /api/health), the login page for remote clients without one. Sets
    /// req.principal. Returns the refusal, or nullopt to go on.
    std::optional<Response> admitHttp(Request& req) const;
    /// Checks for a WebSocket upgrade: Host, Origin, credential. Returns the refusal or nullopt.
    std::optional<Response> admitWebSocket(Request& req) const;
    /// `GET /any?token=T`: with a valid token (the owner's or a device's), a redirect to the
    /// same URL without it (a local path only: localRedirectPath) that sets the login cookie
    /// (Secure over TLS); with a wrong one, 403 and a failure counted as in admitHttp (429 when
    /// blocked). nullopt when there is no token parameter.
    std::optional<Response> login(const Request& req) const;
    /// CORS preflight answer for OPTIONS requests (204), or nullopt for other methods.
    std::optional<Response> preflight(const Request& req) const;
    /// Adds the CORS headers to a response when the request's Origin is a configured origin.
    void addCorsHeaders(const Request& req, Response& res) const;

  private:
    bool crossSite(const Request& req) const;
    /// Whether a browser sent the request for a page of another origin than ours (any web page,
    /// a preview, a dev server): cross-site, or same-site without an allowed Origin, or with an
    /// Origin we do not allow. Its wrong credentials are not the client's guesses.
    bool fromForeignPage(const Request& req) const;
    bool trustedProxy(std::string_view address) const;
    /// Who `candidate` stands for. A wrong one from a blocked client is a 429; a wrong one not
    /// from a foreign page counts against the client. A right one is never refused: others'
    /// failures from the same address (a page in the owner's browser) must not lock him out.
    std::optional<Response> checkCandidate(const Request& req, std::string_view candidate,
                                           std::optional<auth::Principal>& principal) const;
    /// checkCandidate for the credential the request presents, if any; sets req.principal.
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
