// A lean WebSocket viewer of the binary attach stream (`/api/sessions/:id/attach`) over the
// daemon's unix socket, for the benchmarks. It counts output bytes as they stream instead of
// keeping them, tells text frames (snapshot/truncated/exit JSON) from binary ones, and answers
// the server's pings. api::WsClient cannot serve here: it cannot tell text from binary frames,
// and a read that times out cancels the socket, which leaves the Beast stream failed — so it
// cannot poll many viewers with short timeouts (W10).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::bench {

class WsViewer {
  public:
    using Clock = std::chrono::steady_clock;

    /// Connects to `socket` and upgrades `target`; throws when the daemon refuses.
    WsViewer(const std::filesystem::path& socket, const std::string& target,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~WsViewer();
    WsViewer(WsViewer&& other) noexcept;
    WsViewer& operator=(WsViewer&&) = delete;
    WsViewer(const WsViewer&) = delete;

    int fd() const { return fd_; }
    /// Waits up to `timeout` for data, reads once (up to 256 KiB) and parses it. False once the
    /// connection has ended (close frame or EOF).
    bool pump(std::chrono::milliseconds timeout);
    /// Reads until the server's exit message and close, or until `timeout` without any data.
    /// Throws on a timeout.
    void readToEnd(std::chrono::milliseconds idleTimeout = std::chrono::seconds(30));

    void sendBinary(std::string_view bytes) { sendFrame(0x2, bytes); }
    void sendText(std::string_view text) { sendFrame(0x1, text); }

    /// Payload bytes of binary messages so far (the session's output).
    std::uint64_t binaryBytes() const { return binaryBytes_; }
    /// When the last binary payload arrived.
    Clock::time_point lastBinaryAt() const { return lastBinaryAt_; }
    /// The `{"type":"exit",…}` message, once it came.
    const std::optional<std::string>& exitMessage() const { return exit_; }
    /// endOffset of the exit message (0 before it came).
    std::uint64_t exitEndOffset() const;
    /// `{"type":"truncated",…}` messages seen (output dropped from the log before we read it).
    int truncatedMessages() const { return truncated_; }
    bool open() const { return !closed_; }
    /// Called with each complete text message (events of the main WebSocket, W15), as it is
    /// parsed, so the caller can take the time it arrived.
    void onText(std::function<void(const std::string&)> handler) { onText_ = std::move(handler); }

  private:
    void handshake(const std::string& target, std::chrono::milliseconds timeout);
    void feed(const char* data, std::size_t size);
    void frameComplete();
    void sendFrame(int opcode, std::string_view payload);

    int fd_ = -1;
    bool closed_ = false;
    // The frame parser (RFC 6455 §5.2); server frames are never masked.
    unsigned char header_[14]{};
    std::size_t headerHave_ = 0;
    bool inPayload_ = false;
    std::uint64_t payloadLeft_ = 0;
    int frameOpcode_ = 0;
    bool frameFin_ = false;
    int messageOpcode_ = 0;  ///< of the data message being assembled (fragments have opcode 0)
    std::string text_;       ///< a text message being assembled
    std::string control_;    ///< a control frame's payload
    std::uint64_t binaryBytes_ = 0;
    Clock::time_point lastBinaryAt_{};
    std::optional<std::string> exit_;
    int truncated_ = 0;
    std::function<void(const std::string&)> onText_;
};

}  // namespace parawork::bench
