// The session host protocol (docs/host-protocol.md): length-prefixed binary frames
// `[u8 type][u32 little-endian length][payload]` over any byte stream (a unix socket today, an SSH
// channel tomorrow: DESIGN §9), and the payloads of every message. Everything here is pure: the
// decoder works on a byte buffer, so it is unit-tested and fuzzed without sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "host/exit_record.hpp"

namespace parawork::host {

/// Bumped on every incompatible change (see docs/host-protocol.md, "Versioning").
inline constexpr std::uint16_t kProtocolVersion = 1;

inline constexpr std::size_t kFrameHeaderBytes = 5;
/// Largest payload a client may send (INPUT is the only big request).
inline constexpr std::size_t kMaxRequestPayload = 1024 * 1024;
/// Largest payload the host sends (a snapshot of a large, colourful screen).
inline constexpr std::size_t kMaxReplyPayload = 16 * 1024 * 1024;

/// Window sizes are clamped to 1..kMaxWindowCells in each dimension.
inline constexpr std::uint16_t kMaxWindowCells = 1000;

/// Message types: requests 0x01.., replies 0x41.., pushed events 0x81...
enum class MessageType : std::uint8_t {
    Hello = 0x01,       ///< u16 version; must be the first request
    Input = 0x02,       ///< bytes for the terminal → Ok
    Resize = 0x03,      ///< u16 cols, u16 rows → Ok
    Signal = 0x04,      ///< u32 signo, u8 target → Ok | Error
    Snapshot = 0x05,    ///< (empty) → SnapshotReply | Error
    Status = 0x06,      ///< (empty) → StatusReply
    Watch = 0x07,       ///< (empty) → Ok, then OutputAvailable / Exited events
    ScreenText = 0x08,  ///< (empty) → ScreenTextReply | Error (added in version 1: see the docs)

    Welcome = 0x41,          ///< u16 version, u32 host pid, u32 command pid
    Ok = 0x42,               ///< (empty)
    Error = 0x43,            ///< UTF-8 message
    SnapshotReply = 0x44,    ///< u64 offset, u16 cols, u16 rows, bytes
    StatusReply = 0x45,      ///< see HostStatus
    ScreenTextReply = 0x46,  ///< see ScreenText

    OutputAvailable = 0x81,  ///< u64 end offset of the log
    Exited = 0x82,           ///< an exit record
};

/// A malformed frame or payload. The peer that sent it is disconnected.
class ProtocolError : public core::Error {
  public:
    using core::Error::Error;
};

/// One decoded frame.
struct Frame {
    std::uint8_t type = 0;
    std::string payload;
};

enum class DecodeStatus { NeedMore, Complete, Invalid };

/// What decodeFrame found at the start of a buffer.
struct DecodeResult {
    DecodeStatus status = DecodeStatus::NeedMore;
    std::size_t consumed = 0;  ///< bytes of the frame (header + payload) when Complete
    std::uint8_t type = 0;
    std::string_view payload;  ///< points into the buffer
    std::string error;         ///< why, when Invalid
};

/// Decodes the frame at the start of `buffer`. Pure; never reads past the buffer. Invalid when
/// the type is 0 or the length exceeds `maxPayload` (known from the header alone, so an oversize
/// frame is refused before its payload arrives).
DecodeResult decodeFrame(std::string_view buffer, std::size_t maxPayload);

/// Appends the frame for (type, payload) to `out`.
void appendFrame(std::string& out, MessageType type, std::string_view payload);
std::string encodeFrame(MessageType type, std::string_view payload);

/// Accumulates a byte stream and hands out complete frames. Holds at most one frame's bytes plus
/// what was appended since, so it is bounded by maxPayload + the caller's read size.
class FrameReader {
  public:
    explicit FrameReader(std::size_t maxPayload) : maxPayload_(maxPayload) {}
    void append(std::string_view bytes) { buffer_.append(bytes); }
    /// The next complete frame; nullopt when more bytes are needed. Throws ProtocolError.
    std::optional<Frame> next();
    std::size_t buffered() const { return buffer_.size() - pos_; }

  private:
    std::size_t maxPayload_;
    std::string buffer_;
    std::size_t pos_ = 0;
};

// ---- payloads ----------------------------------------------------------------------------------

/// Builds a payload of little-endian integers and byte strings.
class PayloadWriter {
  public:
    PayloadWriter& u8(std::uint8_t v);
    PayloadWriter& u16(std::uint16_t v);
    PayloadWriter& u32(std::uint32_t v);
    PayloadWriter& u64(std::uint64_t v);
    PayloadWriter& i32(std::int32_t v) { return u32(static_cast<std::uint32_t>(v)); }
    PayloadWriter& i64(std::int64_t v) { return u64(static_cast<std::uint64_t>(v)); }
    PayloadWriter& bytes(std::string_view v);
    /// A u32 length, then the bytes.
    PayloadWriter& string32(std::string_view v);
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

/// Reads a payload; throws ProtocolError when it is too short. Trailing bytes are allowed (a
/// newer peer may append fields) and ignored.
class PayloadReader {
  public:
    explicit PayloadReader(std::string_view payload) : in_(payload) {}
    std::uint8_t u8();
    std::uint16_t u16();
    std::uint32_t u32();
    std::uint64_t u64();
    std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
    std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
    /// A u32 length, then that many bytes (ProtocolError when the payload is shorter).
    std::string_view string32();
    /// Everything not read yet.
    std::string_view rest();
    bool atEnd() const { return in_.empty(); }

  private:
    std::string_view take(std::size_t n);
    std::string_view in_;
};

std::string encodeHello(std::uint16_t version = kProtocolVersion);
std::uint16_t decodeHello(std::string_view payload);

/// WELCOME: the host's answer to a HELLO it accepts.
struct Welcome {
    std::uint16_t version = kProtocolVersion;
    std::uint32_t hostPid = 0;
    std::uint32_t childPid = 0;
    bool operator==(const Welcome&) const = default;
};
std::string encodeWelcome(const Welcome& welcome);
Welcome decodeWelcome(std::string_view payload);

struct WindowSize {
    std::uint16_t cols = 80;
    std::uint16_t rows = 24;
    bool operator==(const WindowSize&) const = default;
};
/// Clamps each dimension to 1..kMaxWindowCells (0 → 1, 65535 → 1000).
WindowSize clampWindowSize(std::uint32_t cols, std::uint32_t rows);
std::string encodeResize(WindowSize size);
WindowSize decodeResize(std::string_view payload);

/// Who receives a SIGNAL.
enum class SignalTarget : std::uint8_t {
    Foreground = 0,  ///< the terminal's foreground process group (what Ctrl-C reaches)
    Command = 1,     ///< the command's own process group (the whole session when it is a shell)
};
struct SignalRequest {
    int signo = 0;
    SignalTarget target = SignalTarget::Foreground;
    bool operator==(const SignalRequest&) const = default;
};
/// The signals a client may send: INT TERM KILL HUP QUIT USR1 USR2 WINCH CONT STOP TSTP.
bool isAllowedSignal(int signo);
std::string encodeSignal(const SignalRequest& request);
/// Throws ProtocolError for an unknown target; does not check the signal number.
SignalRequest decodeSignal(std::string_view payload);

struct SnapshotReply {
    std::uint64_t offset = 0;  ///< the log offset the screen corresponds to: stream from here
    WindowSize size;
    std::string bytes;  ///< terminal output that redraws the screen on a fresh terminal
    bool operator==(const SnapshotReply&) const = default;
};
std::string encodeSnapshotReply(const SnapshotReply& reply);
SnapshotReply decodeSnapshotReply(std::string_view payload);

/// SCREEN_TEXT_REPLY: the screen as text (Screen::textLines), for people and pattern matchers.
struct ScreenText {
    std::uint64_t offset = 0;  ///< the log offset the screen corresponds to
    WindowSize size;
    std::uint16_t cursorRow = 0;
    std::uint16_t cursorCol = 0;
    bool cursorVisible = true;
    bool altScreen = false;
    std::string title;               ///< printable, at most kMaxTextTitleBytes
    std::vector<std::string> lines;  ///< one per row (at most kMaxWindowCells), UTF-8
    bool operator==(const ScreenText&) const = default;
};
/// u64 offset, u16 cols, u16 rows, u16 cursor row, u16 cursor col, u8 flags (1 cursor visible,
/// 2 alternate screen), string32 title, u16 line count, string32 per line.
std::string encodeScreenText(const ScreenText& text);
/// The rows down to the last one with text, each ended by '\n' (what `parawork screen` prints).
std::string visibleText(const ScreenText& text);
/// Throws ProtocolError when the payload is short or claims more than kMaxWindowCells lines.
ScreenText decodeScreenText(std::string_view payload);

/// STATUS_REPLY.
struct HostStatus {
    std::uint32_t hostPid = 0;
    std::uint32_t childPid = 0;
    std::int64_t startedAtMs = 0;
    std::uint64_t logStart = 0;
    std::uint64_t logEnd = 0;
    std::uint64_t screenOffset = 0;  ///< where the screen model is (≤ logEnd; lags in a flood)
    WindowSize size;
    std::optional<ExitRecord> exit;  ///< set once the command has exited and exit.json is written

    bool running() const { return !exit.has_value(); }
    bool operator==(const HostStatus&) const = default;
};
std::string encodeStatus(const HostStatus& status);
HostStatus decodeStatus(std::string_view payload);

std::string encodeExitRecord(const ExitRecord& record);
ExitRecord decodeExitRecord(std::string_view payload);

std::string encodeOffset(std::uint64_t offset);
std::uint64_t decodeOffset(std::string_view payload);

}  // namespace parawork::host
