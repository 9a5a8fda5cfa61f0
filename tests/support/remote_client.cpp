#include "remote_client.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "support/daemon_process.hpp"

namespace parawork::test {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

/// A connected TCP socket, made in `netns` when given (a thread joins the namespace: only
/// that thread moves, and a socket keeps the namespace it was made in).
int connectFrom(const RemoteTarget& target, std::chrono::milliseconds timeout) {
    int fd = -1;
    std::string error;
    auto work = [&] {
        if (!target.netns.empty()) {
            int ns = ::open(("/var/run/netns/" + target.netns).c_str(), O_RDONLY | O_CLOEXEC);
            if (ns < 0 || ::setns(ns, CLONE_NEWNET) != 0) {
                error = "cannot join network namespace " + target.netns;
                if (ns >= 0) ::close(ns);
                return;
            }
            ::close(ns);
        }
        net::io_context io;
        tcp::socket socket(io);
        boost::system::error_code ec;
        socket.connect(tcp::endpoint(net::ip::make_address(target.address), target.port), ec);
        if (ec) {
            error = "cannot connect to " + target.address + ":" + std::to_string(target.port) +
                    ": " + ec.message();
            return;
        }
        fd = socket.release();
    };
    std::thread(work).join();
    if (fd < 0) throw api::ConnectError(error);
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

ssl::context clientContext(const RemoteTarget& target) {
    ssl::context context(ssl::context::tls_client);
    context.load_verify_file(target.caFile.string());
    context.set_verify_mode(ssl::verify_peer);
    return context;
}

template <class Stream>
api::HttpReply exchange(Stream& stream, const RemoteTarget& target, const std::string& method,
                        const std::string& path, const api::Headers& headers,
                        const std::string& body) {
    http::request<http::string_body> req{http::string_to_verb(method), path, 11};
    req.set(http::field::host, target.address + ":" + std::to_string(target.port));
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty()) {
        req.body() = body;
        if (req[http::field::content_type].empty())
            req.set(http::field::content_type, "application/json");
    }
    req.keep_alive(false);
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    if (method == "HEAD") parser.skip(true);
    boost::system::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec && !(ec == http::error::end_of_stream && parser.is_header_done()))
        throw api::ConnectError("no answer: " + ec.message());
    api::HttpReply reply;
    auto& res = parser.get();
    reply.status = res.result_int();
    for (const auto& field : res) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto [it, inserted] = reply.headers.emplace(name, std::string(field.value()));
        if (!inserted) it->second += "\n" + std::string(field.value());
    }
    reply.body = res.body();
    return reply;
}

}  // namespace

api::HttpReply remoteRequest(const RemoteTarget& target, const std::string& method,
                             const std::string& path, const api::Headers& headers,
                             const std::string& body) {
    net::io_context io;
    tcp::socket socket(io, tcp::v4(), connectFrom(target, std::chrono::seconds(20)));
    if (!target.tls) return exchange(socket, target, method, path, headers, body);
    auto context = clientContext(target);
    ssl::stream<tcp::socket> tls(std::move(socket), context);
    tls.set_verify_callback(ssl::host_name_verification(target.serverName));
    ::SSL_set_tlsext_host_name(tls.native_handle(), target.serverName.c_str());
    boost::system::error_code ec;
    tls.handshake(ssl::stream_base::client, ec);
    if (ec) throw api::ConnectError("TLS handshake failed: " + ec.message());
    return exchange(tls, target, method, path, headers, body);
}

int silentConnection(const RemoteTarget& target) {
    return connectFrom(target, std::chrono::seconds(20));
}

struct RemoteWebSocket::Impl {
    net::io_context io;
    std::optional<ssl::context> context;
    std::optional<websocket::stream<ssl::stream<tcp::socket>>> tls;
    std::optional<websocket::stream<tcp::socket>> plain;
    int fd = -1;

    /// Calls f with whichever stream this connection has.
    template <class F>
    void withStream(F&& f) {
        if (tls)
            f(*tls);
        else
            f(*plain);
    }
};

RemoteWebSocket::RemoteWebSocket(const RemoteTarget& target, const std::string& path,
                                 const api::Headers& headers)
    : impl_(std::make_unique<Impl>()) {
    impl_->fd = connectFrom(target, std::chrono::seconds(20));
    tcp::socket socket(impl_->io, tcp::v4(), impl_->fd);
    auto decorate = [&](websocket::request_type& req) {
        for (const auto& [name, value] : headers) req.set(name, value);
    };
    std::string host = target.address + ":" + std::to_string(target.port);
    for (const auto& [name, value] : headers)
        if (beast::iequals(name, "host")) host = value;
    websocket::response_type res;
    boost::system::error_code ec;
    if (target.tls) {
        impl_->context.emplace(clientContext(target));
        impl_->tls.emplace(std::move(socket), *impl_->context);
        auto& layer = impl_->tls->next_layer();
        layer.set_verify_callback(ssl::host_name_verification(target.serverName));
        ::SSL_set_tlsext_host_name(layer.native_handle(), target.serverName.c_str());
        layer.handshake(ssl::stream_base::client, ec);
        if (ec) throw api::ConnectError("TLS handshake failed: " + ec.message());
        impl_->tls->set_option(websocket::stream_base::decorator(decorate));
        impl_->tls->handshake(res, host, path, ec);
    } else {
        impl_->plain.emplace(std::move(socket));
        impl_->plain->set_option(websocket::stream_base::decorator(decorate));
        impl_->plain->handshake(res, host, path, ec);
    }
    if (ec) throw api::WsRefused(res.result_int(), res.body());
}

RemoteWebSocket::~RemoteWebSocket() = default;

void RemoteWebSocket::sendText(const std::string& text) {
    impl_->withStream([&](auto& ws) {
        ws.text(true);
        ws.write(net::buffer(text));
    });
}

void RemoteWebSocket::sendBinary(const std::string& bytes) {
    impl_->withStream([&](auto& ws) {
        ws.binary(true);
        ws.write(net::buffer(bytes));
    });
}

std::optional<std::string> RemoteWebSocket::read(std::chrono::milliseconds timeout) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(impl_->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    impl_->withStream([&](auto& ws) { ws.read(buffer, ec); });
    if (ec) return std::nullopt;
    return beast::buffers_to_string(buffer.data());
}

namespace {

/// A program's path: runProcess does not search PATH, and iproute2's `ip` lives in an sbin
/// directory that a test's PATH may not have. Empty when it is not installed.
std::string programPath(const std::string& name) {
    for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"})
        if (auto path = std::string(dir) + "/" + name; ::access(path.c_str(), X_OK) == 0)
            return path;
    return {};
}

}  // namespace

std::optional<NetworkNamespace> NetworkNamespace::create(std::string& why) {
    NetworkNamespace ns;
    auto ip = programPath("ip");
    if (ip.empty()) {
        why = "iproute2's ip command is not installed";
        return std::nullopt;
    }
    static int made = 0;  // each namespace of this process gets its own names and /30
    int slot = (::getpid() * 8 + made++) % 16000;
    std::string suffix = std::to_string(::getpid()) + "x" + std::to_string(made);
    ns.name_ = "pwtest" + suffix;
    auto address = [&](int last) {
        int base = slot * 4 + last;
        return "10.213." + std::to_string(base / 256) + "." + std::to_string(base % 256);
    };
    ns.hostAddress_ = address(1);
    ns.peerAddress_ = address(2);
    std::string outside = "pwh" + suffix, inside = "pwn" + suffix;  // at most 15 characters
    const std::vector<std::vector<std::string>> steps = {
        {ip, "netns", "add", ns.name_},
        {ip, "link", "add", outside, "type", "veth", "peer", "name", inside},
        {ip, "link", "set", inside, "netns", ns.name_},
        {ip, "addr", "add", ns.hostAddress_ + "/30", "dev", outside},
        {ip, "link", "set", outside, "up"},
        {ip, "-n", ns.name_, "addr", "add", ns.peerAddress_ + "/30", "dev", inside},
        {ip, "-n", ns.name_, "link", "set", inside, "up"},
        {ip, "-n", ns.name_, "link", "set", "lo", "up"},
    };
    for (const auto& step : steps) {
        auto result = runProcess(step);
        if (result.exitCode != 0) {
            why = "`ip " + step[1] + " " + step[2] + "` failed: " + result.err;
            runProcess({ip, "link", "del", outside});
            runProcess({ip, "netns", "del", ns.name_});
            return std::nullopt;
        }
    }
    return ns;
}

NetworkNamespace::NetworkNamespace(NetworkNamespace&& other) noexcept
    : name_(std::move(other.name_)),
      hostAddress_(std::move(other.hostAddress_)),
      peerAddress_(std::move(other.peerAddress_)) {
    other.name_.clear();
}

NetworkNamespace::~NetworkNamespace() {
    if (name_.empty()) return;
    runProcess({programPath("ip"), "netns", "del", name_});  // takes the veth pair with it
}

void makeTestCertificate(const std::filesystem::path& dir, const std::vector<std::string>& dnsNames,
                         const std::vector<std::string>& ipAddresses) {
    std::string names;
    for (const auto& n : dnsNames) names += (names.empty() ? "" : ",") + std::string("DNS:") + n;
    for (const auto& ip : ipAddresses)
        names += (names.empty() ? "" : ",") + std::string("IP:") + ip;
    auto result = runProcess({programPath("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt",
                              "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
                              "/CN=parawork test", "-addext", "subjectAltName=" + names, "-keyout",
                              (dir / "key.pem").string(), "-out", (dir / "cert.pem").string()});
    if (result.exitCode != 0) throw core::Error("openssl req failed: " + result.err);
    std::filesystem::permissions(
        dir / "key.pem", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace parawork::test
