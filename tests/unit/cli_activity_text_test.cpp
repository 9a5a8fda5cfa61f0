// How the CLI shows an agent's state and what `wait --until` means (activity_text.hpp).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "cli/activity_text.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

json::object session(const char* activity) {
    return json::parse(std::string(R"({"id":"a","activity":)") + activity + "}").as_object();
}

TEST(CliActivityText, TheStateCellNamesWhatAWaitIsFor) {
    // Tests never run with a terminal on stdout: no colour.
    EXPECT_EQ(stateCell(session(R"({"state":"waiting","waitingFor":"permission",
                                    "reason":"wants to run `ls`"})")),
              "waiting:permission");
    EXPECT_EQ(stateCell(session(R"({"state":"waiting","waitingFor":null})")), "waiting");
    EXPECT_EQ(stateCell(session(R"({"state":"working"})")), "working");
    EXPECT_EQ(stateCell(session(R"({"state":"idle"})")), "idle");
    EXPECT_EQ(stateCell(session(R"({"state":"completed"})")), "-");
    EXPECT_EQ(stateCell(session("null")), "-");
    EXPECT_EQ(activityReason(session(R"({"state":"waiting","reason":"why"})")), "why");
    EXPECT_EQ(activityReason(session("7")), "");
}

TEST(CliActivityText, WaitTargetsAreExactAndTurnEndIsIdleOrWaiting) {
    EXPECT_EQ(parseWaitTarget("waiting"), WaitTarget::Waiting);
    EXPECT_EQ(parseWaitTarget("turn-end"), WaitTarget::TurnEnd);
    EXPECT_EQ(parseWaitTarget("Idle"), std::nullopt);
    EXPECT_EQ(parseWaitTarget(""), std::nullopt);
    EXPECT_TRUE(reached(WaitTarget::TurnEnd, "idle"));
    EXPECT_TRUE(reached(WaitTarget::TurnEnd, "waiting"));
    EXPECT_FALSE(reached(WaitTarget::TurnEnd, "working"));
    EXPECT_FALSE(reached(WaitTarget::Idle, "waiting"));
    EXPECT_FALSE(reached(WaitTarget::Waiting, "idle"));
    EXPECT_TRUE(reached(WaitTarget::Ended, "failed"));
    EXPECT_FALSE(reached(WaitTarget::Ended, "idle"));
}

}  // namespace
}  // namespace parawork::cli
