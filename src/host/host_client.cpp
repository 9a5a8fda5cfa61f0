// The blocking host client (see host_client.hpp).
#include "host/host_client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "core/error.hpp"
#include "host/session_dir.hpp"
#include "host/unix_socket.hpp"

namespace parawork::host {

HostClient::HostClient(core::UniqueFd fd, Millis timeout) : fd_(std::move(fd)), timeout_(timeout) {}

HostClient HostClient::open(const std::filesystem::path& sessionDir, Millis timeout) {
    HostClient client(connectUnix(SessionPaths{sessionDir}.socket(), timeout), timeout);
    client.sendFrame(MessageType::Hello, encodeHello());
    return client;
}

void HostClient::awaitWelcome() {
    Frame reply = awaitReply();
    if (static_cast<MessageType>(reply.type) != MessageType::Welcome)
        throw core::Error("host: unexpected answer to HELLO");
    welcome_ = decodeWelcome(reply.payload);
}

HostClient HostClient::connect(const std::filesystem::path& sessionDir, Millis timeout) {
    HostClient client = open(sessionDir, timeout);
    client.awaitWelcome();
    return client;
}

HostClient::ControlAndWatch HostClient::connectControlAndWatch(
    const std::filesystem::path& sessionDir, Millis timeout) {
    ControlAndWatch both{open(sessionDir, timeout), open(sessionDir, timeout)};
    both.watch.sendFrame(MessageType::Watch, {});  // the host answers a client's frames in order
    both.control.awaitWelcome();
    both.watch.awaitWelcome();
    both.watch.awaitReply();
    return both;
}

void HostClient::sendFrame(MessageType type, std::string_view payload) {
    std::string frame = encodeFrame(type, payload);
    std::string_view rest(frame);
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    while (!rest.empty()) {
        ssize_t n = ::send(fd_.get(), rest.data(), rest.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) {
            rest.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) core::throwErrno("host: send");
        // The host reads everything it is sent; a full socket means it is busy: wait, bounded.
        auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        pollfd pfd{fd_.get(), POLLOUT, 0};
        if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) == 0)
            throw core::Error("host: send timed out");
    }
}

std::optional<Frame> HostClient::readFrame(std::chrono::steady_clock::time_point deadline) {
    while (true) {
        if (auto frame = reader_.next()) return frame;
        auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        pollfd pfd{fd_.get(), POLLIN, 0};
        int ready = ::poll(&pfd, 1, static_cast<int>(std::max<Millis::rep>(left.count(), 0)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) core::throwErrno("host: poll");
        if (ready == 0) return {};
        char buffer[64 * 1024];
        ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) core::throwErrno("host: receive");
        if (n == 0) throw core::Error("host: connection closed");
        reader_.append(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
}

bool HostClient::queueEvent(const Frame& frame) {
    HostEvent event;
    switch (static_cast<MessageType>(frame.type)) {
        case MessageType::OutputAvailable:
            event.endOffset = decodeOffset(frame.payload);
            // Coalesce: only the newest end offset matters.
            if (!events_.empty() && events_.back().kind == HostEvent::Kind::OutputAvailable) {
                events_.back().endOffset = event.endOffset;
                return true;
            }
            break;
        case MessageType::Exited:
            event.kind = HostEvent::Kind::Exited;
            event.exit = decodeExitRecord(frame.payload);
            break;
        default:
            return false;
    }
    events_.push_back(event);
    return true;
}

Frame HostClient::awaitReply() {
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    while (true) {
        auto frame = readFrame(deadline);
        if (!frame)
            throw core::Error("host: no reply within " + std::to_string(timeout_.count()) + " ms");
        if (queueEvent(*frame)) continue;
        if (static_cast<MessageType>(frame->type) == MessageType::Error)
            throw core::Error("host: " + frame->payload);
        return std::move(*frame);
    }
}

void HostClient::input(std::string_view bytes) {
    do {
        std::string_view piece = bytes.substr(0, kMaxRequestPayload);
        bytes.remove_prefix(piece.size());
        sendFrame(MessageType::Input, piece);
        awaitReply();
    } while (!bytes.empty());
}

void HostClient::resize(std::uint16_t cols, std::uint16_t rows) {
    sendFrame(MessageType::Resize, encodeResize({cols, rows}));
    awaitReply();
}

void HostClient::signal(int signo, SignalTarget target) {
    sendFrame(MessageType::Signal, encodeSignal({signo, target}));
    awaitReply();
}

SnapshotReply HostClient::snapshot() {
    sendFrame(MessageType::Snapshot, {});
    Frame reply = awaitReply();
    if (static_cast<MessageType>(reply.type) != MessageType::SnapshotReply)
        throw core::Error("host: unexpected answer to SNAPSHOT");
    return decodeSnapshotReply(reply.payload);
}

ScreenText HostClient::screenText() {
    sendFrame(MessageType::ScreenText, {});
    Frame reply;
    try {
        reply = awaitReply();
    } catch (const core::Error& e) {
        // What a host answers to a request type it does not know (host_requests.cpp); it stays
        // connected, so the connection remains usable.
        if (std::string_view(e.what()).find("unknown request type") == std::string_view::npos)
            throw;
        throw UnsupportedRequest(
            "this session's host is older than the daemon and cannot show its screen as text; "
            "a session started from now on can");
    }
    if (static_cast<MessageType>(reply.type) != MessageType::ScreenTextReply)
        throw core::Error("host: unexpected answer to SCREEN_TEXT");
    return decodeScreenText(reply.payload);
}

HostStatus HostClient::status() {
    sendFrame(MessageType::Status, {});
    Frame reply = awaitReply();
    if (static_cast<MessageType>(reply.type) != MessageType::StatusReply)
        throw core::Error("host: unexpected answer to STATUS");
    return decodeStatus(reply.payload);
}

void HostClient::watch() {
    sendFrame(MessageType::Watch, {});
    awaitReply();
}

std::optional<HostEvent> HostClient::readEvent(Millis timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (events_.empty()) {
        auto frame = readFrame(deadline);
        if (!frame) return {};
        if (!queueEvent(*frame))
            throw core::Error("host: unexpected reply while waiting for events");
    }
    HostEvent event = events_.front();
    events_.pop_front();
    return event;
}

}  // namespace parawork::host
