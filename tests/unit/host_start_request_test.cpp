// The standby host's start request: what the daemon encodes is what the host decodes, and a
// malformed request is refused with a reason, never half-read.
#include "host/start_request.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace parawork::host {
namespace {

TEST(StartRequest, RoundTripsArgumentsAndEnvironmentExactly) {
    StartRequest request{{"--dir", "/tmp/s", "--", "printf", "", "a b\nc", "ü"},
                         {"PATH=/usr/bin", "EMPTY=", "MULTI=line1\nline2"}};
    StartRequest back = decodeStartRequest(encodeStartRequest(request));
    EXPECT_EQ(back.args, request.args);  // empty strings, spaces and newlines included
    EXPECT_EQ(back.env, request.env);
    StartRequest none = decodeStartRequest(encodeStartRequest({}));
    EXPECT_TRUE(none.args.empty());
    EXPECT_TRUE(none.env.empty());
}

TEST(StartRequest, NoStringMayHoldANul) {
    EXPECT_THROW(encodeStartRequest({{std::string("a\0b", 3)}, {}}), core::Error);
    EXPECT_THROW(encodeStartRequest({{}, {std::string("K=\0", 3)}}), core::Error);
}

TEST(StartRequest, ARequestOverTheLimitIsRefusedBothWays) {
    StartRequest huge{{std::string(kMaxStartRequestBytes, 'x')}, {}};
    EXPECT_THROW(encodeStartRequest(huge), core::Error);
    EXPECT_THROW(decodeStartRequest(std::string(kMaxStartRequestBytes + 1, 'x')), core::Error);
}

TEST(StartRequest, MalformedRequestsAreRefusedWithAReason) {
    const std::string good = encodeStartRequest({{"--dir", "d"}, {"A=1"}});
    auto reason = [](const std::string& bytes) {
        try {
            decodeStartRequest(bytes);
            return std::string("accepted");
        } catch (const core::Error& e) {
            return std::string(e.what());
        }
    };
    EXPECT_EQ(reason(""), "start request: not one");
    EXPECT_EQ(reason("parawork-start 2\n0\n0\n"), "start request: not one");
    EXPECT_EQ(reason("parawork-start 1\nx\n0\n"), "start request: bad argument count");
    EXPECT_EQ(reason("parawork-start 1\n\n0\n"), "start request: bad argument count");
    EXPECT_EQ(reason("parawork-start 1\n0\n-1\n"), "start request: bad environment count");
    EXPECT_EQ(reason("parawork-start 1\n99999999999999999999\n0\n"),
              "start request: bad argument count");
    EXPECT_EQ(reason("parawork-start 1\n5\n0\nab\0"), "start request: more argument than bytes");
    EXPECT_EQ(reason(good.substr(0, good.size() - 1)), "start request: cut short");
    EXPECT_EQ(reason(good + "x"), "start request: bytes after the end");
    EXPECT_EQ(reason(good), "accepted");
}

}  // namespace
}  // namespace parawork::host
