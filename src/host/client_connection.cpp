// A non-blocking, bounded client connection (see client_connection.hpp).
#include "host/client_connection.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace parawork::host {
namespace {

/// Bytes read from one client per loop iteration, so one chatty client cannot starve the PTY.
constexpr std::size_t kReadPerIteration = 256 * 1024;

}  // namespace

void ClientConnection::readFrames(std::vector<Frame>& frames) {
    char buffer[64 * 1024];
    std::size_t total = 0;
    while (!closed_ && total < kReadPerIteration) {
        ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) closed_ = true;
            break;
        }
        if (n == 0) {
            closed_ = true;
            break;
        }
        total += static_cast<std::size_t>(n);
        reader_.append(std::string_view(buffer, static_cast<std::size_t>(n)));
        try {
            while (auto frame = reader_.next()) frames.push_back(std::move(*frame));
        } catch (const ProtocolError&) {
            closed_ = true;  // oversize or garbage: no way to resynchronise a byte stream
        }
    }
}

void ClientConnection::send(MessageType type, std::string_view payload) {
    if (closed_) return;
    if (out_.size() - sent_ + kFrameHeaderBytes + payload.size() > kMaxClientBacklog) {
        closed_ = true;
        return;
    }
    if (sent_ > 0 && sent_ == out_.size()) {
        out_.clear();
        sent_ = 0;
    }
    appendFrame(out_, type, payload);
}

void ClientConnection::sendOutputAvailable(std::uint64_t endOffset) {
    notifyPending_ = false;
    send(MessageType::OutputAvailable, encodeOffset(endOffset));
}

void ClientConnection::flush(std::uint64_t endOffset) {
    if (closed_) return;
    if (notifyPending_ && sent_ == out_.size()) sendOutputAvailable(endOffset);
    while (sent_ < out_.size()) {
        ssize_t n = ::send(fd_.get(), out_.data() + sent_, out_.size() - sent_,
                           MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) closed_ = true;
            break;
        }
        sent_ += static_cast<std::size_t>(n);
    }
    if (sent_ == out_.size()) {
        out_.clear();
        if (out_.capacity() > 64 * 1024) out_.shrink_to_fit();  // a snapshot's buffer
        sent_ = 0;
        if (closeAfterFlush_) closed_ = true;
    }
}

}  // namespace parawork::host
