#include "api/http_client.hpp"

#include <future>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "api/connection.hpp"

namespace parawork::api {
namespace {

constexpr auto kAwait = net::as_tuple(net::use_awaitable);

/// Runs a coroutine to completion on a private io_context; exceptions propagate. Runs only until
/// the coroutine is done: a WebSocket read left pending by WsClient::read stays pending.
template <class T>
T runSync(net::io_context& ioc, net::awaitable<T> work) {
    auto future = net::co_spawn(ioc, std::move(work), net::use_future);
    ioc.restart();
    while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
        if (ioc.run_one() == 0) break;  // out of work: the future holds the outcome
    return future.get();
}

net::awaitable<void> connectStream(Stream& stream, const Endpoint& endpoint,
                                   std::chrono::milliseconds timeout) {
    stream.expires_after(timeout);
    boost::system::error_code ec;
    std::string where;
    if (!endpoint.unixSocket.empty()) {
        where = endpoint.unixSocket.string();
        net::generic::stream_protocol::endpoint ep(
            net::local::stream_protocol::endpoint(endpoint.unixSocket.string()));
        std::tie(ec) = co_await stream.async_connect(ep, kAwait);
    } else {
        where = endpoint.host + ":" + std::to_string(endpoint.port);
        boost::system::error_code parseError;
        auto address = net::ip::make_address(endpoint.host, parseError);
        if (parseError) throw ConnectError("not an IP address: " + endpoint.host);
        net::generic::stream_protocol::endpoint ep(net::ip::tcp::endpoint(address, endpoint.port));
        std::tie(ec) = co_await stream.async_connect(ep, kAwait);
    }
    if (ec) throw ConnectError("cannot connect to " + where + ": " + ec.message());
}

http::request<http::string_body> makeRequest(const std::string& method, const std::string& target,
                                             const Headers& headers, const std::string& body,
                                             const Endpoint& endpoint) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    if (req.method() == http::verb::unknown) req.method_string(method);
    req.set(http::field::host, endpoint.unixSocket.empty()
                                   ? endpoint.host + ":" + std::to_string(endpoint.port)
                                   : std::string("localhost"));
    req.set(http::field::user_agent, "parawork");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
        req.prepare_payload();
    return req;
}

HttpReply toReply(http::response<http::string_body>&& res) {
    HttpReply reply;
    reply.status = res.result_int();
    for (const auto& field : res) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        reply.headers[name] = std::string(field.value());
    }
    reply.body = std::move(res.body());
    return reply;
}

}  // namespace

std::string HttpReply::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Impl {
    Endpoint endpoint;
    std::chrono::milliseconds timeout;
    net::io_context ioc;
    std::optional<Stream> stream;
    beast::flat_buffer buffer;

    /// Reads the reply with `reader` given its body as it arrives; the reply keeps none of it.
    net::awaitable<boost::system::error_code> readStreaming(
        http::response_parser<http::string_body>& parser, const BodyReader& reader) {
        auto [headError, h] = co_await http::async_read_header(*stream, buffer, parser, kAwait);
        if (headError) co_return headError;
        HttpReply head = toReply(http::response<http::string_body>(parser.get()));
        auto& body = parser.get().body();
        while (!parser.is_done()) {
            stream->expires_after(timeout);
            auto [ec, n] = co_await http::async_read_some(*stream, buffer, parser, kAwait);
            if (ec) co_return ec;
            if (!body.empty()) reader(head, body);
            body.clear();
        }
        co_return boost::system::error_code{};
    }

    net::awaitable<HttpReply> exchange(http::request<http::string_body> req,
                                       const BodyReader* reader = nullptr) {
        for (int attempt = 0;; ++attempt) {
            bool fresh = !stream;
            if (fresh) {
                stream.emplace(ioc);
                buffer.clear();
                co_await connectStream(*stream, endpoint, timeout);
            }
            stream->expires_after(timeout);
            auto [writeError, w] = co_await http::async_write(*stream, req, kAwait);
            http::response_parser<http::string_body> parser;
            parser.body_limit(1u << 30);
            boost::system::error_code readError;
            if (!writeError || writeError == net::error::broken_pipe ||
                writeError == net::error::connection_reset) {
                // A server that refuses a request early may answer before reading all of it.
                if (reader) {
                    readError = co_await readStreaming(parser, *reader);
                } else {
                    std::size_t n = 0;
                    std::tie(readError, n) =
                        co_await http::async_read(*stream, buffer, parser, kAwait);
                }
            }
            if (!readError && parser.is_done()) {
                auto res = parser.release();
                if (!res.keep_alive()) stream.reset();
                co_return toReply(std::move(res));
            }
            stream.reset();
            // A kept-alive connection the server closed meanwhile: retry once on a new one.
            if (fresh || attempt > 0) {
                std::string what = "no answer to " + std::string(req.method_string()) + " " +
                                   std::string(req.target()) + ": " +
                                   (readError ? readError : writeError).message();
                if (!writeError) throw AnswerLostError(what);
                throw ConnectError(what);
            }
        }
    }
};

HttpClient::HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
    impl_->endpoint = std::move(endpoint);
    impl_->timeout = timeout;
}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;

HttpReply HttpClient::request(const std::string& method, const std::string& target,
                              const Headers& headers, const std::string& body) {
    auto req = makeRequest(method, target, headers, body, impl_->endpoint);
    return runSync(impl_->ioc, impl_->exchange(std::move(req)));
}

HttpReply HttpClient::request(const std::string& method, const std::string& target,
                              const Headers& headers, const std::string& body,
                              const BodyReader& reader) {
    auto req = makeRequest(method, target, headers, body, impl_->endpoint);
    return runSync(impl_->ioc, impl_->exchange(std::move(req), &reader));
}

struct WsClient::Impl {
    net::io_context ioc;
    std::optional<websocket::stream<Stream>> ws;
    beast::flat_buffer buffer;
    std::optional<int> closeCode;
    // A read that timed out stays pending (cancelling it would fail the Beast stream); the next
    // read() goes on waiting for it.
    bool reading = false;
    std::optional<boost::system::error_code> readResult;

    void startRead() {
        buffer.clear();
        readResult.reset();
        reading = true;
        ws->async_read(buffer,
                       [this](boost::system::error_code ec, std::size_t) { readResult = ec; });
    }
    ~Impl() {
        if (!ws || !reading) return;
        // Let the pending read finish (aborted) while the buffer it fills still exists.
        boost::system::error_code ignored;
        beast::get_lowest_layer(*ws).socket().close(ignored);
        ioc.restart();
        ioc.poll();
    }
};

WsClient::WsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WsClient::~WsClient() = default;
WsClient::WsClient(WsClient&&) noexcept = default;

WsClient WsClient::connect(const Endpoint& endpoint, const std::string& target,
                           const Headers& headers, std::chrono::milliseconds timeout) {
    auto impl = std::make_unique<Impl>();
    auto* p = impl.get();
    runSync(p->ioc, [&]() -> net::awaitable<void> {
        Stream stream(p->ioc);
        co_await connectStream(stream, endpoint, timeout);
        p->ws.emplace(std::move(stream));
        p->ws->set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
            for (const auto& [name, value] : headers) req.set(name, value);
        }));
        std::string host = endpoint.unixSocket.empty()
                               ? endpoint.host + ":" + std::to_string(endpoint.port)
                               : std::string("localhost");
        for (const auto& [name, value] : headers)
            if (beast::iequals(name, "host")) host = value;
        websocket::response_type res;
        auto [ec] = co_await p->ws->async_handshake(res, host, target, kAwait);
        if (ec == websocket::error::upgrade_declined) throw WsRefused(res.result_int(), res.body());
        if (ec) throw ConnectError("WebSocket handshake failed: " + ec.message());
        beast::get_lowest_layer(*p->ws).expires_never();
    }());
    return WsClient(std::move(impl));
}

void WsClient::sendText(const std::string& text) {
    runSync(impl_->ioc, [&]() -> net::awaitable<void> {
        impl_->ws->text(true);
        auto [ec, n] = co_await impl_->ws->async_write(net::buffer(text), kAwait);
        if (ec) throw ConnectError("WebSocket write failed: " + ec.message());
    }());
}

void WsClient::sendBinary(const std::string& bytes) {
    runSync(impl_->ioc, [&]() -> net::awaitable<void> {
        impl_->ws->binary(true);
        auto [ec, n] = co_await impl_->ws->async_write(net::buffer(bytes), kAwait);
        if (ec) throw ConnectError("WebSocket write failed: " + ec.message());
    }());
}

std::optional<std::string> WsClient::read(std::chrono::milliseconds timeout) {
    auto& p = *impl_;
    if (!p.reading) p.startRead();
    auto deadline = std::chrono::steady_clock::now() + timeout;
    p.ioc.restart();
    p.ioc.poll();  // what is already buffered or readable, even with a zero timeout
    while (!p.readResult && p.ioc.run_one_until(deadline) > 0) {
    }
    if (!p.readResult) return std::nullopt;
    p.reading = false;
    if (auto ec = *p.readResult) {
        if (p.ws->reason().code != websocket::close_code::none)
            p.closeCode = static_cast<int>(p.ws->reason().code);
        throw ConnectError("WebSocket closed: " + ec.message());
    }
    return beast::buffers_to_string(p.buffer.data());
}

bool WsClient::gotText() const {
    return impl_->ws->got_text();
}

int WsClient::nativeHandle() const {
    return beast::get_lowest_layer(*impl_->ws).socket().native_handle();
}

std::optional<int> WsClient::closeCode() const {
    return impl_->closeCode;
}

void WsClient::close() {
    runSync(impl_->ioc, [&]() -> net::awaitable<void> {
        co_await impl_->ws->async_close(websocket::close_code::normal, kAwait);
    }());
}

}  // namespace parawork::api
