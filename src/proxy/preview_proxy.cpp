#include "proxy/preview_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <optional>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "api/security.hpp"
#include "ports/preview_host.hpp"
#include "proxy/pages.hpp"
#include "session/log_lines.hpp"

namespace parawork::proxy {

using namespace api;  // net, beast, http, websocket, Stream
using tcp = net::ip::tcp;

namespace {

constexpr auto kAwait = net::as_tuple(net::use_awaitable);
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kSmallBody = 256 * 1024;  ///< read whole, written with the header
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kTailBytes = 16 * 1024;
constexpr std::size_t kPollBytes = 8000;  // below sanitizeLogLine's cut
constexpr auto kWriteTimeout = std::chrono::seconds(60);
constexpr std::size_t kFirstReadBytes = 4096;

// RFC 9110 §7.6.1: these describe one hop and are not forwarded.
constexpr std::array kHopByHop = {http::field::connection,
                                  http::field::keep_alive,
                                  http::field::proxy_connection,
                                  http::field::te,
                                  http::field::trailer,
                                  http::field::upgrade,
                                  http::field::proxy_authorization,
                                  http::field::proxy_authenticate};

template <class Fields>
void removeHopByHop(Fields& fields) {
    // Headers named in Connection are hop-by-hop too.
    std::vector<std::string> named;
    for (auto token : http::token_list(fields[http::field::connection])) named.emplace_back(token);
    for (const auto& name : named) fields.erase(name);
    for (auto f : kHopByHop) fields.erase(f);
}

/// Copies bytes one way until EOF or an error, then half-closes the other side.
template <class From, class To>
net::awaitable<void> pump(From& from, To& to) {
    std::vector<char> chunk(kChunk);
    for (;;) {
        auto [rec, n] = co_await from.async_read_some(net::buffer(chunk), kAwait);
        if (rec || n == 0) break;
        auto [wec, w] = co_await net::async_write(to, net::buffer(chunk.data(), n), kAwait);
        if (wec) break;
    }
    boost::system::error_code ignored;
    to.shutdown(net::socket_base::shutdown_send, ignored);
}

bool wantsHtml(const http::request<http::buffer_body>& req) {
    return req.method() == http::verb::get &&
           req[http::field::accept].find("text/html") != beast::string_view::npos;
}

std::uint64_t offsetParameter(std::string_view target) {
    auto at = target.find("offset=");
    if (at == std::string_view::npos) return 0;
    auto digits = target.substr(at + 7);
    std::uint64_t value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return value;
}

/// The reserved path on preview origins that turns a one-time code into the preview's pass.
constexpr std::string_view kPassPath = "/__parawork/preview-auth";
constexpr int kPassMaxAgeSeconds = 12 * 3600;

/// Who sent this request, as the gate tells it from the connection and trusted forwarded
/// headers (a proxy in front may relay several clients on one connection).
Request identify(const http::request<http::buffer_body>& msg, const Peer& peer,
                 const RequestGate& gate) {
    Request probe;
    for (std::string name : {"x-forwarded-for", "x-forwarded-proto"})
        if (auto it = msg.find(name); it != msg.end()) probe.headers[name] = it->value();
    gate.identify(probe, peer);
    return probe;
}

using Headers = std::vector<std::pair<http::field, std::string>>;

// Outside the coroutines, like unknownStateJson below.
Headers oneHeader(http::field name, std::string value) {
    Headers headers;
    headers.emplace_back(name, std::move(value));
    return headers;
}

std::string queryValue(std::string_view target, std::string_view name) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return {};
    for (auto param : url->params())
        if (param.key == name) return param.value;
    return {};
}

/// How sending a request upstream ended: a failed upstream may be retried, a failed client not.
enum class Sent { Ok, UpstreamFailed, ClientFailed };

// Outside the coroutines: GCC 12 rejects initializer lists of string literals in their bodies.
std::string unknownStateJson(const std::string& reason) {
    return boost::json::serialize(boost::json::object{{"state", "unknown"}, {"error", reason}});
}

}  // namespace

/// What the relay of a response needs to know of the request it answers.
struct PreviewProxy::Relay {
    bool clientKeepAlive = false;
    bool upgrade = false;  ///< a WebSocket upgrade: tunnelled once the upstream switches
    bool head = false;
};

struct PreviewProxy::Exchange {
    Stream& client;
    beast::flat_buffer& buffer;
    const Peer& peer;
    const RequestGate& gate;
    std::optional<http::request_parser<http::buffer_body>> parser;
    Request from;  ///< who sent the current request (identify)
    std::optional<beast::tcp_stream> upstream;
    beast::flat_buffer upstreamBuffer;
    std::string upstreamKey;        ///< "<port>-<workspace key>" the open upstream serves
    std::string upstreamAddress;    ///< where that preview's server was found
    std::uint16_t previewPort = 0;  ///< the preview the current request names
    std::string previewKey;
    std::vector<char> chunk = std::vector<char>(kChunk);
    /// The upstream's answer to the current request (its head read, its body not yet).
    std::optional<http::response_parser<http::buffer_body>> response;

    http::request<http::buffer_body>& request() { return parser->get(); }
    /// Sends the request's head, then its body as it arrives from the client.
    net::awaitable<Sent> sendRequest(bool bodyless);
    /// Reads a small response whole and writes it with its head in one write.
    net::awaitable<bool> relaySmallBody();
    /// Streams the response's body once its head is written through `rs`.
    net::awaitable<bool> relayBody(http::response_serializer<http::buffer_body>& rs);

    /// Answers with a page or text of our own. The connection stays usable only when the
    /// request had no body left unread.
    net::awaitable<bool> respond(http::status status, std::string_view contentType,
                                 std::string body, bool keepAlive = true, Headers headers = {}) {
        auto& req = request();
        http::response<http::string_body> res{status, req.version()};
        res.set(http::field::server, "parawork");
        res.set(http::field::content_type, contentType);
        res.set(http::field::cache_control, "no-store");
        for (auto& [name, value] : headers) res.insert(name, value);
        res.body() = std::move(body);
        bool reusable = keepAlive && req.keep_alive() && parser->is_done();
        res.keep_alive(reusable);
        res.prepare_payload();
        if (req.method() == http::verb::head) res.body().clear();
        client.expires_after(kWriteTimeout);
        auto [ec, n] = co_await http::async_write(client, res, kAwait);
        co_return !ec && reusable;
    }
};

PreviewProxy::PreviewProxy(ports::PortService& ports, session::SessionService& sessions,
                           net::thread_pool& workers, ProxyOptions options)
    : ports_(ports), sessions_(sessions), workers_(workers), options_(std::move(options)) {}

bool PreviewProxy::matches(std::string_view host) const {
    return ports_.previewHost(host).has_value();
}

net::awaitable<void> PreviewProxy::serve(Stream& stream, beast::flat_buffer& buffer,
                                         http::request_parser<http::string_body>& first,
                                         const Peer& peer, const RequestGate& gate) {
    Exchange x{stream, buffer, peer, gate};
    x.parser.emplace(std::move(first));
    x.parser->body_limit(boost::none);
    for (;;) {
        bool again = co_await serveOne(x);
        if (!again) break;
        x.parser.emplace();
        x.parser->header_limit(kMaxHeaderBytes);
        x.parser->body_limit(boost::none);
        if (buffer.size() == 0) {  // kept alive: idle until the next request starts
            stream.expires_after(options_.keepAliveTimeout);
            auto [idleError, got] =
                co_await stream.async_read_some(buffer.prepare(kFirstReadBytes), kAwait);
            if (idleError) break;
            buffer.commit(got);
        }
        // From its first byte on, the head has one deadline however slowly it comes, as the
        // server's own requests have (api/server.cpp).
        stream.expires_after(options_.requestHeadTimeout);
        auto [ec, n] = co_await http::async_read_header(stream, buffer, *x.parser, kAwait);
        if (ec) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(net::socket_base::shutdown_send, ignored);
}

net::awaitable<bool> PreviewProxy::serveOne(Exchange& x) {
    auto& req = x.request();
    auto host = ports_.previewHost(req[http::field::host]);
    if (!host)
        co_return co_await x.respond(
            http::status::misdirected_request, "text/html; charset=utf-8",
            messagePage("Misdirected request",
                        "This connection serves a preview; the request names another host."),
            false);
    x.from = identify(req, x.peer, x.gate);
    auto key = std::to_string(host->port) + "-" + host->workspaceKey;
    if (auto answered = co_await checkPass(x, key)) co_return *answered;
    if (beast::iequals(req[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, req.version()};
        co_await http::async_write(x.client, cont, kAwait);
        req.erase(http::field::expect);
    }
    x.previewPort = host->port;
    x.previewKey = host->workspaceKey;
    std::string_view target = req.target();
    bool outputPoll = target.substr(0, target.find('?')) == kOutputPath;
    // An open upstream for the same preview goes on without asking again (keep-alive).
    if (!outputPoll && x.upstream && x.upstreamKey == key) {
        ports::PreviewTarget same;
        same.kind = ports::PreviewTarget::Kind::Proxy;
        same.port = host->port;
        co_return co_await forward(x, same);
    }
    auto resolved = co_await resolve(x);
    x.upstream.reset();
    x.upstreamKey = key;
    if (outputPoll) co_return co_await answerOutput(x, resolved);
    co_return co_await answerResolved(x, resolved);
}

net::awaitable<std::optional<bool>> PreviewProxy::checkPass(Exchange& x, const std::string& key) {
    if (x.from.peerIsLoopback) co_return std::nullopt;
    auto& req = x.request();
    auto* passes = options_.passes.get();
    const auto& cookieName = options_.credentials.passCookieName;
    if (!passes)
        co_return co_await x.respond(
            http::status::forbidden, "text/html; charset=utf-8",
            messagePage("Previews are local", "Remote previews are not enabled."), false);
    std::string_view target = req.target();
    if (target.substr(0, target.find('?')) == kPassPath) {
        auto pass = passes->redeemCode(queryValue(target, "code"), key);
        if (!pass)
            co_return co_await x.respond(
                http::status::forbidden, "text/html; charset=utf-8",
                messagePage("This preview link has expired",
                            "It was used already or is more than a minute old. Open the "
                            "preview again from parawork."));
        std::string cookie =
            cookieName + "=" + *pass +
            "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(kPassMaxAgeSeconds) +
            (x.from.secure ? "; Secure" : "");
        auto headers =
            oneHeader(http::field::location, api::localRedirectPath(queryValue(target, "next")));
        headers.emplace_back(http::field::set_cookie, std::move(cookie));
        co_return co_await x.respond(http::status::see_other, "text/plain", "", true,
                                     std::move(headers));
    }
    std::string cookies;
    for (auto it = req.find(http::field::cookie);
         it != req.end() && it->name() == http::field::cookie; ++it)
        cookies += std::string(it->value()) + ";";
    if (auto pass = cookieValue(cookies, cookieName); pass && passes->verifyPass(*pass, key))
        co_return std::nullopt;
    // A browser opening the page is sent to the UI's origin to fetch a pass with its login
    // cookie; anything else (a script, a WebSocket) is just refused.
    bool navigation = req.method() == http::verb::get && !websocket::is_upgrade(req) &&
                      req[http::field::accept].find("text/html") != beast::string_view::npos;
    if (!navigation)
        co_return co_await x.respond(
            http::status::unauthorized, "text/plain; charset=utf-8",
            "This preview needs a login: open it in a browser logged in to parawork.\n");
    std::string origin = options_.uiOrigin.empty() ? ports_.uiOrigin() : options_.uiOrigin;
    boost::urls::url login(origin);
    login.set_path(kPreviewLoginPath);
    std::string self = std::string(x.from.secure ? "https" : "http") + "://" +
                       std::string(req[http::field::host]) + std::string(target);
    login.params().append({"to", self});
    co_return co_await x.respond(http::status::see_other, "text/plain", "", true,
                                 oneHeader(http::field::location, std::string(login.buffer())));
}

net::awaitable<ports::PreviewTarget> PreviewProxy::resolve(Exchange& x) {
    auto* ports = &ports_;
    auto* exchange = &x;
    co_return co_await onWorkers(workers_, [ports, exchange] {
        return ports->resolvePreview(exchange->previewPort, exchange->previewKey);
    });
}

net::awaitable<bool> PreviewProxy::answerResolved(Exchange& x, const ports::PreviewTarget& target) {
    switch (target.kind) {
        case ports::PreviewTarget::Kind::Proxy:
            co_return co_await forward(x, target);
        case ports::PreviewTarget::Kind::Waiting:
        case ports::PreviewTarget::Kind::Ended:
            co_return co_await answerWaiting(x, target);
        case ports::PreviewTarget::Kind::Unknown:
            break;
    }
    co_return co_await x.respond(
        http::status::not_found, "text/html; charset=utf-8",
        messagePage("No server on port " + std::to_string(target.port), target.reason));
}

net::awaitable<bool> PreviewProxy::forward(Exchange& x, const ports::PreviewTarget& target) {
    auto& req = x.request();
    Relay relay{.clientKeepAlive = req.keep_alive(),
                .upgrade = websocket::is_upgrade(req),
                .head = req.method() == http::verb::head};
    rewriteRequest(x, target.port, relay.upgrade);
    if (auto answered = co_await exchangeHeads(x, target, relay.head)) co_return *answered;
    co_return co_await relayResponse(x, relay);
}

void PreviewProxy::rewriteRequest(Exchange& x, std::uint16_t port, bool upgrade) {
    auto& req = x.request();
    std::string originalHost(req[http::field::host]);
    removeHopByHop(req);
    if (upgrade) {
        req.set(http::field::connection, "Upgrade");
        req.set(http::field::upgrade, "websocket");
    }
    const auto& credentials = options_.credentials;
    if (auto cookie = req.find(http::field::cookie); cookie != req.end()) {
        std::string joined;
        for (auto it = cookie; it != req.end() && it->name() == http::field::cookie; ++it)
            joined += (joined.empty() ? "" : "; ") + std::string(it->value());
        req.erase(http::field::cookie);
        auto kept = withoutCookie(joined, credentials.cookieName);
        if (kept) kept = withoutCookie(*kept, credentials.passCookieName);
        if (kept) req.set(http::field::cookie, *kept);
    }
    if (carriesToken(req[http::field::authorization], credentials.isToken))
        req.erase(http::field::authorization);
    if (carriesToken(req["X-API-Key"], credentials.isToken)) req.erase("X-API-Key");
    req.target(withoutTokenParameters(req.target(), credentials.isToken));
    req.set(http::field::host, "localhost:" + std::to_string(port));
    req.set("X-Forwarded-Host", originalHost);
    req.set("X-Forwarded-Proto", x.from.secure ? "https" : "http");
    std::string forwardedFor(req["X-Forwarded-For"]);
    req.set("X-Forwarded-For",
            forwardedFor.empty() ? x.peer.address : forwardedFor + ", " + x.peer.address);
}

net::awaitable<std::optional<bool>> PreviewProxy::exchangeHeads(Exchange& x,
                                                                const ports::PreviewTarget& target,
                                                                bool head) {
    bool bodyless = x.parser->is_done();
    for (int attempt = 0;; ++attempt) {
        bool reused = x.upstream.has_value();
        if (!x.upstream)
            if (auto answered = co_await connectUpstream(x, target)) co_return answered;
        auto sent = co_await x.sendRequest(bodyless);
        if (sent == Sent::ClientFailed) co_return false;
        auto& response = x.response.emplace();
        response.header_limit(kMaxHeaderBytes);
        response.body_limit(boost::none);
        if (head) response.skip(true);
        if (sent == Sent::Ok) {
            x.upstream->expires_never();  // long polls and SSE wait as long as they like
            auto [rec, rn] =
                co_await http::async_read_header(*x.upstream, x.upstreamBuffer, response, kAwait);
            if (!rec) co_return std::nullopt;
        }
        x.upstream.reset();
        // A kept-alive upstream may have closed its end just now: retry once on a new
        // connection when nothing of the request's body was consumed.
        if (!reused || !bodyless || attempt > 0)
            co_return co_await x.respond(
                http::status::bad_gateway, "text/html; charset=utf-8",
                messagePage("Bad gateway", "The server on port " + std::to_string(target.port) +
                                               " closed the connection."),
                false);
        // Kept alive without asking: whoever listens there now must still be a session of
        // this workspace.
        if (target.address.empty()) {
            auto fresh = co_await resolve(x);
            if (fresh.kind != ports::PreviewTarget::Kind::Proxy) {
                x.upstreamKey.clear();
                co_return co_await answerResolved(x, fresh);
            }
            x.upstreamAddress = fresh.address;
        }
    }
}

net::awaitable<std::optional<bool>> PreviewProxy::connectUpstream(
    Exchange& x, const ports::PreviewTarget& target) {
    if (!target.address.empty()) x.upstreamAddress = target.address;
    boost::system::error_code ec;
    auto address = net::ip::make_address(x.upstreamAddress, ec);
    if (ec)
        co_return co_await x.respond(http::status::bad_gateway, "text/plain",
                                     "bad upstream address\n", false);
    x.upstream.emplace(co_await net::this_coro::executor);
    x.upstreamBuffer.clear();
    x.upstream->expires_after(options_.connectTimeout);
    auto [cec] = co_await x.upstream->async_connect(tcp::endpoint(address, target.port), kAwait);
    if (cec) {
        x.upstream.reset();
        x.upstreamKey.clear();
        // Closed between the scan and now (a restarting dev server): wait for it.
        co_return co_await answerWaiting(x, target);
    }
    boost::system::error_code ignored;
    x.upstream->socket().set_option(tcp::no_delay(true), ignored);
    co_return std::nullopt;
}

net::awaitable<Sent> PreviewProxy::Exchange::sendRequest(bool bodyless) {
    auto& req = request();
    client.expires_never();
    upstream->expires_after(kWriteTimeout);
    http::request_serializer<http::buffer_body> sr{req};
    bool failed = false;
    if (bodyless) {  // the header alone, in one write
        req.body().data = nullptr;
        req.body().size = 0;
        req.body().more = false;
        auto [wec, wn] = co_await http::async_write(*upstream, sr, kAwait);
        failed = wec && wec != http::error::need_buffer;
    } else {
        auto [hec, hn] = co_await http::async_write_header(*upstream, sr, kAwait);
        failed = static_cast<bool>(hec);
    }
    // The body, streamed as it arrives (a large upload never sits in memory).
    while (!failed && !parser->is_done()) {
        req.body().data = chunk.data();
        req.body().size = chunk.size();
        auto [rec, rn] = co_await http::async_read_some(client, buffer, *parser, kAwait);
        if (rec == http::error::need_buffer) rec = {};
        if (rec) co_return Sent::ClientFailed;
        // An empty piece (a chunk header only) is not written: for a chunked message a
        // zero-size chunk would end the body.
        auto got = chunk.size() - req.body().size;
        if (got == 0 && !parser->is_done()) continue;
        req.body().size = got;
        req.body().data = got ? chunk.data() : nullptr;
        req.body().more = !parser->is_done();
        upstream->expires_after(kWriteTimeout);
        auto [wec, wn] = co_await http::async_write(*upstream, sr, kAwait);
        if (wec == http::error::need_buffer) wec = {};
        failed = static_cast<bool>(wec);
    }
    if (!failed && !sr.is_done()) {
        req.body().data = nullptr;
        req.body().size = 0;
        req.body().more = false;
        auto [wec, wn] = co_await http::async_write(*upstream, sr, kAwait);
        if (wec == http::error::need_buffer) wec = {};
        failed = static_cast<bool>(wec);
    }
    co_return failed ? Sent::UpstreamFailed : Sent::Ok;
}

namespace {

/// The response head as the client sees it: no hop-by-hop fields, no cookie of the daemon's.
void filterResponseHead(http::response<http::buffer_body>& res, bool switching,
                        const DaemonCredentials& credentials) {
    removeHopByHop(res);
    if (switching) {
        res.set(http::field::connection, "Upgrade");
        res.set(http::field::upgrade, "websocket");
    }
    std::vector<std::string> cookies;
    for (auto it = res.find(http::field::set_cookie);
         it != res.end() && it->name() == http::field::set_cookie; ++it)
        if (!setsCookie(it->value(), credentials.cookieName) &&
            !setsCookie(it->value(), credentials.passCookieName))
            cookies.emplace_back(it->value());
    res.erase(http::field::set_cookie);
    for (const auto& c : cookies) res.insert(http::field::set_cookie, c);
}

}  // namespace

net::awaitable<bool> PreviewProxy::relayResponse(Exchange& x, const Relay& relay) {
    auto& rp = *x.response;
    auto& res = rp.get();
    bool upstreamKeepAlive = res.keep_alive();
    bool switching = relay.upgrade && res.result() == http::status::switching_protocols;
    filterResponseHead(res, switching, options_.credentials);
    auto status = res.result_int();
    bool framed = relay.head || res.chunked() || res.has_content_length() || status / 100 == 1 ||
                  status == 204 || status == 304;
    bool keepAlive = relay.clientKeepAlive && framed && !switching;
    if (!switching) res.keep_alive(keepAlive);

    x.client.expires_after(kWriteTimeout);
    // A small body with a known length goes out with its header in one write.
    auto length = rp.content_length();
    if (!switching && !relay.head && !rp.is_done() && length && *length <= kSmallBody) {
        if (!co_await x.relaySmallBody()) co_return false;
        if (!upstreamKeepAlive) x.upstream.reset();
        co_return keepAlive;
    }
    http::response_serializer<http::buffer_body> rs{res};
    if (rp.is_done() && !switching) {  // no body (HEAD, 204, 304): the header, one write
        res.body().data = nullptr;
        res.body().size = 0;
        res.body().more = false;
        auto [cwec, cwn] = co_await http::async_write(x.client, rs, kAwait);
        if (cwec && cwec != http::error::need_buffer) co_return false;
        if (!upstreamKeepAlive || !framed) x.upstream.reset();
        co_return keepAlive;
    }
    auto [wec, wn] = co_await http::async_write_header(x.client, rs, kAwait);
    if (wec) co_return false;
    if (switching) co_return co_await tunnel(x);
    if (!co_await x.relayBody(rs)) co_return false;
    if (!upstreamKeepAlive || !framed) x.upstream.reset();
    co_return keepAlive;
}

net::awaitable<bool> PreviewProxy::Exchange::relaySmallBody() {
    http::response_parser<http::string_body> whole{std::move(*response)};
    whole.body_limit(kSmallBody);
    auto [rec, rn] = co_await http::async_read(*upstream, upstreamBuffer, whole, kAwait);
    if (rec) {
        upstream.reset();
        co_return false;
    }
    auto message = whole.release();
    auto [cwec, cwn] = co_await http::async_write(client, message, kAwait);
    co_return !cwec;
}

net::awaitable<bool> PreviewProxy::Exchange::relayBody(
    http::response_serializer<http::buffer_body>& rs) {
    auto& rp = *response;
    auto& res = rp.get();
    while (!rp.is_done()) {
        res.body().data = chunk.data();
        res.body().size = chunk.size();
        auto [rec, rn] = co_await http::async_read_some(*upstream, upstreamBuffer, rp, kAwait);
        if (rec == http::error::need_buffer) rec = {};
        // A response without length ends when the upstream closes.
        bool eof = rec == http::error::end_of_stream || rec == net::error::eof;
        if (rec && !eof) co_return false;
        auto got = chunk.size() - res.body().size;
        if (got == 0 && !rp.is_done() && !eof) continue;  // never a zero-size chunk
        res.body().size = got;
        res.body().data = got ? chunk.data() : nullptr;
        res.body().more = !rp.is_done() && !eof;
        client.expires_after(kWriteTimeout);
        auto [cwec, cwn] = co_await http::async_write(client, rs, kAwait);
        if (cwec == http::error::need_buffer) cwec = {};
        if (cwec) co_return false;
        if (eof) break;
    }
    if (!rs.is_done()) {
        res.body().data = nullptr;
        res.body().size = 0;
        res.body().more = false;
        auto [cwec, cwn] = co_await http::async_write(client, rs, kAwait);
        if (cwec == http::error::need_buffer) cwec = {};
        if (cwec) co_return false;
    }
    co_return true;
}

net::awaitable<bool> PreviewProxy::tunnel(Exchange& x) {
    using namespace net::experimental::awaitable_operators;
    // Bytes read past either header already belong to the WebSocket stream.
    if (x.buffer.size() > 0) {
        auto [ec, n] = co_await net::async_write(x.upstream->socket(), x.buffer.data(), kAwait);
        if (ec) co_return false;
        x.buffer.consume(x.buffer.size());
    }
    if (x.upstreamBuffer.size() > 0) {
        auto [ec, n] =
            co_await net::async_write(x.client.socket(), x.upstreamBuffer.data(), kAwait);
        if (ec) co_return false;
        x.upstreamBuffer.consume(x.upstreamBuffer.size());
    }
    x.client.expires_never();
    x.upstream->expires_never();
    co_await (pump(x.client.socket(), x.upstream->socket()) ||
              pump(x.upstream->socket(), x.client.socket()));
    x.upstream.reset();
    co_return false;
}

net::awaitable<bool> PreviewProxy::answerWaiting(Exchange& x, const ports::PreviewTarget& target) {
    auto& req = x.request();
    if (!wantsHtml(req))
        co_return co_await x.respond(
            http::status::service_unavailable, "text/plain; charset=utf-8",
            "The server on port " + std::to_string(target.port) + " is not up " +
                (target.kind == ports::PreviewTarget::Kind::Ended ? "(its session ended)" : "yet") +
                ".\n",
            true, oneHeader(http::field::retry_after, "1"));
    auto* sessions = &sessions_;
    auto* t = &target;
    auto view = co_await onWorkers(workers_, [sessions, t] {
        SessionView v;
        v.port = t->port;
        v.sessionId = t->sessionId;
        v.title = "Port " + std::to_string(t->port);
        auto state = sessions->outputState(t->sessionId);
        if (!state) return v;
        v.ended = state->ended || t->kind == ports::PreviewTarget::Kind::Ended;
        v.exitCode = state->exitCode;
        v.exitReason = state->exitReason;
        auto from = state->endOffset > kTailBytes ? state->endOffset - kTailBytes : 0;
        if (auto read = sessions->readOutput(t->sessionId, from, kTailBytes)) {
            auto text = read->bytes;
            // Start at a line boundary when the tail cut one.
            if (from > 0)
                if (auto nl = text.find('\n'); nl != std::string::npos) text.erase(0, nl + 1);
            for (std::size_t at = 0; at < text.size(); at += kPollBytes)
                v.outputTail +=
                    session::sanitizeLogLine(std::string_view(text).substr(at, kPollBytes));
            v.offset = read->nextOffset;
        }
        return v;
    });
    co_return co_await x.respond(http::status::service_unavailable, "text/html; charset=utf-8",
                                 loadingPage(view));
}

net::awaitable<bool> PreviewProxy::answerOutput(Exchange& x, const ports::PreviewTarget& target) {
    if (target.kind == ports::PreviewTarget::Kind::Unknown)
        co_return co_await x.respond(http::status::not_found, "application/json",
                                     unknownStateJson(target.reason));
    auto offset = offsetParameter(x.request().target());
    auto* sessions = &sessions_;
    auto* t = &target;
    auto body = co_await onWorkers(workers_, [sessions, t, offset] {
        boost::json::object out{{"text", ""}, {"next", offset}, {"exitCode", nullptr}};
        std::string state = t->kind == ports::PreviewTarget::Kind::Proxy   ? "ready"
                            : t->kind == ports::PreviewTarget::Kind::Ended ? "ended"
                                                                           : "waiting";
        if (auto s = sessions->outputState(t->sessionId)) {
            if (s->ended && state == "waiting") state = "ended";
            if (s->exitCode) out["exitCode"] = *s->exitCode;
        }
        if (state != "ready")
            if (auto read = sessions->readOutput(t->sessionId, offset, kPollBytes)) {
                out["text"] = session::sanitizeLogLine(read->bytes);
                out["next"] = read->nextOffset;
            }
        out["state"] = state;
        return boost::json::serialize(out);
    });
    co_return co_await x.respond(http::status::ok, "application/json", std::move(body));
}

}  // namespace parawork::proxy
