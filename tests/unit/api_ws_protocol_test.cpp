// Client events of the main WebSocket (parawork-protocol §6.4).
#include <gtest/gtest.h>

#include "api/ws_protocol.hpp"

namespace parawork::api {
namespace {

constexpr const char* kId = "123e4567-e89b-42d3-a456-426614174000";

std::string frame(const std::string& type, const std::string& data) {
    return R"({"type":")" + type + R"(","data":)" + data + "}";
}

TEST(WsProtocol, SubscribeAndUnsubscribe) {
    WsSubscriptions subs;
    WsActions actions;
    auto sub = frame("subscribe_workspace", std::string(R"({"workspaceId":")") + kId + "\"}");
    EXPECT_FALSE(handleClientFrame(sub, subs, actions));
    EXPECT_FALSE(handleClientFrame(sub, subs, actions));  // counted: the original UI does this
    EXPECT_EQ(subs.workspaceIds.size(), 1u);
    auto unsub = frame("unsubscribe_workspace", std::string(R"({"workspaceId":")") + kId + "\"}");
    EXPECT_FALSE(handleClientFrame(unsub, subs, actions));
    EXPECT_TRUE(subs.workspaceIds.contains(kId));  // one subscriber left
    EXPECT_FALSE(handleClientFrame(unsub, subs, actions));
    EXPECT_TRUE(subs.workspaceIds.empty());
    EXPECT_FALSE(handleClientFrame(unsub, subs, actions));  // never below zero
    EXPECT_FALSE(handleClientFrame(sub, subs, actions));
    EXPECT_TRUE(subs.workspaceIds.contains(kId));
}

TEST(WsProtocol, SubscriptionCap) {
    WsSubscriptions subs;
    subs.max = 2;
    WsActions actions;
    for (const char* id :
         {"00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"})
        EXPECT_FALSE(handleClientFrame(
            frame("subscribe_workspace", std::string(R"({"workspaceId":")") + id + "\"}"), subs,
            actions));
    auto err = handleClientFrame(
        frame("subscribe_workspace", R"({"workspaceId":"00000000-0000-0000-0000-000000000003"})"),
        subs, actions);
    ASSERT_TRUE(err);
    EXPECT_NE(err->find("Too many workspace subscriptions"), std::string::npos);
}

TEST(WsProtocol, BadFrames) {
    WsSubscriptions subs;
    WsActions actions;
    auto invalid = handleClientFrame("{not json", subs, actions);
    ASSERT_TRUE(invalid);
    EXPECT_EQ(*invalid, R"({"type":"error","data":{"message":"Invalid JSON"}})");
    auto unknown = handleClientFrame(frame("explode", "{}"), subs, actions);
    ASSERT_TRUE(unknown);
    EXPECT_NE(unknown->find("Invalid message format"), std::string::npos);
    auto badId =
        handleClientFrame(frame("subscribe_workspace", R"({"workspaceId":"x"})"), subs, actions);
    ASSERT_TRUE(badId);
    EXPECT_NE(badId->find("Invalid uuid"), std::string::npos);
    auto badSize = handleClientFrame(frame("terminal_resize", std::string(R"({"sessionId":")") +
                                                                  kId + R"(","cols":0,"rows":5})"),
                                     subs, actions);
    ASSERT_TRUE(badSize);
    EXPECT_NE(badSize->find("cols"), std::string::npos);
}

// A size of 0 (or past the limits) is an invalid size naming the range, not "too_big" (issue
// 18 item 8c); the resize does not reach the session.
TEST(WsProtocol, SizeOutOfRangeIsAnInvalidSize) {
    WsSubscriptions subs;
    WsActions actions;
    bool resized = false;
    actions.terminalResize = [&](const std::string&, int, int) { resized = true; };
    auto resize = [&](const std::string& cols, const std::string& rows) {
        return handleClientFrame(
            frame("terminal_resize", std::string(R"({"sessionId":")") + kId + R"(","cols":)" +
                                         cols + R"(,"rows":)" + rows + "}"),
            subs, actions);
    };
    auto zeroCols = resize("0", "30");
    ASSERT_TRUE(zeroCols);
    EXPECT_NE(zeroCols->find(R"(\"code\":\"invalid_size\")"), std::string::npos) << *zeroCols;
    EXPECT_NE(zeroCols->find("cols must be between 1 and 500 (got 0)"), std::string::npos)
        << *zeroCols;
    auto zeroRows = resize("80", "0");
    ASSERT_TRUE(zeroRows);
    EXPECT_NE(zeroRows->find("rows must be between 1 and 200 (got 0)"), std::string::npos)
        << *zeroRows;
    auto huge = resize("18446744073709551615", "30");
    ASSERT_TRUE(huge);
    EXPECT_NE(huge->find("invalid_size"), std::string::npos) << *huge;
    EXPECT_FALSE(resized);
}

TEST(WsProtocol, InputGoesToTheActionOrFails) {
    WsSubscriptions subs;
    WsActions actions;
    auto input =
        frame("terminal_input", std::string(R"({"sessionId":")") + kId + R"(","data":"ls\r"})");
    auto err = handleClientFrame(input, subs, actions);
    ASSERT_TRUE(err);
    EXPECT_NE(err->find("Failed to send input to terminal"), std::string::npos);
    std::string got;
    actions.terminalInput = [&](const std::string& id, std::string_view data) {
        got = id + ":" + std::string(data);
        return true;
    };
    EXPECT_FALSE(handleClientFrame(input, subs, actions));
    EXPECT_EQ(got, std::string(kId) + ":ls\r");
    int cols = 0, rows = 0;
    actions.terminalResize = [&](const std::string&, int c, int r) { cols = c, rows = r; };
    EXPECT_FALSE(handleClientFrame(frame("terminal_resize", std::string(R"({"sessionId":")") + kId +
                                                                R"(","cols":120,"rows":40})"),
                                   subs, actions));
    EXPECT_EQ(cols, 120);
    EXPECT_EQ(rows, 40);
}

}  // namespace
}  // namespace parawork::api
