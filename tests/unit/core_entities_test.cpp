// Unit tests of the entity enumerations' spellings and the shared rules over entities.
#include <gtest/gtest.h>

#include "core/entities.hpp"

namespace parawork::core {
namespace {

TEST(CoreEntities, EveryEnumeratorRoundTripsThroughItsSpelling) {
    for (auto s : {WorkspaceStatus::Idle, WorkspaceStatus::Running, WorkspaceStatus::Completed,
                   WorkspaceStatus::Error})
        EXPECT_EQ(parseWorkspaceStatus(toString(s)), s);
    for (auto s : {SessionStatus::Starting, SessionStatus::Running, SessionStatus::Completed,
                   SessionStatus::Failed})
        EXPECT_EQ(parseSessionStatus(toString(s)), s);
    for (auto r : {MessageRole::User, MessageRole::Assistant})
        EXPECT_EQ(parseMessageRole(toString(r)), r);
    for (auto l : {LogLevel::Info, LogLevel::Warning, LogLevel::Error})
        EXPECT_EQ(parseLogLevel(toString(l)), l);
    for (auto c : {ChangeType::Created, ChangeType::Modified, ChangeType::Deleted})
        EXPECT_EQ(parseChangeType(toString(c)), c);
}

TEST(CoreEntities, SpellingsAreTheProtocols) {
    EXPECT_EQ(toString(WorkspaceStatus::Error), "error");
    EXPECT_EQ(toString(SessionStatus::Starting), "starting");
    EXPECT_EQ(toString(MessageRole::Assistant), "assistant");
    EXPECT_EQ(toString(LogLevel::Warning), "warning");
    EXPECT_EQ(toString(ChangeType::Deleted), "deleted");
    EXPECT_EQ(toString(ConversationEventType::Message), "message");
    EXPECT_EQ(toString(ConversationEventType::AgentLog), "agent_log");
}

TEST(CoreEntities, ParsingIsExact) {
    EXPECT_FALSE(parseWorkspaceStatus("Idle"));
    EXPECT_FALSE(parseWorkspaceStatus(" idle"));
    EXPECT_FALSE(parseSessionStatus("paused"));
    EXPECT_FALSE(parseSessionStatus(""));
    EXPECT_FALSE(parseMessageRole("system"));
    EXPECT_FALSE(parseLogLevel("warn"));
    EXPECT_FALSE(parseChangeType("renamed"));
}

TEST(CoreEntities, ActiveIsStartingOrRunning) {
    EXPECT_TRUE(isActive(SessionStatus::Starting));
    EXPECT_TRUE(isActive(SessionStatus::Running));
    EXPECT_FALSE(isActive(SessionStatus::Completed));
    EXPECT_TRUE(isFinished(SessionStatus::Failed));
}

TEST(CoreEntities, DurationNeedsBothEnds) {
    Session s;
    EXPECT_EQ(sessionDuration(s), 0);
    s.startedAt = 1000;
    EXPECT_EQ(sessionDuration(s), 0);
    s.completedAt = 4500;
    EXPECT_EQ(sessionDuration(s), 3500);
    s.startedAt.reset();
    EXPECT_EQ(sessionDuration(s), 0);
}

TEST(CoreEntities, ConversationIsAscendingStableAndMessagesWinTies) {
    std::vector<Message> messages = {{"m1", "s", MessageRole::User, "hello", 20},
                                     {"m2", "s", MessageRole::User, "again", 20},
                                     {"m3", "s", MessageRole::Assistant, "late", 40}};
    std::vector<AgentLog> logs = {{7, "s", 20, LogLevel::Info, "log a"},
                                  {8, "s", 10, LogLevel::Info, "early"},
                                  {9, "s", 20, LogLevel::Error, "log b"}};
    auto events = mergeConversation(messages, logs);
    std::vector<std::string> ids;
    for (const auto& e : events) ids.push_back(e.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"8", "m1", "m2", "7", "9", "m3"}));
    EXPECT_EQ(events[0].type, ConversationEventType::AgentLog);
    EXPECT_EQ(events[0].content, "early");
    EXPECT_EQ(events[0].level, LogLevel::Info);
    EXPECT_FALSE(events[0].role);
    EXPECT_EQ(events[5].type, ConversationEventType::Message);
    EXPECT_EQ(events[5].role, MessageRole::Assistant);
    EXPECT_FALSE(events[5].level);
    EXPECT_TRUE(mergeConversation({}, {}).empty());
}

}  // namespace
}  // namespace parawork::core
