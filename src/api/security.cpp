#include "api/security.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/url.hpp>

#include "api/login_pages.hpp"

namespace parawork::api {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool isLoopbackName(std::string_view host) {
    return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

bool stateChanging(std::string_view method) {
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool isApiPath(std::string_view path) {
    return path == "/api" || path.starts_with("/api/");
}

}  // namespace

bool isRoutePath(std::string_view path) {
    return isApiPath(path) || path == kMetricsPath || path == kMcpPath;
}

Response bodyTooLarge(std::string_view path) {
    if (path != kMcpPath) return fail(413, "Request body too large");
    Response res;
    res.status = 413;
    res.body =
        R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Request body too large"}})";
    return res;
}

namespace {

Response refuse(const Request& req, unsigned status, std::string_view message) {
    return isRoutePath(req.path) ? fail(status, message) : text(status, message);
}

/// An IP address in its canonical text ("::ffff:1.2.3.4" as "1.2.3.4", brackets dropped), or
/// nullopt when `text` is not one.
std::optional<std::string> canonicalIp(std::string_view text) {
    if (text.size() > 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    std::string s(text);
    char out[INET6_ADDRSTRLEN] = {};
    in_addr v4{};
    if (::inet_pton(AF_INET, s.c_str(), &v4) == 1)
        return ::inet_ntop(AF_INET, &v4, out, sizeof out);
    in6_addr v6{};
    if (::inet_pton(AF_INET6, s.c_str(), &v6) != 1) return std::nullopt;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
        std::memcpy(&v4, &v6.s6_addr[12], 4);
        return ::inet_ntop(AF_INET, &v4, out, sizeof out);
    }
    return ::inet_ntop(AF_INET6, &v6, out, sizeof out);
}

bool isLoopbackIp(std::string_view canonical) {
    return canonical.starts_with("127.") || canonical == "::1";
}

/// The credential a request presents, in the order parawork's clients send them.
std::optional<std::string> presentedCredential(const Request& req) {
    // parawork's frontend sends an empty X-API-Key before it knows the key: empty means absent.
    if (auto key = req.header("x-api-key"); key && !key->empty()) return std::string(*key);
    if (auto auth = req.header("authorization"); auth && auth->starts_with("Bearer "))
        return std::string(trim(auth->substr(7)));
    if (auto key = req.queryParam(kApiKeyParameter); key && !key->empty()) return std::string(*key);
    if (auto cookies = req.header("cookie")) return cookieValue(*cookies, kTokenCookie);
    return std::nullopt;
}

/// Whom failed logins are counted against: the address, or for IPv6 its /64 (one machine, or
/// one home network, usually owns a whole /64 and can pick any address in it).
std::string limiterKey(const std::string& clientAddress) {
    in6_addr v6{};
    if (::inet_pton(AF_INET6, clientAddress.c_str(), &v6) != 1) return clientAddress;
    std::memset(&v6.s6_addr[8], 0, 8);
    char out[INET6_ADDRSTRLEN] = {};
    return std::string(::inet_ntop(AF_INET6, &v6, out, sizeof out)) + "/64";
}

Response tooManyAttempts(const Request& req, std::chrono::seconds wait) {
    Response res = refuse(req, 429, "Too many failed logins from this address; try again later");
    res.set("Retry-After", std::to_string(wait.count()));
    return res;
}

}  // namespace

std::string decodeQueryComponent(std::string_view encoded) {
    auto pct = boost::urls::make_pct_string_view(encoded);
    if (!pct) return std::string(encoded);
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;  // as Request::query is decoded (url_view::params())
    auto decoded = pct->decode(opts);
    return std::string(decoded.begin(), decoded.end());
}

bool isCredentialParameter(std::string_view encodedName) {
    auto name = decodeQueryComponent(encodedName);
    return name == kApiKeyParameter || name == kTokenParameter;
}

std::string localRedirectPath(std::string_view path) {
    // Browsers drop tabs and newlines from URLs ("/\t/x" is "//x") and read a backslash as '/'.
    bool controls =
        std::any_of(path.begin(), path.end(), [](unsigned char c) { return c < ' ' || c == 0x7f; });
    bool local = !controls && path.starts_with('/') &&
                 (path.size() == 1 || (path[1] != '/' && path[1] != '\\'));
    return local ? std::string(path) : "/";
}

std::optional<HostPort> parseHostHeader(std::string_view value) {
    value = trim(value);
    if (value.empty()) return std::nullopt;
    HostPort out;
    std::string_view portText;
    if (value.front() == '[') {
        auto close = value.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        out.host = lower(value.substr(0, close + 1));
        auto rest = value.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return std::nullopt;
            portText = rest.substr(1);
        }
    } else {
        auto colon = value.rfind(':');
        out.host = lower(value.substr(0, colon));
        if (colon != std::string_view::npos) portText = value.substr(colon + 1);
    }
    if (!out.host.empty() && out.host.back() == '.') out.host.pop_back();
    if (out.host.empty()) return std::nullopt;
    if (!portText.empty()) {
        unsigned port = 0;
        auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
        if (ec != std::errc() || end != portText.data() + portText.size() || port > 65535)
            return std::nullopt;
        out.port = static_cast<std::uint16_t>(port);
    }
    return out;
}

std::optional<std::string> cookieValue(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        auto semi = header.find(';');
        auto pair = trim(header.substr(0, semi));
        auto eq = pair.find('=');
        if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name)
            return std::string(trim(pair.substr(eq + 1)));
        if (semi == std::string_view::npos) break;
        header.remove_prefix(semi + 1);
    }
    return std::nullopt;
}

RequestGate::RequestGate(SecurityPolicy policy) : policy_(std::move(policy)) {}

bool RequestGate::hostAllowed(std::string_view value) const {
    auto hp = parseHostHeader(value);
    if (!hp) return false;
    if (isLoopbackName(hp->host) && hp->port.value_or(80) == policy_.port) return true;
    if (policy_.remote && canonicalIp(hp->host)) return true;
    std::string full = lower(trim(value));
    for (const auto& allowed : policy_.allowedHosts) {
        auto a = parseHostHeader(allowed);
        if (a && a->host == hp->host && (!a->port || a->port == hp->port.value_or(80))) return true;
    }
    for (const auto& origin : policy_.allowedOrigins) {
        auto url = boost::urls::parse_absolute_uri(origin);
        if (url && lower(url->encoded_host_and_port()) == full) return true;
    }
    return false;
}

bool RequestGate::originAllowed(std::string_view origin) const {
    for (const auto& allowed : policy_.allowedOrigins)
        if (lower(allowed) == lower(origin)) return true;
    auto url = boost::urls::parse_absolute_uri(origin);
    if (!url) return false;  // includes the opaque origin "null"
    if (url->scheme() != "http" && url->scheme() != "https") return false;
    if (!url->encoded_path().empty() || url->has_query()) return false;
    std::string hostPort(url->encoded_host_and_port());
    if (!url->has_port()) hostPort += url->scheme() == "https" ? ":443" : ":80";
    return hostAllowed(hostPort);
}

void RequestGate::identify(Request& req, const Peer& peer) const {
    req.transport = peer.transport;
    req.secure = peer.tls;
    req.clientAddress = canonicalIp(peer.address).value_or(peer.address);
    req.peerIsLoopback = peer.transport == Transport::Unix || isLoopbackIp(req.clientAddress);
    if (peer.transport == Transport::Unix) return;
    if (!trustedProxy(req.clientAddress)) {
        // A proxy on this machine we were not told about relays someone we cannot see: not
        // this machine's user, to be safe (configure server.behind_proxy to say who it is).
        if (req.peerIsLoopback && req.header("x-forwarded-for")) req.peerIsLoopback = false;
        return;
    }
    // A trusted proxy relays someone: the client is the last address it (or a proxy before it
    // that we also trust) appended. Earlier entries are whatever the client claimed.
    std::string forwarded(req.header("x-forwarded-for").value_or(""));
    std::string client;
    for (std::string_view rest = forwarded; !rest.empty();) {
        auto comma = rest.rfind(',');
        auto item = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
        auto ip = canonicalIp(item);
        client = ip.value_or(std::string(item));
        if (!ip || !trustedProxy(*ip)) break;
    }
    // Without the header the proxy did not say whom it relays: not this machine, to be safe.
    req.peerIsLoopback = !client.empty() && isLoopbackIp(client);
    if (!client.empty()) req.clientAddress = client;
    if (auto proto = req.header("x-forwarded-proto")) {
        auto comma = proto->rfind(',');
        auto last = trim(comma == std::string_view::npos ? *proto : proto->substr(comma + 1));
        req.secure = lower(last) == "https";
    }
}

bool RequestGate::trustedProxy(std::string_view address) const {
    for (const auto& proxy : policy_.trustedProxies)
        if (canonicalIp(proxy).value_or(proxy) == address) return true;
    return false;
}

std::optional<auth::Principal> RequestGate::authenticate(const Request& req) const {
    auto candidate = presentedCredential(req);
    if (!candidate || candidate->empty() || !policy_.tokens) return std::nullopt;
    return policy_.tokens->authenticate(*candidate);
}

std::optional<Response> RequestGate::checkCandidate(
    const Request& req, std::string_view candidate,
    std::optional<auth::Principal>& principal) const {
    // The right credential first: with 128-bit tokens the limiter is a brake on noise, not what
    // keeps guessers out, and a page can trip it from the owner's own address (an <img> per
    // guess), so it must never stand between the owner and the daemon.
    principal = policy_.tokens && !candidate.empty() ? policy_.tokens->authenticate(candidate)
                                                     : std::nullopt;
    if (principal || !policy_.limiter) return std::nullopt;
    auto client = limiterKey(req.clientAddress);
    if (auto wait = policy_.limiter->retryAfter(client)) return tooManyAttempts(req, *wait);
    // A foreign page's requests carry whatever its author wrote: not this client's guesses.
    if (!fromForeignPage(req)) policy_.limiter->recordFailure(client, candidate);
    return std::nullopt;
}

std::optional<Response> RequestGate::checkCredential(Request& req) const {
    auto candidate = presentedCredential(req);
    if (!candidate) return std::nullopt;
    return checkCandidate(req, *candidate, req.principal);
}

bool RequestGate::fromForeignPage(const Request& req) const {
    auto origin = req.header("origin");
    bool ourOrigin = origin && originAllowed(*origin);
    if (origin && !ourOrigin) return true;
    // Fetch metadata (all current browsers): "same-site" is another origin of our site — a
    // preview on *.localhost, a dev server on another port of 127.0.0.1.
    auto site = req.header("sec-fetch-site");
    return site && (*site == "cross-site" || (*site == "same-site" && !ourOrigin));
}

bool RequestGate::crossSite(const Request& req) const {
    if (auto origin = req.header("origin"); origin && !originAllowed(*origin)) return true;
    // Fetch metadata: browsers say where a request comes from even when Origin is absent.
    auto site = req.header("sec-fetch-site");
    return site && *site == "cross-site";
}

std::optional<Response> RequestGate::admitHttp(Request& req) const {
    if (req.transport == Transport::Unix) {
        req.principal = auth::Principal{"owner", "owner"};
        return std::nullopt;
    }
    auto host = req.header("host");
    if (!host || !hostAllowed(*host)) return refuse(req, 403, "Host header not allowed");
    if (stateChanging(req.method) && crossSite(req))
        return refuse(req, 403, "Cross-origin request refused");
    if (auto refusal = checkCredential(req)) return refusal;
    if (!isRoutePath(req.path)) {
        // Remote clients see nothing but the login page until they present a credential; the
        // token link and the preview login page (which asks with the cookie) come through.
        if (req.peerIsLoopback || req.principal || req.queryParam("token") ||
            req.path == kPreviewLoginPath)
            return std::nullopt;
        return loginPage(401, "");
    }
    if (req.path == "/api/health") return std::nullopt;
    if (!req.principal) {
        if (presentedCredential(req)) return fail(403, "Invalid API key");
        return fail(401, "Missing API key. Provide X-API-Key header or api_key query parameter.");
    }
    // /api/config hands the key to parawork's frontend: only to a same-origin page on loopback.
    if (req.path == "/api/config") {
        auto site = req.header("sec-fetch-site");
        if (!req.peerIsLoopback || crossSite(req) || (site && *site == "same-site"))
            return fail(403, "The configuration is only served to same-origin loopback clients");
    }
    return std::nullopt;
}

std::optional<Response> RequestGate::admitWebSocket(Request& req) const {
    if (req.transport == Transport::Unix) {
        req.principal = auth::Principal{"owner", "owner"};
        return std::nullopt;
    }
    auto host = req.header("host");
    if (!host || !hostAllowed(*host)) return text(403, "Host header not allowed");
    if (crossSite(req)) return text(403, "Cross-origin WebSocket refused");
    if (auto refusal = checkCredential(req)) return refusal;
    if (!req.principal) return text(401, "Unauthorized: Invalid or missing API key");
    return std::nullopt;
}

std::optional<Response> RequestGate::login(const Request& req) const {
    auto token = req.queryParam(kTokenParameter);
    if (!token || req.method != "GET" || isRoutePath(req.path)) return std::nullopt;
    std::optional<auth::Principal> principal;
    if (auto refusal = checkCandidate(req, *token, principal)) return refusal;
    bool valid = principal.has_value();
    Response res = loginPage(403,
                             "This login link is not valid: the token may have been rotated or "
                             "revoked.");
    if (valid) {
        // The same URL without the token: the raw path (ours only), and the other parameters
        // re-encoded.
        std::string location = localRedirectPath(req.target.substr(0, req.target.find('?')));
        boost::urls::url rest;
        for (const auto& [key, value] : req.query)
            if (key != kTokenParameter) rest.params().append({key, value});
        if (rest.has_query()) location += "?" + std::string(rest.encoded_query());
        res = text(303, "Logged in.\n");
        res.set("Location", location);
        res.set("Set-Cookie", std::string(kTokenCookie) + "=" + std::string(*token) +
                                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000" +
                                  (req.secure ? "; Secure" : ""));
    }
    res.set("Cache-Control", "no-store");
    res.set("Referrer-Policy", "no-referrer");
    return res;
}

std::optional<Response> RequestGate::preflight(const Request& req) const {
    if (req.method != "OPTIONS") return std::nullopt;
    Response res = text(204, "");
    res.contentType.clear();
    addCorsHeaders(req, res);
    if (auto origin = req.header("origin"); origin && originAllowed(*origin)) {
        res.set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE");
        if (auto h = req.header("access-control-request-headers"))
            res.set("Access-Control-Allow-Headers", std::string(*h));
        res.set("Access-Control-Max-Age", "600");
    }
    res.set("Vary", "Origin, Access-Control-Request-Headers");
    return res;
}

void RequestGate::addCorsHeaders(const Request& req, Response& res) const {
    auto origin = req.header("origin");
    if (!origin || !originAllowed(*origin)) return;
    res.set("Access-Control-Allow-Origin", std::string(*origin));
    res.set("Access-Control-Allow-Credentials", "true");
    res.set("Vary", "Origin");
}

}  // namespace parawork::api
