// One client of the host socket, from the host's side. The host never blocks on a client
// (DESIGN §4.1, tmux's rule): the socket is non-blocking, replies wait in a bounded buffer, and
// OUTPUT_AVAILABLE is coalesced: at most one is pending per client, created only when the
// buffer has drained, carrying the newest end offset. A client that does not read gets fewer,
// later notifications; one whose buffer overflows (by not reading its replies) is dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/unique_fd.hpp"
#include "host/host_protocol.hpp"

namespace parawork::host {

/// Unsent bytes a client may accumulate before it is dropped: one maximal reply plus slack.
inline constexpr std::size_t kMaxClientBacklog = kMaxReplyPayload + 1024 * 1024;

class ClientConnection {
  public:
    explicit ClientConnection(core::UniqueFd fd)
        : fd_(std::move(fd)), reader_(kMaxRequestPayload) {}

    int fd() const { return fd_.get(); }

    /// Reads what the socket has (bounded per call) and appends complete frames to `frames`.
    /// Marks the client closed on EOF, error or a malformed frame.
    void readFrames(std::vector<Frame>& frames);

    /// Queues a frame. Drops the client if its unsent bytes would exceed kMaxClientBacklog.
    void send(MessageType type, std::string_view payload);
    /// Sends the remaining queued bytes, then closes (after an ERROR that ends the session).
    void closeAfterFlush() { closeAfterFlush_ = true; }

    /// Notes that the log grew; the notification is created on a later flush.
    void noteOutput() { notifyPending_ = watching_; }
    /// Queues OUTPUT_AVAILABLE(endOffset) now, replacing a pending one (before EXITED).
    void sendOutputAvailable(std::uint64_t endOffset);

    /// Writes what the socket accepts without blocking. Creates the pending notification first
    /// if nothing else is waiting.
    void flush(std::uint64_t endOffset);

    /// Bytes wait for the socket to become writable (poll for POLLOUT).
    bool hasUnsent() const { return sent_ < out_.size(); }
    /// flush() has something to do.
    bool needsFlush() const { return hasUnsent() || notifyPending_; }
    bool closed() const { return closed_; }
    /// Closed, or closing once its queue is flushed: its further requests are ignored.
    bool closing() const { return closed_ || closeAfterFlush_; }

    /// HELLO was accepted: other requests may follow.
    bool greeted() const { return greeted_; }
    void markGreeted() { greeted_ = true; }
    /// WATCH was received: this client gets OUTPUT_AVAILABLE and EXITED events.
    bool watching() const { return watching_; }
    void startWatching() { watching_ = true; }

  private:
    core::UniqueFd fd_;
    FrameReader reader_;
    std::string out_;
    std::size_t sent_ = 0;
    bool greeted_ = false;
    bool watching_ = false;
    bool notifyPending_ = false;
    bool closeAfterFlush_ = false;
    bool closed_ = false;
};

}  // namespace parawork::host
