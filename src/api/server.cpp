#include "api/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <deque>
#include <mutex>
#include <set>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>

#include "api/attach_connection.hpp"
#include "api/connection.hpp"
#include "api/json_body.hpp"
#include "api/login_pages.hpp"
#include "api/preview_hook.hpp"
#include "api/query_number.hpp"
#include "api/static_files.hpp"
#include "api/tls_front.hpp"
#include "core/error.hpp"

namespace parawork::api {
namespace {

using Proto = net::generic::stream_protocol;
using Acceptor = net::basic_socket_acceptor<Proto>;
constexpr auto kAwait = net::as_tuple(net::use_awaitable);
constexpr std::size_t kMaxHeaderBytes = 32 * 1024;
constexpr std::size_t kMaxQueuedWsBytes = 8 << 20;
/// How long a kept-alive connection may wait for its next request's first byte (nginx's
/// keepalive_timeout); from that byte on the head has options.requestHeadTimeout in all.
constexpr auto kKeepAliveTimeout = std::chrono::seconds(75);
constexpr auto kRequestTimeout = std::chrono::seconds(60);
constexpr std::size_t kFirstReadBytes = 4096;

/// The peer's IP address as text; empty for a unix socket.
std::string peerAddress(const Proto::socket& socket) {
    boost::system::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (ec) return {};
    char text[INET6_ADDRSTRLEN] = {};
    if (ep.data()->sa_family == AF_INET)
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(ep.data())->sin_addr, text,
                    sizeof text);
    else if (ep.data()->sa_family == AF_INET6)
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(ep.data())->sin6_addr, text,
                    sizeof text);
    return text;
}

/// A request target's path, without its query (not decoded: only compared with our own paths).
std::string_view pathOf(std::string_view target) {
    return target.substr(0, target.find('?'));
}

/// Converts Beast's request into the plain Request the routes see; nullopt on a bad target.
/// Who sent it is the gate's to say (RequestGate::identify).
std::optional<Request> toPlain(const http::request<http::string_body>& msg) {
    auto url = boost::urls::parse_origin_form(msg.target());
    if (!url) return std::nullopt;
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.path = url->path();
    for (auto param : url->params()) req.query.emplace_back(param.key, param.value);
    for (const auto& field : msg) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto [it, inserted] = req.headers.emplace(name, std::string(field.value()));
        if (!inserted) it->second += (name == "cookie" ? "; " : ", ") + std::string(field.value());
    }
    req.body = msg.body();
    return req;
}

http::response<http::string_body> toBeast(Response&& res, unsigned version, bool keepAlive,
                                          bool head) {
    http::response<http::string_body> out{static_cast<http::status>(res.status), version};
    out.set(http::field::server, "parawork");
    if (!res.contentType.empty()) out.set(http::field::content_type, res.contentType);
    for (auto& [name, value] : res.headers) out.insert(name, value);
    bool noBody = res.status == 204 || res.status == 304 || res.status < 200;
    if (!noBody) out.body() = std::move(res.body);
    out.keep_alive(keepAlive && !res.closeConnection);
    out.prepare_payload();
    if (head) out.body().clear();  // keep Content-Length, send no body
    return out;
}

/// A handler's answer while it runs on the worker pool: the events it streams (EventSink, from
/// its thread) and, at the end, its Response, handed to the loop as they come.
class HandlerOutcome : public EventSink, public std::enable_shared_from_this<HandlerOutcome> {
  public:
    explicit HandlerOutcome(net::io_context& loop) : loop_(loop), wake_(loop) {}

    void send(std::string event) override {
        push([&] { events_.push_back(std::move(event)); });
    }
    std::shared_ptr<const std::atomic<bool>> clientGone() const override { return gone_; }
    void markClientGone() { gone_->store(true); }
    void finish(Response res) {
        push([&] { final_ = std::move(res); });
    }

    struct Batch {
        std::deque<std::string> events;
        std::optional<Response> final;
    };
    /// On the loop: what arrived since the last call, waiting until something has.
    net::awaitable<Batch> next() {
        for (;;) {
            {
                std::lock_guard lock(mutex_);
                if (!events_.empty() || final_) {
                    Batch batch{std::move(events_), std::move(final_)};
                    events_.clear();
                    final_.reset();
                    co_return batch;
                }
                wake_.expires_at(net::steady_timer::time_point::max());
            }
            // A push after the check posts its wake-up behind this wait (one loop thread).
            co_await wake_.async_wait(kAwait);
        }
    }

  private:
    template <class Change>
    void push(Change change) {
        {
            std::lock_guard lock(mutex_);
            change();
        }
        net::post(loop_, [self = shared_from_this()] { self->wake_.cancel(); });
    }

    net::io_context& loop_;
    net::steady_timer wake_;  ///< touched on the loop only
    std::mutex mutex_;
    std::deque<std::string> events_;
    std::optional<Response> final_;
    std::shared_ptr<std::atomic<bool>> gone_ = std::make_shared<std::atomic<bool>>(false);
};

/// Until the client hangs up (then `outcome` hears of it), sends more (a pipelined request,
/// left for the next read: watching stops) or the watch is cancelled. For a request whose answer
/// may stream: MCP's Streamable HTTP makes a hang-up the cancellation of that request.
net::awaitable<void> watchForHangUp(Stream& stream, std::shared_ptr<HandlerOutcome> outcome) {
    auto& socket = stream.socket();
    for (;;) {
        auto [ec] = co_await socket.async_wait(net::socket_base::wait_read, kAwait);
        if (ec) co_return;  // cancelled: the handler is done
        char byte = 0;
        ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0) co_return;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
        outcome->markClientGone();  // EOF, or the connection failed
        co_return;
    }
}

/// The chunked text/event-stream answer of one request, once its handler sent an event.
struct EventStreamOut {
    Stream& stream;
    unsigned version;
    bool keepAlive;
    bool started = false;
    bool failed = false;  ///< the client went away: the rest is dropped

    net::awaitable<void> writeHead(Response head) {
        http::response<http::empty_body> out{http::status::ok, version};
        out.set(http::field::server, "parawork");
        out.set(http::field::content_type, head.contentType);
        for (auto& [name, value] : head.headers) out.insert(name, value);
        out.keep_alive(keepAlive);
        out.chunked(true);
        http::response_serializer<http::empty_body> serializer(out);
        stream.expires_after(kRequestTimeout);
        auto [ec, n] = co_await http::async_write_header(stream, serializer, kAwait);
        started = true;
        failed = static_cast<bool>(ec);
    }
    net::awaitable<void> writeChunk(const std::string& bytes) {
        if (failed || bytes.empty()) co_return;
        stream.expires_after(kRequestTimeout);
        auto [ec, n] =
            co_await net::async_write(stream, http::make_chunk(net::buffer(bytes)), kAwait);
        failed = static_cast<bool>(ec);
    }
    net::awaitable<void> end(const std::string& lastBytes) {
        co_await writeChunk(lastBytes);
        if (failed) co_return;
        stream.expires_after(kRequestTimeout);
        auto [ec, n] = co_await net::async_write(stream, http::make_chunk_last(), kAwait);
        failed = static_cast<bool>(ec);
    }
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
    net::io_context& loop;
    net::thread_pool& workers;
    ServerOptions options;
    Router router;
    WsActions actions;
    std::unique_ptr<RequestGate> gate;
    std::unique_ptr<TlsFront> tls;
    Acceptor tcpAcceptor{loop};
    Acceptor unixAcceptor{loop};
    std::uint16_t boundPort = 0;
    std::set<Stream*> httpStreams;
    std::set<std::shared_ptr<WsConnection>> wsConnections;
    std::atomic<std::size_t> wsCount{0};  ///< wsConnections.size(), readable from any thread
    session::SessionService* sessions = nullptr;
    std::multimap<std::string, std::shared_ptr<AttachConnection>> attached;
    std::shared_ptr<PreviewHook> preview;
    bool stopping = false;

    Impl(net::io_context& l, net::thread_pool& w, ServerOptions o, Router r, WsActions a)
        : loop(l), workers(w), options(std::move(o)), router(std::move(r)), actions(std::move(a)) {
        // The server runs its WebSocket endpoints itself; any other upgrade opens the main hub.
        router.addUpgrade("/api/sessions/:id/attach", Upgrade::Attach);
    }

    void listenTcp();
    void listenUnix();
    net::awaitable<void> acceptLoop(Acceptor& acceptor, Transport transport);
    net::awaitable<void> runConnection(Stream stream, Peer peer);
    /// Reads a request's head (after the keep-alive wait when `first` is false); false when
    /// the connection is done (closed, or refused with an answer).
    net::awaitable<bool> readHead(Stream& stream, beast::flat_buffer& buffer,
                                  http::request_parser<http::string_body>& parser, bool first);
    /// Reads an API request's body within the API's limit; false when the connection is done.
    net::awaitable<bool> readBody(Stream& stream, beast::flat_buffer& buffer,
                                  http::request_parser<http::string_body>& parser);
    /// Answers an API request; false when the connection is not to be kept.
    net::awaitable<bool> answer(Stream& stream, const http::request<http::string_body>& msg,
                                const Peer& peer);
    /// `events`: where a handler's streamed events go; null when the client cannot take them.
    net::awaitable<Response> handle(Request req, EventStreamOut* events);
    /// Runs the route on the worker pool; its events go out through `events` as they come.
    net::awaitable<Response> dispatch(Request& req, EventStreamOut* events);
    net::awaitable<void> refuseAndLinger(Stream& stream, Response res, unsigned version);
    net::awaitable<void> runWebSocket(Stream stream, http::request<http::string_body> msg,
                                      const Peer& peer);
};

void HttpServer::Impl::listenTcp() {
    boost::system::error_code ec;
    std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
    auto address = net::ip::make_address(host, ec);
    if (ec) throw core::Error("server.host '" + options.host + "' is not an IP address");
    std::string where = options.host + ":" + std::to_string(options.port);
    // A taken default port moves on to the next free one (portTries); a chosen one never does.
    const unsigned tries = options.port == 0 ? 1 : std::max<unsigned>(options.portTries, 1);
    const unsigned last = std::min(65535u, options.port + tries - 1);
    for (unsigned port = options.port;; ++port) {
        Proto::endpoint endpoint(net::ip::tcp::endpoint(address, static_cast<std::uint16_t>(port)));
        tcpAcceptor.open(endpoint.protocol(), ec);
        if (!ec) tcpAcceptor.set_option(net::socket_base::reuse_address(true), ec);
        if (!ec) tcpAcceptor.bind(endpoint, ec);
        if (!ec) tcpAcceptor.listen(net::socket_base::max_listen_connections, ec);
        if (!ec) break;
        boost::system::error_code ignored;
        tcpAcceptor.close(ignored);
        if (ec != net::error::address_in_use || port >= last)
            throw core::Error(
                "cannot listen on " + where +
                (port > options.port
                     ? " or the next " + std::to_string(port - options.port) + " ports"
                     : "") +
                ": " + ec.message() +
                (ec == net::error::address_in_use
                     ? " (another program uses this port; choose one with --port)"
                     : ""));
    }
    auto local = tcpAcceptor.local_endpoint();
    auto* sa = local.data();
    boundPort =
        ntohs(sa->sa_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(sa)->sin6_port
                                        : reinterpret_cast<const sockaddr_in*>(sa)->sin_port);
}

void HttpServer::Impl::listenUnix() {
    const auto& path = options.unixSocket;
    // We hold the instance lock, so a socket file left here belongs to a dead daemon.
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            throw core::Error(path.string() + " exists and is not a socket; remove it");
        std::filesystem::remove(path);
    }
    Proto::endpoint endpoint(net::local::stream_protocol::endpoint(path.string()));
    boost::system::error_code ec;
    unixAcceptor.open(endpoint.protocol(), ec);
    mode_t old = ::umask(0177);  // the socket file is created 0600
    if (!ec) unixAcceptor.bind(endpoint, ec);
    ::umask(old);
    if (!ec) unixAcceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw core::Error("cannot listen on unix socket " + path.string() + ": " + ec.message());
}

net::awaitable<void> HttpServer::Impl::acceptLoop(Acceptor& acceptor, Transport transport) {
    auto self = shared_from_this();
    net::steady_timer backoff(loop);
    while (!stopping) {
        auto [ec, socket] = co_await acceptor.async_accept(kAwait);
        if (ec == net::error::operation_aborted || stopping) co_return;
        if (ec) {  // EMFILE and friends: wait a little instead of spinning
            spdlog::warn("accept failed: {}", ec.message());
            backoff.expires_after(std::chrono::milliseconds(100));
            co_await backoff.async_wait(kAwait);
            continue;
        }
        Peer peer{transport, peerAddress(socket), transport == Transport::Tcp && tls};
        if (transport == Transport::Tcp) {
            int one = 1;
            ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        if (transport == Transport::Tcp && tls) {
            // The server reads one end of a socket pair; the TLS front pumps the other.
            net::local::stream_protocol::socket serverEnd(loop), frontEnd(loop);
            boost::system::error_code pairError;
            net::local::connect_pair(serverEnd, frontEnd, pairError);
            if (pairError) {
                spdlog::warn("cannot make a socket pair for a TLS connection: {}",
                             pairError.message());
                continue;
            }
            Proto local(AF_UNIX, SOCK_STREAM);
            net::co_spawn(loop,
                          tls->relay(std::move(socket),
                                     Proto::socket(loop, local, frontEnd.release()), peer.address),
                          net::detached);
            net::co_spawn(loop,
                          runConnection(Stream(Proto::socket(loop, local, serverEnd.release())),
                                        std::move(peer)),
                          net::detached);
            continue;
        }
        net::co_spawn(loop, runConnection(Stream(std::move(socket)), std::move(peer)),
                      net::detached);
    }
}

net::awaitable<void> HttpServer::Impl::refuseAndLinger(Stream& stream, Response res,
                                                       unsigned version) {
    res.closeConnection = true;
    auto out = toBeast(std::move(res), version, false, false);
    co_await http::async_write(stream, out, kAwait);
    // Lingering close (as nginx does): read and discard what the client still sends for a while,
    // so that closing does not reset the connection before the client has read our answer.
    boost::system::error_code ec;
    stream.socket().shutdown(net::socket_base::shutdown_send, ec);
    stream.expires_after(std::chrono::seconds(2));
    std::array<char, 16384> sink;
    for (std::size_t total = 0; total < (64u << 20);) {
        auto [readError, n] = co_await stream.async_read_some(net::buffer(sink), kAwait);
        if (readError) break;
        total += n;
    }
}

net::awaitable<void> HttpServer::Impl::runConnection(Stream stream, Peer peer) {
    auto self = shared_from_this();
    httpStreams.insert(&stream);
    struct Unregister {
        Impl* impl;
        Stream* stream;
        ~Unregister() { impl->httpStreams.erase(stream); }
    } unregister{this, &stream};

    beast::flat_buffer buffer;
    for (bool first = true; !stopping; first = false) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(kMaxHeaderBytes);
        // The body limit is the API's; a preview's uploads go to its app unlimited, so it is
        // applied once the Host is known.
        parser.body_limit(boost::none);
        if (!co_await readHead(stream, buffer, parser, first)) co_return;
        if (preview && peer.transport == Transport::Tcp &&
            preview->matches(parser.get()[http::field::host])) {
            co_await preview->serve(stream, buffer, parser, peer, *gate);
            co_return;
        }
        if (!co_await readBody(stream, buffer, parser)) co_return;
        auto msg = parser.release();
        if (websocket::is_upgrade(msg)) {
            httpStreams.erase(&stream);
            co_await runWebSocket(std::move(stream), std::move(msg), peer);
            co_return;
        }
        if (!co_await answer(stream, msg, peer)) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(net::socket_base::shutdown_send, ignored);
}

net::awaitable<bool> HttpServer::Impl::readHead(Stream& stream, beast::flat_buffer& buffer,
                                                http::request_parser<http::string_body>& parser,
                                                bool first) {
    if (!first && buffer.size() == 0) {  // kept alive: idle until the next request starts
        stream.expires_after(kKeepAliveTimeout);
        auto [idleError, got] =
            co_await stream.async_read_some(buffer.prepare(kFirstReadBytes), kAwait);
        if (idleError) co_return false;
        buffer.commit(got);
    }
    // One deadline for the whole head (the stream's timer is not reset by each read): a
    // client that sends a byte a second must not hold the connection for ever.
    stream.expires_after(options.requestHeadTimeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kAwait);
    if (ec == http::error::header_limit) {
        co_await refuseAndLinger(stream, text(431, "Request headers too large\n"), 11);
        co_return false;
    }
    if (ec == http::error::body_limit) {  // Content-Length above the limit
        co_await refuseAndLinger(stream, bodyTooLarge(pathOf(parser.get().target())), 11);
        co_return false;
    }
    if (ec) {
        if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
            ec != net::error::operation_aborted && ec != net::error::eof)
            co_await refuseAndLinger(stream, text(400, "Bad request\n"), 11);
        co_return false;
    }
    co_return true;
}

net::awaitable<bool> HttpServer::Impl::readBody(Stream& stream, beast::flat_buffer& buffer,
                                                http::request_parser<http::string_body>& parser) {
    const auto& header = parser.get();
    parser.body_limit(options.maxBodyBytes);
    if (parser.content_length() && *parser.content_length() > options.maxBodyBytes) {
        co_await refuseAndLinger(stream, bodyTooLarge(pathOf(parser.get().target())), 11);
        co_return false;
    }
    if (beast::iequals(header[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, header.version()};
        co_await http::async_write(stream, cont, kAwait);
    }
    stream.expires_after(kRequestTimeout);
    auto [bodyError, m] = co_await http::async_read(stream, buffer, parser, kAwait);
    if (bodyError == http::error::body_limit) {
        co_await refuseAndLinger(stream, bodyTooLarge(pathOf(parser.get().target())), 11);
        co_return false;
    }
    co_return !bodyError;
}

net::awaitable<bool> HttpServer::Impl::answer(Stream& stream,
                                              const http::request<http::string_body>& msg,
                                              const Peer& peer) {
    auto version = msg.version();
    bool keepAlive = msg.keep_alive();
    bool head = msg.method() == http::verb::head;
    auto req = toPlain(msg);
    // (no co_await inside ?: — GCC 12 miscompiles that)
    Response res = text(400, "Bad request target\n");
    // Chunked answers need HTTP/1.1; HEAD gets no body at all.
    EventStreamOut events{stream, version, keepAlive && !stopping};
    bool streamable = version >= 11 && !head;
    if (req) {
        gate->identify(*req, peer);
        res = co_await handle(std::move(*req), streamable ? &events : nullptr);
    }
    std::string_view target = msg.target();  // logged without its query: it may hold a token
    spdlog::debug("{} {} -> {}", std::string_view(msg.method_string()),
                  target.substr(0, std::min<std::size_t>(target.find('?'), 200)), res.status);
    if (events.started) {  // the head went out with the first event: the body ends the stream
        co_await events.end(res.body);
        co_return !events.failed && events.keepAlive;
    }
    auto out = toBeast(std::move(res), version, keepAlive && !stopping, head);
    auto [writeError, w] = co_await http::async_write(stream, out, kAwait);
    co_return !writeError && out.keep_alive();
}

net::awaitable<Response> HttpServer::Impl::handle(Request req, EventStreamOut* events) {
    const auto arrived = std::chrono::steady_clock::now();
    if (req.transport == Transport::Tcp)
        if (auto res = gate->preflight(req)) co_return *res;
    if (auto res = gate->admitHttp(req)) co_return *res;
    if (auto res = gate->login(req)) co_return *res;
    if (req.path == kPreviewLoginPath) co_return previewLoginPage();
    if (!isRoutePath(req.path)) co_return serveStaticFile(req);
    if (req.path != kMcpPath)  // MCP answers a bad body with its own (JSON-RPC) errors
        if (auto res = parseJsonBody(req)) co_return *res;

    Response res = co_await dispatch(req, events);
    if (req.transport == Transport::Tcp) gate->addCorsHeaders(req, res);
    res.set("Cache-Control", "no-store");
    if (options.requestStats)
        options.requestStats->record(res.status, std::chrono::steady_clock::now() - arrived);
    co_return res;
}

// Handlers may block (SQLite, git, files): they run on the worker pool, and the loop answers.
net::awaitable<Response> HttpServer::Impl::dispatch(Request& req, EventStreamOut* events) {
    auto outcome = std::make_shared<HandlerOutcome>(loop);
    if (events) req.events = outcome.get();
    net::co_spawn(
        workers,
        [this, &req]() -> net::awaitable<Response> {
            try {
                co_return router.dispatch(req);
            } catch (const std::exception& e) {
                spdlog::error("{} {} failed: {}", req.method, req.path, e.what());
                co_return fail(500, "Internal server error");
            }
        },
        [outcome](std::exception_ptr failure, Response res) {
            outcome->finish(failure ? fail(500, "Internal server error") : std::move(res));
        });
    // A client that may take a stream may also hang up meanwhile: watched on the loop.
    bool watching = events && req.acceptsEventStream();
    net::steady_timer watchEnded(loop, net::steady_timer::time_point::max());
    if (watching)
        net::co_spawn(loop, watchForHangUp(events->stream, outcome),
                      [&watching, &watchEnded](std::exception_ptr) {
                          watching = false;
                          watchEnded.cancel();
                      });
    // `req` lives in this frame: the loop waits for the handler's end whatever the client does.
    std::optional<Response> res;
    while (!res) {
        auto batch = co_await outcome->next();
        for (const auto& event : batch.events) {
            if (!events->started) {
                Response head;
                head.contentType = "text/event-stream";
                head.set("Cache-Control", "no-store");
                if (req.transport == Transport::Tcp) gate->addCorsHeaders(req, head);
                co_await events->writeHead(std::move(head));
            }
            co_await events->writeChunk(event);
            if (events->failed) outcome->markClientGone();
        }
        res = std::move(batch.final);
    }
    // The watch holds the stream: it ends before this frame does (one loop thread: no race).
    if (watching) {
        boost::system::error_code ignored;
        events->stream.socket().cancel(ignored);
        if (watching) co_await watchEnded.async_wait(kAwait);
    }
    co_return std::move(*res);
}

net::awaitable<void> HttpServer::Impl::runWebSocket(Stream stream,
                                                    http::request<http::string_body> msg,
                                                    const Peer& peer) {
    auto req = toPlain(msg);
    std::optional<Response> refusal;
    if (!req) {
        refusal = text(400, "Bad request target\n");
    } else {
        gate->identify(*req, peer);
        refusal = gate->admitWebSocket(*req);
    }
    if (refusal) {
        co_await refuseAndLinger(stream, std::move(*refusal), msg.version());
        co_return;
    }
    ViewerScope viewer(options.requestStats);
    if (router.upgradeFor(*req).value_or(Upgrade::Events) == Upgrade::Attach) {
        std::string id = req->params.at("id");
        if (!sessions || !sessions->outputState(id)) {
            co_await refuseAndLinger(stream, fail(404, "Session not found"), msg.version());
            co_return;
        }
        std::optional<std::uint64_t> offset;
        if (auto text = req->queryParam("offset")) {
            offset = parseQueryNumber(*text);
            if (!offset) {
                co_await refuseAndLinger(stream, fail(400, "offset: expected a number"),
                                         msg.version());
                co_return;
            }
        }
        auto conn = std::make_shared<AttachConnection>(std::move(stream), *sessions, workers, id,
                                                       options.maxWsMessageBytes);
        auto it = attached.emplace(id, conn);
        co_await conn->run(std::move(msg), offset);
        attached.erase(it);
        co_return;
    }
    WsConnection::Limits limits{options.maxWsMessageBytes, kMaxQueuedWsBytes,
                                options.maxWsSubscriptions, options.wsPingIntervalSec};
    auto conn =
        std::make_shared<WsConnection>(std::move(stream), limits, actions, sessions, workers);
    wsConnections.insert(conn);
    wsCount = wsConnections.size();
    co_await conn->run(std::move(msg));
    wsConnections.erase(conn);
    wsCount = wsConnections.size();
}

HttpServer::HttpServer(net::io_context& loop, net::thread_pool& workers, ServerOptions options,
                       Router router, WsActions actions)
    : impl_(std::make_shared<Impl>(loop, workers, std::move(options), std::move(router),
                                   std::move(actions))) {}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
    if (!impl_->options.tlsCert.empty())
        impl_->tls = std::make_unique<TlsFront>(impl_->options.tlsCert, impl_->options.tlsKey);
    impl_->listenTcp();
    impl_->options.policy.port = impl_->boundPort;
    impl_->gate = std::make_unique<RequestGate>(impl_->options.policy);
    if (!impl_->options.unixSocket.empty()) impl_->listenUnix();
    net::co_spawn(impl_->loop, impl_->acceptLoop(impl_->tcpAcceptor, Transport::Tcp),
                  net::detached);
    if (impl_->unixAcceptor.is_open())
        net::co_spawn(impl_->loop, impl_->acceptLoop(impl_->unixAcceptor, Transport::Unix),
                      net::detached);
}

bool HttpServer::idle() const {
    return impl_->httpStreams.empty() && impl_->wsConnections.empty() && impl_->attached.empty();
}

void HttpServer::notifyTerminalOutput(std::string sessionId, std::string workspaceId,
                                      core::SessionKind kind, std::uint64_t from,
                                      std::uint64_t to) {
    net::post(impl_->loop, [impl = impl_, sid = std::move(sessionId), wid = std::move(workspaceId),
                            kind, from, to]() {
        for (const auto& conn : impl->wsConnections) conn->terminalOutput(sid, wid, kind, from, to);
    });
}

bool HttpServer::hasEventListeners() const {
    return impl_->wsCount > 0;
}

void HttpServer::setSessions(session::SessionService& sessions) {
    impl_->sessions = &sessions;
}

void HttpServer::setPreviewHook(std::shared_ptr<PreviewHook> hook) {
    impl_->preview = std::move(hook);
}

void HttpServer::notifyOutput(std::string sessionId) {
    net::post(impl_->loop, [impl = impl_, id = std::move(sessionId)]() {
        auto [begin, end] = impl->attached.equal_range(id);
        for (auto it = begin; it != end; ++it) it->second->wake();
    });
}

void HttpServer::reloadTls() {
    net::post(impl_->loop, [impl = impl_] {
        if (!impl->tls) return spdlog::info("SIGHUP: no TLS certificate to reload");
        try {
            impl->tls->reload();
            spdlog::info("TLS certificate reloaded from {}", impl->options.tlsCert.string());
        } catch (const std::exception& e) {
            spdlog::error("TLS certificate not reloaded, the old one stays: {}", e.what());
        }
    });
}

const RequestGate& HttpServer::gate() const {
    return *impl_->gate;
}

std::uint16_t HttpServer::port() const {
    return impl_->boundPort;
}

void HttpServer::publish(std::string workspaceId, std::string eventJson) {
    net::post(impl_->loop,
              [impl = impl_, id = std::move(workspaceId), event = std::move(eventJson)]() {
                  for (const auto& conn : impl->wsConnections)
                      if (conn->subscribedTo(id)) conn->send(event);
              });
}

void HttpServer::stop() {
    auto& impl = *impl_;
    impl.stopping = true;
    boost::system::error_code ec;
    impl.tcpAcceptor.close(ec);
    if (impl.unixAcceptor.is_open()) {
        impl.unixAcceptor.close(ec);
        std::filesystem::remove(impl.options.unixSocket, ec);
    }
    for (auto* stream : impl.httpStreams) stream->cancel();
    for (const auto& conn : impl.wsConnections)
        conn->close(websocket::close_code::going_away, "Server shutting down");
    for (const auto& [id, conn] : impl.attached) conn->close();
}

}  // namespace parawork::api
