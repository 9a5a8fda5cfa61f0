#include "ws_viewer.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <boost/json/parse.hpp>

#include "bench_support.hpp"
#include "core/error.hpp"

namespace parawork::bench {
namespace {

constexpr std::size_t kReadBuffer = 256 * 1024;

void writeAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) core::throwErrno("websocket send");
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

/// True when fd is readable within `timeout`.
bool waitReadable(int fd, std::chrono::milliseconds timeout) {
    pollfd p{fd, POLLIN, 0};
    for (;;) {
        int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
        checkInterrupted();
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) core::throwErrno("poll");
        return r > 0;
    }
}

}  // namespace

WsViewer::WsViewer(const std::filesystem::path& socket, const std::string& target,
                   std::chrono::milliseconds timeout) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) core::throwErrno("socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket.c_str(), sizeof addr.sun_path - 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
        int err = errno;
        ::close(fd_);
        core::throwErrno("connect " + socket.string(), err);
    }
    try {
        handshake(target, timeout);
    } catch (...) {
        ::close(fd_);  // no destructor runs for a constructor that throws
        throw;
    }
}

void WsViewer::handshake(const std::string& target, std::chrono::milliseconds timeout) {
    // The key need not be random for a benchmark; the server only echoes its hash.
    std::string request = "GET " + target +
                          " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n";
    writeAll(fd_, request.data(), request.size());
    std::string reply;
    char buffer[4096];
    while (reply.find("\r\n\r\n") == std::string::npos) {
        if (!waitReadable(fd_, timeout)) throw std::runtime_error("websocket handshake timed out");
        ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n <= 0) throw std::runtime_error("websocket handshake: connection closed: " + reply);
        reply.append(buffer, static_cast<std::size_t>(n));
    }
    if (reply.compare(0, 12, "HTTP/1.1 101") != 0)
        throw std::runtime_error("websocket upgrade refused: " + reply.substr(0, reply.find('\r')));
    auto end = reply.find("\r\n\r\n") + 4;
    if (end < reply.size()) feed(reply.data() + end, reply.size() - end);
}

WsViewer::~WsViewer() {
    if (fd_ >= 0) ::close(fd_);
}

WsViewer::WsViewer(WsViewer&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      closed_(other.closed_),
      headerHave_(other.headerHave_),
      inPayload_(other.inPayload_),
      payloadLeft_(other.payloadLeft_),
      frameOpcode_(other.frameOpcode_),
      frameFin_(other.frameFin_),
      messageOpcode_(other.messageOpcode_),
      text_(std::move(other.text_)),
      control_(std::move(other.control_)),
      binaryBytes_(other.binaryBytes_),
      lastBinaryAt_(other.lastBinaryAt_),
      exit_(std::move(other.exit_)),
      truncated_(other.truncated_),
      onText_(std::move(other.onText_)) {
    std::memcpy(header_, other.header_, sizeof header_);
}

bool WsViewer::pump(std::chrono::milliseconds timeout) {
    if (closed_) return false;
    if (!waitReadable(fd_, timeout)) return true;
    // One buffer per thread: W10 has hundreds of viewers, W6 one thread per viewer.
    thread_local std::string buffer(kReadBuffer, '\0');
    ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) {
        closed_ = true;
        return false;
    }
    feed(buffer.data(), static_cast<std::size_t>(n));
    return !closed_;
}

void WsViewer::readToEnd(std::chrono::milliseconds idleTimeout) {
    while (!closed_) {
        if (!waitReadable(fd_, idleTimeout))
            throw std::runtime_error("viewer: no data for " + std::to_string(idleTimeout.count()) +
                                     " ms before the end");
        pump(std::chrono::milliseconds(0));
    }
}

std::uint64_t WsViewer::exitEndOffset() const {
    if (!exit_) return 0;
    return boost::json::parse(*exit_).at("endOffset").to_number<std::uint64_t>();
}

void WsViewer::feed(const char* data, std::size_t size) {
    std::uint64_t binaryBefore = binaryBytes_;
    while (size > 0) {
        if (!inPayload_) {
            header_[headerHave_++] = static_cast<unsigned char>(*data++);
            --size;
            if (headerHave_ < 2) continue;
            unsigned len7 = header_[1] & 0x7f;
            std::size_t need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
            if (header_[1] & 0x80) throw std::runtime_error("server sent a masked frame");
            if (headerHave_ < need) continue;
            std::uint64_t length = len7;
            if (len7 >= 126) {
                length = 0;
                for (std::size_t i = 2; i < need; ++i) length = (length << 8) | header_[i];
            }
            frameFin_ = header_[0] & 0x80;
            frameOpcode_ = header_[0] & 0x0f;
            if (frameOpcode_ == 0x1 || frameOpcode_ == 0x2) messageOpcode_ = frameOpcode_;
            payloadLeft_ = length;
            headerHave_ = 0;
            inPayload_ = true;
            if (payloadLeft_ == 0) frameComplete();
            continue;
        }
        auto take = static_cast<std::size_t>(std::min<std::uint64_t>(size, payloadLeft_));
        if (frameOpcode_ >= 0x8)
            control_.append(data, take);
        else if (messageOpcode_ == 0x2)
            binaryBytes_ += take;
        else
            text_.append(data, take);
        data += take;
        size -= take;
        payloadLeft_ -= take;
        if (payloadLeft_ == 0) frameComplete();
    }
    if (binaryBytes_ != binaryBefore) lastBinaryAt_ = Clock::now();
}

void WsViewer::frameComplete() {
    inPayload_ = false;
    if (frameOpcode_ >= 0x8) {
        std::string payload = std::move(control_);
        control_.clear();
        if (frameOpcode_ == 0x9) {
            sendFrame(0xA, payload);  // pong, or the server's keep-alive drops us
        } else if (frameOpcode_ == 0x8) {
            // Echo the close (RFC 6455 §5.5.1) so the server's close handshake completes.
            closed_ = true;
            try {
                sendFrame(0x8, payload.substr(0, 2));
            } catch (const std::exception&) {
                // The server may have shut the socket already; the close is complete either way.
            }
        }
        return;
    }
    if (!frameFin_) return;
    if (messageOpcode_ == 0x1) {
        if (onText_) onText_(text_);
        if (text_.starts_with(R"({"type":"exit")"))
            exit_ = text_;
        else if (text_.starts_with(R"({"type":"truncated")"))
            ++truncated_;
        text_.clear();
    }
}

void WsViewer::sendFrame(int opcode, std::string_view payload) {
    // Client frames must be masked (RFC 6455 §5.3); a fixed key is enough here.
    static constexpr unsigned char kMask[4] = {0x37, 0xfa, 0x21, 0x3d};
    std::string frame;
    frame.reserve(payload.size() + 14);
    frame.push_back(static_cast<char>(0x80 | opcode));
    if (payload.size() < 126) {
        frame.push_back(static_cast<char>(0x80 | payload.size()));
    } else if (payload.size() <= 0xffff) {
        frame.push_back(static_cast<char>(0x80 | 126));
        frame.push_back(static_cast<char>(payload.size() >> 8));
        frame.push_back(static_cast<char>(payload.size() & 0xff));
    } else {
        frame.push_back(static_cast<char>(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.push_back(static_cast<char>((payload.size() >> shift) & 0xff));
    }
    frame.append(reinterpret_cast<const char*>(kMask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        frame.push_back(static_cast<char>(payload[i] ^ kMask[i % 4]));
    writeAll(fd_, frame.data(), frame.size());
}

}  // namespace parawork::bench
