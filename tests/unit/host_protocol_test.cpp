// Unit tests of the host protocol's frames and payloads: round trips, truncated input, oversize
// frames, garbage, and the clamps and allow-lists the host applies.
#include <csignal>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "host/host_protocol.hpp"

namespace parawork::host {
namespace {

TEST(HostFrames, EncodesTypeLittleEndianLengthAndPayload) {
    std::string frame = encodeFrame(MessageType::Input, "hi");
    EXPECT_EQ(frame, std::string("\x02\x02\x00\x00\x00hi", 7));
    auto decoded = decodeFrame(frame, kMaxRequestPayload);
    ASSERT_EQ(decoded.status, DecodeStatus::Complete);
    EXPECT_EQ(decoded.type, 0x02);
    EXPECT_EQ(decoded.payload, "hi");
    EXPECT_EQ(decoded.consumed, 7u);
}

TEST(HostFrames, EveryTruncationOfAFrameNeedsMore) {
    std::string frame = encodeFrame(MessageType::Input, "hello world");
    for (std::size_t n = 0; n < frame.size(); ++n) {
        auto decoded = decodeFrame(std::string_view(frame).substr(0, n), kMaxRequestPayload);
        EXPECT_EQ(decoded.status, DecodeStatus::NeedMore) << n;
    }
}

TEST(HostFrames, OversizeIsRefusedFromTheHeaderAlone) {
    std::string header("\x02\x01\x00\x10\x00", 5);  // 1 MiB + 1
    auto decoded = decodeFrame(header, kMaxRequestPayload);
    EXPECT_EQ(decoded.status, DecodeStatus::Invalid);
    EXPECT_NE(decoded.error.find("exceeds"), std::string::npos);
    std::string exact("\x02\x00\x00\x10\x00", 5);  // exactly 1 MiB: allowed, needs the payload
    EXPECT_EQ(decodeFrame(exact, kMaxRequestPayload).status, DecodeStatus::NeedMore);
    std::string huge("\x02\xff\xff\xff\xff", 5);
    EXPECT_EQ(decodeFrame(huge, kMaxReplyPayload).status, DecodeStatus::Invalid);
}

TEST(HostFrames, TypeZeroIsGarbage) {
    EXPECT_EQ(decodeFrame(std::string("\x00", 1), 100).status, DecodeStatus::Invalid);
}

TEST(HostFrames, RandomGarbageNeverCrashesOrOverreads) {
    std::mt19937 rng(42);
    for (int round = 0; round < 20000; ++round) {
        std::string buffer(rng() % 64, '\0');
        for (char& c : buffer) c = static_cast<char>(rng());
        FrameReader reader(1024);
        reader.append(buffer);
        try {
            while (auto frame = reader.next()) ASSERT_LE(frame->payload.size(), 1024u);
        } catch (const ProtocolError&) {
        }
        // The payload decoders refuse short input with ProtocolError, never UB.
        for (auto decode : {+[](std::string_view p) { (void)decodeStatus(p); },
                            +[](std::string_view p) { (void)decodeSnapshotReply(p); },
                            +[](std::string_view p) { (void)decodeSignal(p); },
                            +[](std::string_view p) { (void)decodeExitRecord(p); }}) {
            try {
                decode(buffer);
            } catch (const ProtocolError&) {
            }
        }
    }
}

TEST(HostFrames, ReaderSplitsAStreamFedOneByteAtATime) {
    std::string stream = encodeFrame(MessageType::Hello, encodeHello()) +
                         encodeFrame(MessageType::Input, "abc") +
                         encodeFrame(MessageType::Status, "");
    FrameReader reader(kMaxRequestPayload);
    std::vector<Frame> frames;
    for (char c : stream) {
        reader.append(std::string_view(&c, 1));
        while (auto frame = reader.next()) frames.push_back(*frame);
    }
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[0].type, static_cast<std::uint8_t>(MessageType::Hello));
    EXPECT_EQ(decodeHello(frames[0].payload), kProtocolVersion);
    EXPECT_EQ(frames[1].payload, "abc");
    EXPECT_EQ(frames[2].payload, "");
    EXPECT_EQ(reader.buffered(), 0u);
}

TEST(HostFrames, ReaderThrowsOnOversize) {
    FrameReader reader(10);
    reader.append(encodeFrame(MessageType::Input, std::string(11, 'x')));
    EXPECT_THROW(reader.next(), ProtocolError);
}

TEST(HostPayloads, RoundTrip) {
    Welcome w{kProtocolVersion, 1234, 5678};
    EXPECT_EQ(decodeWelcome(encodeWelcome(w)), w);

    EXPECT_EQ(decodeResize(encodeResize({132, 43})), (WindowSize{132, 43}));

    SignalRequest sig{SIGTERM, SignalTarget::Command};
    EXPECT_EQ(decodeSignal(encodeSignal(sig)), sig);

    SnapshotReply snap{99, {80, 24}, std::string("\x1b[H\0x", 5)};
    EXPECT_EQ(decodeSnapshotReply(encodeSnapshotReply(snap)), snap);

    ExitRecord exited{3, std::nullopt, 1000, 2000, ExitReason::Exited};
    EXPECT_EQ(decodeExitRecord(encodeExitRecord(exited)), exited);

    HostStatus status;
    status.hostPid = 1;
    status.childPid = 2;
    status.startedAtMs = 1700000000000;
    status.logStart = 10;
    status.logEnd = 1ULL << 40;
    status.screenOffset = 5;
    status.size = {100, 30};
    EXPECT_EQ(decodeStatus(encodeStatus(status)), status);
    EXPECT_TRUE(status.running());
    status.exit = ExitRecord{std::nullopt, 15, 1, 2, ExitReason::Signaled};
    EXPECT_EQ(decodeStatus(encodeStatus(status)), status);
    EXPECT_FALSE(decodeStatus(encodeStatus(status)).running());

    EXPECT_EQ(decodeOffset(encodeOffset(0xfedcba9876543210ULL)), 0xfedcba9876543210ULL);
}

TEST(HostPayloads, TrailingBytesFromANewerPeerAreIgnored) {
    EXPECT_EQ(decodeResize(encodeResize({10, 20}) + "future"), (WindowSize{10, 20}));
}

TEST(HostPayloads, ShortPayloadsThrow) {
    EXPECT_THROW(decodeResize("\x01"), ProtocolError);
    EXPECT_THROW(decodeHello(""), ProtocolError);
    EXPECT_THROW(decodeStatus(encodeStatus({}).substr(0, 20)), ProtocolError);
    EXPECT_THROW(decodeSignal(std::string("\x0f\x00\x00\x00\x07", 5)), ProtocolError);  // target 7
}

TEST(HostPayloads, WindowSizeIsClamped) {
    EXPECT_EQ(clampWindowSize(0, 0), (WindowSize{1, 1}));
    EXPECT_EQ(clampWindowSize(65535, 65535), (WindowSize{kMaxWindowCells, kMaxWindowCells}));
    EXPECT_EQ(clampWindowSize(80, 24), (WindowSize{80, 24}));
}

TEST(HostPayloads, OnlyDocumentedSignalsAreAllowed) {
    for (int s : {SIGINT, SIGTERM, SIGKILL, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT,
                  SIGSTOP, SIGTSTP})
        EXPECT_TRUE(isAllowedSignal(s)) << s;
    for (int s : {0, -1, SIGSEGV, SIGABRT, SIGALRM, SIGCHLD, SIGPIPE, 64, 1000})
        EXPECT_FALSE(isAllowedSignal(s)) << s;
    EXPECT_EQ(decodeSignal(std::string("\xff\xff\xff\xff", 4)).signo, -1);
}

}  // namespace
}  // namespace parawork::host
