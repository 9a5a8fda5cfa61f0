// The host socket's side of the session host: accepting clients and answering their requests
// (docs/host-protocol.md). Every request gets exactly one reply; nothing here blocks.
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "host/session_host.hpp"

namespace parawork::host {
namespace {

void refuse(int fd, std::string_view message) {
    std::string frame = encodeFrame(MessageType::Error, message);
    (void)!::send(fd, frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/// Only our own user may talk to us (the 0600 socket in a 0700 directory says the same; this
/// also holds if someone loosens those permissions).
bool peerIsUs(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    return ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == ::geteuid();
}

std::string hexByte(std::uint8_t v) {
    const char* digits = "0123456789abcdef";
    return std::string("0x") + digits[v >> 4] + digits[v & 15];
}

}  // namespace

void SessionHost::acceptClients() {
    while (true) {
        core::UniqueFd fd(
            ::accept4(listenFd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) return;  // EAGAIN, or a connection that died in the backlog: nothing to do
        if (!peerIsUs(fd.get())) continue;
        if (clients_.size() >= kMaxClients) {
            refuse(fd.get(), "too many clients (limit " + std::to_string(kMaxClients) + ")");
            continue;
        }
        clients_.emplace_back(std::move(fd));
    }
}

void SessionHost::serviceClient(ClientConnection& client) {
    std::vector<Frame> frames;
    client.readFrames(frames);
    for (const Frame& frame : frames) {
        if (client.closing()) break;
        try {
            handleFrame(client, frame);
        } catch (const ProtocolError& e) {
            client.send(MessageType::Error, std::string("malformed request: ") + e.what());
            client.closeAfterFlush();
        }
    }
}

void SessionHost::handleFrame(ClientConnection& client, const Frame& frame) {
    auto type = static_cast<MessageType>(frame.type);
    if (!client.greeted()) return handleHello(client, frame);
    switch (type) {
        case MessageType::Input:
            return handleInput(client, frame.payload);
        case MessageType::Resize:
            return handleResize(client, frame.payload);
        case MessageType::Signal:
            return handleSignal(client, frame.payload);
        case MessageType::Snapshot:
            return handleSnapshot(client);
        case MessageType::ScreenText:
            return handleScreenText(client);
        case MessageType::Status:
            return client.send(MessageType::StatusReply, encodeStatus(status()));
        case MessageType::Watch:
            return handleWatch(client);
        default:
            // A newer client's request: refuse it and carry on (adding a type is compatible).
            client.send(MessageType::Error, "unknown request type " + hexByte(frame.type));
    }
}

void SessionHost::handleHello(ClientConnection& client, const Frame& frame) {
    if (static_cast<MessageType>(frame.type) != MessageType::Hello) {
        client.send(MessageType::Error, "the first message must be HELLO");
        return client.closeAfterFlush();
    }
    std::uint16_t version = decodeHello(frame.payload);
    if (version != kProtocolVersion) {
        client.send(MessageType::Error, "unsupported protocol version " + std::to_string(version) +
                                            " (this host speaks " +
                                            std::to_string(kProtocolVersion) + ")");
        return client.closeAfterFlush();
    }
    client.markGreeted();
    Welcome welcome{kProtocolVersion, static_cast<std::uint32_t>(::getpid()),
                    static_cast<std::uint32_t>(child_.pid)};
    client.send(MessageType::Welcome, encodeWelcome(welcome));
}

void SessionHost::handleInput(ClientConnection& client, std::string_view bytes) {
    if (phase_ != Phase::Running || !masterOpen_)
        return client.send(MessageType::Error, "the command has exited");
    if (pendingInput_.size() - pendingInputPos_ + bytes.size() > kMaxPendingInput)
        return client.send(MessageType::Error,
                           "input buffer full: the command is not reading its input");
    if (pendingInputPos_ > 0) {  // compact before growing, so the buffer stays bounded
        pendingInput_.erase(0, pendingInputPos_);
        pendingInputPos_ = 0;
    }
    pendingInput_.append(bytes);
    writePendingInput();
    client.send(MessageType::Ok, {});
}

void SessionHost::handleResize(ClientConnection& client, std::string_view payload) {
    WindowSize requested = decodeResize(payload);
    config_.size = clampWindowSize(requested.cols, requested.rows);
    if (masterOpen_) {
        winsize ws{};
        ws.ws_col = config_.size.cols;
        ws.ws_row = config_.size.rows;
        // The kernel sends SIGWINCH to the foreground process group.
        (void)::ioctl(child_.master.get(), TIOCSWINSZ, &ws);
    }
    tracker_.resize(config_.size.cols, config_.size.rows);
    client.send(MessageType::Ok, {});
}

void SessionHost::handleSignal(ClientConnection& client, std::string_view payload) {
    SignalRequest request = decodeSignal(payload);
    if (!isAllowedSignal(request.signo))
        return client.send(MessageType::Error,
                           "signal " + std::to_string(request.signo) + " is not allowed");
    if (phase_ != Phase::Running) return client.send(MessageType::Error, "the command has exited");
    pid_t group = child_.pid;  // the command leads its own session and process group
    if (request.target == SignalTarget::Foreground && masterOpen_) {
        pid_t foreground = ::tcgetpgrp(child_.master.get());
        if (foreground > 0) group = foreground;
    }
    if (::killpg(group, request.signo) < 0)
        return client.send(MessageType::Error, std::string("kill: ") + std::strerror(errno));
    client.send(MessageType::Ok, {});
}

void SessionHost::handleSnapshot(ClientConnection& client) {
    // Settle a skip the flood left pending (cheap: no parsing), so the answer is a recent
    // offset rather than the screen from before the flood.
    std::string payload = encodeSnapshotReply(tracker_.snapshot());
    if (payload.size() > kMaxReplyPayload)
        return client.send(MessageType::Error, "snapshot too large; replay the log instead");
    client.send(MessageType::SnapshotReply, payload);
}

void SessionHost::handleScreenText(ClientConnection& client) {
    // Bounded by construction (screen_process.cpp): the largest screen's text fits a reply.
    auto text = tracker_.text();
    if (!text)
        return client.send(MessageType::Error,
                           "the screen is unavailable: its worker was lost (a fresh one starts "
                           "blank); ask again");
    client.send(MessageType::ScreenTextReply, encodeScreenText(*text));
}

void SessionHost::handleWatch(ClientConnection& client) {
    client.startWatching();
    client.send(MessageType::Ok, {});
    client.sendOutputAvailable(log_.endOffset());
    if (exit_) client.send(MessageType::Exited, encodeExitRecord(*exit_));
}

HostStatus SessionHost::status() const {
    HostStatus s;
    s.hostPid = static_cast<std::uint32_t>(::getpid());
    s.childPid = static_cast<std::uint32_t>(child_.pid);
    s.startedAtMs = startedAtMs_;
    s.logStart = log_.startOffset();
    s.logEnd = log_.endOffset();
    s.screenOffset = tracker_.offset();
    s.size = config_.size;
    s.exit = exit_;
    return s;
}

}  // namespace parawork::host
