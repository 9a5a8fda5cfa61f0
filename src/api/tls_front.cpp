#include "api/tls_front.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <array>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/error.hpp"

namespace parawork::api {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using Socket = net::generic::stream_protocol::socket;
using TlsStream = ssl::stream<Socket>;
constexpr auto kAwait = net::as_tuple(net::use_awaitable);
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr std::size_t kChunk = 16 * 1024;  // one TLS record

void checkReadable(const std::filesystem::path& file, std::string_view setting) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        core::throwErrno(std::string(setting) + ": cannot read " + file.string());
    if (!S_ISREG(st.st_mode))
        throw core::Error(std::string(setting) + ": " + file.string() + " is not a file");
}

/// The kernel ends connections to clients that vanished (no FIN): unanswered keep-alive probes
/// after a minute of silence, or data unacknowledged for a minute.
void detectDeadPeers(Socket& socket) {
    int fd = socket.native_handle(), on = 1, idle = 60, interval = 10, count = 3;
    unsigned timeoutMs = 60000;
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeoutMs, sizeof timeoutMs);
}

net::awaitable<void> tlsToPlain(TlsStream& tls, Socket& plain) {
    std::array<char, kChunk> chunk;
    for (;;) {
        auto [rec, n] = co_await tls.async_read_some(net::buffer(chunk), kAwait);
        if (rec) break;  // close_notify, a truncated stream or a reset: the client is done
        auto [wec, w] = co_await net::async_write(plain, net::buffer(chunk.data(), n), kAwait);
        if (wec) break;
    }
    boost::system::error_code ignored;
    plain.shutdown(net::socket_base::shutdown_send, ignored);
}

net::awaitable<void> plainToTls(Socket& plain, TlsStream& tls) {
    std::array<char, kChunk> chunk;
    for (;;) {
        auto [rec, n] = co_await plain.async_read_some(net::buffer(chunk), kAwait);
        if (rec) break;  // the server closed the connection
        auto [wec, w] = co_await net::async_write(tls, net::buffer(chunk.data(), n), kAwait);
        if (wec) break;
    }
    // The server is done with this connection: no close_notify exchange (it would wait on the
    // client); closing ends the other direction's read as well.
    boost::system::error_code ignored;
    tls.next_layer().shutdown(net::socket_base::shutdown_both, ignored);
    tls.next_layer().close(ignored);
}

/// A server context for the files, or core::Error saying what is wrong with them.
std::shared_ptr<ssl::context> makeContext(const std::filesystem::path& certFile,
                                          const std::filesystem::path& keyFile) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    checkReadable(certFile, "server.tls_cert");
    checkReadable(keyFile, "server.tls_key");
    struct stat st {};
    if (::stat(keyFile.c_str(), &st) == 0 && (st.st_mode & S_IROTH))
        throw core::Error("server.tls_key: " + keyFile.string() +
                          " is readable by every user; make it private (chmod 600 " +
                          keyFile.string() + ")");
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
    ::SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    context->use_certificate_chain_file(certFile.string(), ec);
    if (ec)
        throw core::Error("server.tls_cert: " + certFile.string() +
                          " is not a PEM certificate chain (" + ec.message() + ")");
    context->use_private_key_file(keyFile.string(), ssl::context::pem, ec);
    if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH)
        throw core::Error("server.tls_key: " + keyFile.string() +
                          " is not the key of the certificate in " + certFile.string());
    if (ec)
        throw core::Error("server.tls_key: " + keyFile.string() + " is not a PEM private key (" +
                          ec.message() + ")");
    if (::SSL_CTX_check_private_key(context->native_handle()) != 1)
        throw core::Error("server.tls_key: " + keyFile.string() +
                          " is not the key of the certificate in " + certFile.string());
    return context;
}

const std::string& plainHttpAnswer() {
    static const std::string body =
        "This port speaks HTTPS: open the same address with https://.\n";
    static const std::string answer =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Connection: close\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    return answer;
}

/// Answers a client that speaks plain HTTP to the TLS port (as nginx does), then closes.
net::awaitable<void> refusePlainHttp(Socket& client) {
    co_await net::async_write(client, net::buffer(plainHttpAnswer()), kAwait);
    boost::system::error_code ignored;
    client.shutdown(net::socket_base::shutdown_both, ignored);
}

}  // namespace

TlsFront::TlsFront(const std::filesystem::path& certFile, const std::filesystem::path& keyFile)
    : certFile_(certFile),
      keyFile_(keyFile),
      context_(makeContext(certFile, keyFile)),
      handshaking_(std::make_shared<std::map<std::string, int>>()) {}

TlsFront::~TlsFront() = default;

void TlsFront::reload() {
    context_ = makeContext(certFile_, keyFile_);
}

net::awaitable<void> TlsFront::relay(Socket client, Socket plain, std::string clientAddress) {
    using namespace net::experimental::awaitable_operators;
    auto counts = handshaking_;
    if ((*counts)[clientAddress] >= kMaxHandshakesPerClient) {
        spdlog::warn("{}: too many TLS handshakes in progress, connection closed", clientAddress);
        boost::system::error_code ignored;
        client.close(ignored);
        plain.close(ignored);
        co_return;
    }
    ++(*counts)[clientAddress];
    struct Counted {  // until the handshake is over, however the coroutine ends
        std::shared_ptr<std::map<std::string, int>> counts;
        std::string address;
        bool done = false;
        void finish() {
            if (done) return;
            done = true;
            if (--(*counts)[address] == 0) counts->erase(address);
        }
        ~Counted() { finish(); }
    } counted{counts, clientAddress};
    auto context = context_;  // the stream below needs it for its whole life
    detectDeadPeers(client);
    TlsStream tls(std::move(client), *context);
    // A client that connects and says nothing must not hold the connection forever.
    net::steady_timer deadline(co_await net::this_coro::executor);
    deadline.expires_after(kHandshakeTimeout);
    deadline.async_wait([&tls](boost::system::error_code ec) {
        if (ec) return;  // cancelled: the handshake finished first (tls may be gone already)
        boost::system::error_code ignored;
        tls.next_layer().close(ignored);
    });
    // A TLS connection starts with a handshake record (0x16); anything else is plain HTTP.
    // (Waiting for readability, then peeking without the reactor: an asynchronous peek that
    // sees the end of the stream leaves Asio's edge-triggered reactor with nothing to wake the
    // handshake's read, which would then never end.)
    std::array<unsigned char, 1> first{};
    auto [waitError] = co_await tls.next_layer().async_wait(Socket::wait_read, kAwait);
    boost::system::error_code peekError = waitError;
    std::size_t peeked = 0;
    if (!peekError)
        peeked =
            tls.next_layer().receive(net::buffer(first), net::socket_base::message_peek, peekError);
    if (!peekError && peeked == 1 && first[0] != 0x16) {
        co_await refusePlainHttp(tls.next_layer());
        deadline.cancel();
        boost::system::error_code ignored;
        plain.close(ignored);
        co_return;
    }
    auto [ec] = co_await tls.async_handshake(ssl::stream_base::server, kAwait);
    deadline.cancel();
    counted.finish();
    if (ec) {
        spdlog::debug("TLS handshake failed: {}", ec.message());
        boost::system::error_code ignored;
        plain.close(ignored);
        co_return;
    }
    co_await (tlsToPlain(tls, plain) && plainToTls(plain, tls));
}

}  // namespace parawork::api
