// The client side of the host socket (docs/host-protocol.md): plain C++, blocking with timeouts,
// for the daemon's worker threads and for tests. One request at a time; events that arrive while
// waiting for a reply are kept (coalesced) for readEvent().
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "host/host_protocol.hpp"

namespace parawork::host {

/// Something the host pushed to a watcher.
struct HostEvent {
    enum class Kind { OutputAvailable, Exited };
    Kind kind = Kind::OutputAvailable;
    std::uint64_t endOffset = 0;     ///< OutputAvailable: the log's end offset
    std::optional<ExitRecord> exit;  ///< Exited
};

/// The host does not know a request: it is older than this client (a request type added within
/// protocol version 1, see docs/host-protocol.md). Restarting the session starts a current host.
class UnsupportedRequest : public core::Error {
  public:
    using core::Error::Error;
};

/// A connection to one session host. Throws core::Error on I/O errors, timeouts, ERROR replies
/// and protocol violations; after a throw other than an ERROR reply, drop the connection. Not
/// thread-safe: one thread at a time per connection.
class HostClient {
  public:
    using Millis = std::chrono::milliseconds;

    /// Connects to <sessionDir>/host.sock and says HELLO. `timeout` bounds every later request.
    static HostClient connect(const std::filesystem::path& sessionDir,
                              Millis timeout = Millis(5000));
    /// A session's two connections as the daemon follows it: one for requests, one watching
    /// (watch() done). Their HELLOs and the WATCH go out before any answer is awaited: one round
    /// trip to the host instead of three, on every session's start.
    struct ControlAndWatch;
    static ControlAndWatch connectControlAndWatch(const std::filesystem::path& sessionDir,
                                                  Millis timeout = Millis(5000));

    const Welcome& welcome() const { return welcome_; }
    /// The socket, for callers that want to poll it for events.
    int fd() const { return fd_.get(); }

    /// Sends bytes to the terminal (split into frames of at most kMaxRequestPayload).
    void input(std::string_view bytes);
    /// Resizes the terminal (the host clamps each dimension to 1..kMaxWindowCells).
    void resize(std::uint16_t cols, std::uint16_t rows);
    /// Sends an allowed signal (see isAllowedSignal) to the foreground group or the command.
    void signal(int signo, SignalTarget target = SignalTarget::Foreground);
    SnapshotReply snapshot();
    /// The screen as text. Throws UnsupportedRequest when the host predates SCREEN_TEXT.
    ScreenText screenText();
    HostStatus status();
    /// Subscribes to OutputAvailable / Exited events (the current end offset comes at once).
    void watch();
    /// The next event, waiting up to `timeout`; nullopt on timeout. Consecutive
    /// OutputAvailable events are merged into the newest.
    std::optional<HostEvent> readEvent(Millis timeout);

  private:
    HostClient(core::UniqueFd fd, Millis timeout);
    /// Connects and sends HELLO; awaitWelcome() reads the answer.
    static HostClient open(const std::filesystem::path& sessionDir, Millis timeout);
    void awaitWelcome();
    void sendFrame(MessageType type, std::string_view payload);
    /// Waits for the reply to the request just sent, queuing events that come first.
    Frame awaitReply();
    /// Reads until one frame is complete or `deadline`; nullopt on timeout.
    std::optional<Frame> readFrame(std::chrono::steady_clock::time_point deadline);
    /// Queues an event frame; false if `frame` is not an event.
    bool queueEvent(const Frame& frame);

    core::UniqueFd fd_;
    Millis timeout_;
    FrameReader reader_{kMaxReplyPayload};
    Welcome welcome_;
    std::deque<HostEvent> events_;
};

struct HostClient::ControlAndWatch {
    HostClient control;
    HostClient watch;
};

}  // namespace parawork::host
