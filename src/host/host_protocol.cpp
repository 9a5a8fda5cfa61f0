// Frames and payloads of the session host protocol (see host_protocol.hpp).
#include "host/host_protocol.hpp"

#include <algorithm>
#include <csignal>
#include <limits>

namespace parawork::host {
namespace {

std::uint32_t readLe32(std::string_view bytes) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
    return v;
}

template <class T>
void appendLe(std::string& out, T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

template <class T>
T takeLe(std::string_view bytes) {
    T v = 0;
    for (std::size_t i = sizeof(T); i-- > 0;)
        v = static_cast<T>((v << 8) | static_cast<unsigned char>(bytes[i]));
    return v;
}

}  // namespace

// ---- frames ------------------------------------------------------------------------------------

DecodeResult decodeFrame(std::string_view buffer, std::size_t maxPayload) {
    DecodeResult result;
    if (buffer.empty()) return result;
    if (buffer[0] == 0) {
        result.status = DecodeStatus::Invalid;
        result.error = "frame type 0";
        return result;
    }
    if (buffer.size() < kFrameHeaderBytes) return result;
    std::uint32_t length = readLe32(buffer.substr(1, 4));
    if (length > maxPayload) {
        result.status = DecodeStatus::Invalid;
        result.error = "frame of " + std::to_string(length) + " bytes exceeds the limit of " +
                       std::to_string(maxPayload);
        return result;
    }
    if (buffer.size() - kFrameHeaderBytes < length) return result;
    result.status = DecodeStatus::Complete;
    result.type = static_cast<std::uint8_t>(buffer[0]);
    result.payload = buffer.substr(kFrameHeaderBytes, length);
    result.consumed = kFrameHeaderBytes + length;
    return result;
}

void appendFrame(std::string& out, MessageType type, std::string_view payload) {
    if (payload.size() > std::numeric_limits<std::uint32_t>::max())
        throw ProtocolError("frame payload too large");
    out += static_cast<char>(type);
    appendLe(out, static_cast<std::uint32_t>(payload.size()));
    out.append(payload);
}

std::string encodeFrame(MessageType type, std::string_view payload) {
    std::string out;
    out.reserve(kFrameHeaderBytes + payload.size());
    appendFrame(out, type, payload);
    return out;
}

std::optional<Frame> FrameReader::next() {
    std::string_view pending(buffer_);
    pending.remove_prefix(pos_);
    DecodeResult result = decodeFrame(pending, maxPayload_);
    if (result.status == DecodeStatus::Invalid) throw ProtocolError(result.error);
    if (result.status == DecodeStatus::NeedMore) {
        // Compact once the consumed prefix dominates, so the buffer stays bounded.
        if (pos_ > 0) {
            buffer_.erase(0, pos_);
            pos_ = 0;
        }
        return {};
    }
    Frame frame{result.type, std::string(result.payload)};
    pos_ += result.consumed;
    if (pos_ == buffer_.size()) {
        buffer_.clear();
        pos_ = 0;
    }
    return frame;
}

// ---- payload codec -----------------------------------------------------------------------------

PayloadWriter& PayloadWriter::u8(std::uint8_t v) {
    out_ += static_cast<char>(v);
    return *this;
}
PayloadWriter& PayloadWriter::u16(std::uint16_t v) {
    appendLe(out_, v);
    return *this;
}
PayloadWriter& PayloadWriter::u32(std::uint32_t v) {
    appendLe(out_, v);
    return *this;
}
PayloadWriter& PayloadWriter::u64(std::uint64_t v) {
    appendLe(out_, v);
    return *this;
}
PayloadWriter& PayloadWriter::bytes(std::string_view v) {
    out_.append(v);
    return *this;
}

PayloadWriter& PayloadWriter::string32(std::string_view v) {
    if (v.size() > std::numeric_limits<std::uint32_t>::max())
        throw ProtocolError("string too long for a payload");
    return u32(static_cast<std::uint32_t>(v.size())).bytes(v);
}

std::string_view PayloadReader::take(std::size_t n) {
    if (in_.size() < n) throw ProtocolError("payload too short");
    std::string_view out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
}
std::uint8_t PayloadReader::u8() {
    return static_cast<std::uint8_t>(take(1)[0]);
}
std::uint16_t PayloadReader::u16() {
    return takeLe<std::uint16_t>(take(2));
}
std::uint32_t PayloadReader::u32() {
    return takeLe<std::uint32_t>(take(4));
}
std::uint64_t PayloadReader::u64() {
    return takeLe<std::uint64_t>(take(8));
}
std::string_view PayloadReader::string32() {
    return take(u32());
}
std::string_view PayloadReader::rest() {
    return take(in_.size());
}

// ---- messages ----------------------------------------------------------------------------------

std::string encodeHello(std::uint16_t version) {
    return PayloadWriter().u16(version).take();
}
std::uint16_t decodeHello(std::string_view payload) {
    return PayloadReader(payload).u16();
}

std::string encodeWelcome(const Welcome& w) {
    return PayloadWriter().u16(w.version).u32(w.hostPid).u32(w.childPid).take();
}
Welcome decodeWelcome(std::string_view payload) {
    PayloadReader in(payload);
    Welcome w;
    w.version = in.u16();
    w.hostPid = in.u32();
    w.childPid = in.u32();
    return w;
}

WindowSize clampWindowSize(std::uint32_t cols, std::uint32_t rows) {
    auto clamp = [](std::uint32_t v) {
        return static_cast<std::uint16_t>(std::clamp<std::uint32_t>(v, 1, kMaxWindowCells));
    };
    return {clamp(cols), clamp(rows)};
}
std::string encodeResize(WindowSize size) {
    return PayloadWriter().u16(size.cols).u16(size.rows).take();
}
WindowSize decodeResize(std::string_view payload) {
    PayloadReader in(payload);
    WindowSize size;
    size.cols = in.u16();
    size.rows = in.u16();
    return size;
}

bool isAllowedSignal(int signo) {
    switch (signo) {
        case SIGINT:
        case SIGTERM:
        case SIGKILL:
        case SIGHUP:
        case SIGQUIT:
        case SIGUSR1:
        case SIGUSR2:
        case SIGWINCH:
        case SIGCONT:
        case SIGSTOP:
        case SIGTSTP:
            return true;
        default:
            return false;
    }
}
std::string encodeSignal(const SignalRequest& r) {
    return PayloadWriter()
        .u32(static_cast<std::uint32_t>(r.signo))
        .u8(static_cast<std::uint8_t>(r.target))
        .take();
}
SignalRequest decodeSignal(std::string_view payload) {
    PayloadReader in(payload);
    SignalRequest r;
    std::uint32_t signo = in.u32();
    r.signo = signo > 1024 ? -1 : static_cast<int>(signo);  // nonsense stays nonsense, not UB
    if (!in.atEnd()) {
        std::uint8_t target = in.u8();
        if (target > static_cast<std::uint8_t>(SignalTarget::Command))
            throw ProtocolError("unknown signal target " + std::to_string(target));
        r.target = static_cast<SignalTarget>(target);
    }
    return r;
}

std::string encodeSnapshotReply(const SnapshotReply& r) {
    return PayloadWriter().u64(r.offset).u16(r.size.cols).u16(r.size.rows).bytes(r.bytes).take();
}
SnapshotReply decodeSnapshotReply(std::string_view payload) {
    PayloadReader in(payload);
    SnapshotReply r;
    r.offset = in.u64();
    r.size.cols = in.u16();
    r.size.rows = in.u16();
    r.bytes = std::string(in.rest());
    return r;
}

namespace {

constexpr std::uint8_t kCursorVisibleFlag = 1;
constexpr std::uint8_t kAltScreenFlag = 2;

}  // namespace

std::string visibleText(const ScreenText& screen) {
    std::size_t shown = screen.lines.size();
    while (shown > 0 && screen.lines[shown - 1].empty()) --shown;
    std::string text;
    for (std::size_t i = 0; i < shown; ++i) text += screen.lines[i] + '\n';
    return text;
}

std::string encodeScreenText(const ScreenText& t) {
    PayloadWriter out;
    auto flags = static_cast<std::uint8_t>((t.cursorVisible ? kCursorVisibleFlag : 0) |
                                           (t.altScreen ? kAltScreenFlag : 0));
    out.u64(t.offset)
        .u16(t.size.cols)
        .u16(t.size.rows)
        .u16(t.cursorRow)
        .u16(t.cursorCol)
        .u8(flags)
        .string32(t.title);
    if (t.lines.size() > kMaxWindowCells) throw ProtocolError("screen text: too many lines");
    out.u16(static_cast<std::uint16_t>(t.lines.size()));
    for (const std::string& line : t.lines) out.string32(line);
    return out.take();
}

ScreenText decodeScreenText(std::string_view payload) {
    PayloadReader in(payload);
    ScreenText t;
    t.offset = in.u64();
    t.size.cols = in.u16();
    t.size.rows = in.u16();
    t.cursorRow = in.u16();
    t.cursorCol = in.u16();
    std::uint8_t flags = in.u8();
    t.cursorVisible = (flags & kCursorVisibleFlag) != 0;
    t.altScreen = (flags & kAltScreenFlag) != 0;
    t.title = std::string(in.string32());
    std::uint16_t count = in.u16();
    if (count > kMaxWindowCells)
        throw ProtocolError("screen text of " + std::to_string(count) + " lines exceeds " +
                            std::to_string(kMaxWindowCells));
    t.lines.reserve(count);
    for (std::uint16_t i = 0; i < count; ++i) t.lines.emplace_back(in.string32());
    return t;
}

namespace {

void writeExitRecord(PayloadWriter& out, const ExitRecord& r) {
    out.u8(static_cast<std::uint8_t>(r.reason))
        .u8(r.exitCode.has_value())
        .i32(r.exitCode.value_or(0))
        .u8(r.signal.has_value())
        .i32(r.signal.value_or(0))
        .i64(r.startedAtMs)
        .i64(r.exitedAtMs);
}

ExitRecord readExitRecord(PayloadReader& in) {
    ExitRecord r;
    std::uint8_t reason = in.u8();
    if (reason > static_cast<std::uint8_t>(ExitReason::ExecFailed))
        throw ProtocolError("unknown exit reason " + std::to_string(reason));
    r.reason = static_cast<ExitReason>(reason);
    bool hasCode = in.u8() != 0;
    std::int32_t code = in.i32();
    if (hasCode) r.exitCode = code;
    bool hasSignal = in.u8() != 0;
    std::int32_t signo = in.i32();
    if (hasSignal) r.signal = signo;
    r.startedAtMs = in.i64();
    r.exitedAtMs = in.i64();
    return r;
}

}  // namespace

std::string encodeExitRecord(const ExitRecord& record) {
    PayloadWriter out;
    writeExitRecord(out, record);
    return out.take();
}
ExitRecord decodeExitRecord(std::string_view payload) {
    PayloadReader in(payload);
    return readExitRecord(in);
}

std::string encodeStatus(const HostStatus& s) {
    PayloadWriter out;
    out.u32(s.hostPid)
        .u32(s.childPid)
        .i64(s.startedAtMs)
        .u64(s.logStart)
        .u64(s.logEnd)
        .u64(s.screenOffset)
        .u16(s.size.cols)
        .u16(s.size.rows)
        .u8(s.exit.has_value());
    if (s.exit) writeExitRecord(out, *s.exit);
    return out.take();
}
HostStatus decodeStatus(std::string_view payload) {
    PayloadReader in(payload);
    HostStatus s;
    s.hostPid = in.u32();
    s.childPid = in.u32();
    s.startedAtMs = in.i64();
    s.logStart = in.u64();
    s.logEnd = in.u64();
    s.screenOffset = in.u64();
    s.size.cols = in.u16();
    s.size.rows = in.u16();
    if (in.u8() != 0) s.exit = readExitRecord(in);
    return s;
}

std::string encodeOffset(std::uint64_t offset) {
    return PayloadWriter().u64(offset).take();
}
std::uint64_t decodeOffset(std::string_view payload) {
    return PayloadReader(payload).u64();
}

}  // namespace parawork::host
