// Unit tests of what a session accumulates, against a real SQLite file: messages and their copy
// on resume, agent logs written in batches and trimmed, file changes, and the full conversation
// merge of §4.4.
#include <sqlite3.h>

#include <SQLiteCpp/Exception.h>
#include <gtest/gtest.h>

#include "core/ids.hpp"
#include "store/agent_logs.hpp"
#include "store/file_changes.hpp"
#include "store/messages.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::store {
namespace {

using namespace fixture;
using core::LogLevel;

class SessionDataTest : public StoreTest {
  protected:
    void SetUp() override {
        insertWorkspace(db_, makeWorkspace("w1"));
        insertSession(db_, makeSession("s1", "w1", core::SessionStatus::Running, 1000));
        insertSession(db_, makeSession("s2", "w1", core::SessionStatus::Completed, 500));
    }

    std::vector<AgentLogRow> rows(int n, std::int64_t timestamp) {
        std::vector<AgentLogRow> out;
        for (int i = 0; i < n; ++i) out.push_back({timestamp, LogLevel::Info, std::to_string(i)});
        return out;
    }
};

int countCommits(void* counter) {
    ++*static_cast<int*>(counter);
    return 0;  // 0: let the commit proceed
}

TEST_F(SessionDataTest, MessagesListOldestFirstWithInsertionOrderOnTies) {
    insertMessage(db_, makeMessage("m-late", "s1", "late", 3000));
    insertMessage(db_, makeMessage("m-b", "s1", "tie first", 2000));
    insertMessage(db_, makeMessage("m-a", "s1", "tie second", 2000));
    core::Message reply = makeMessage("m-r", "s1", "reply", 1000);
    reply.role = core::MessageRole::Assistant;
    insertMessage(db_, reply);
    auto messages = listMessagesBySession(db_, "s1");
    ASSERT_EQ(messages.size(), 4u);
    EXPECT_EQ(messages[0].id, "m-r");
    EXPECT_EQ(messages[0].role, core::MessageRole::Assistant);
    EXPECT_EQ(messages[1].id, "m-b");
    EXPECT_EQ(messages[2].id, "m-a");
    EXPECT_EQ(messages[3].id, "m-late");
    EXPECT_EQ(messages[3].sessionId, "s1");
    EXPECT_TRUE(listMessagesBySession(db_, "nope").empty());
    EXPECT_THROW(insertMessage(db_, makeMessage("m-x", "nope", "x", 1)), SQLite::Exception);
}

TEST_F(SessionDataTest, CopyMessagesGivesNewIdsAndKeepsEverythingElse) {
    insertMessage(db_, makeMessage("m1", "s2", "one", 100));
    core::Message two = makeMessage("m2", "s2", "two", 100);
    two.role = core::MessageRole::Assistant;
    insertMessage(db_, two);
    EXPECT_EQ(copyMessages(db_, "s2", "s1"), 2u);
    auto copied = listMessagesBySession(db_, "s1");
    ASSERT_EQ(copied.size(), 2u);
    for (const auto& m : copied) {
        EXPECT_TRUE(core::isUuid(m.id)) << m.id;
        EXPECT_EQ(m.sessionId, "s1");
        EXPECT_EQ(m.timestamp, 100);
    }
    EXPECT_EQ(copied[0].content, "one");
    EXPECT_EQ(copied[1].content, "two");
    EXPECT_EQ(copied[1].role, core::MessageRole::Assistant);
    EXPECT_EQ(listMessagesBySession(db_, "s2").size(), 2u);
    EXPECT_EQ(copyMessages(db_, "nope", "s1"), 0u);
}

TEST_F(SessionDataTest, TenThousandLogsAreOneBatchAndOneCommit) {
    std::vector<AgentLogRow> batch;
    for (int i = 0; i < 10000; ++i)
        batch.push_back({1000 + i / 100, i % 7 == 0 ? LogLevel::Error : LogLevel::Info,
                         "line " + std::to_string(i)});
    int commits = 0;
    sqlite3_commit_hook(db_.sql().getHandle(), countCommits, &commits);
    std::int64_t lastId = insertAgentLogs(db_, "s1", batch);
    sqlite3_commit_hook(db_.sql().getHandle(), nullptr, nullptr);
    EXPECT_EQ(commits, 1);  // not one per line
    EXPECT_EQ(countAgentLogsBySession(db_, "s1"), 10000);
    auto newest = listAgentLogsBySession(db_, "s1", 3);
    ASSERT_EQ(newest.size(), 3u);
    EXPECT_EQ(newest[0].id, lastId);
    EXPECT_EQ(newest[0].message, "line 9999");
    EXPECT_EQ(newest[1].message, "line 9998");
    EXPECT_EQ(newest[0].timestamp, 1099);
    EXPECT_EQ(newest[0].sessionId, "s1");
    EXPECT_EQ(listAgentLogsBySession(db_, "s1").size(), 10000u);
    EXPECT_EQ(listAgentLogsBySession(db_, "s1").back().level, LogLevel::Error);  // line 0
}

TEST_F(SessionDataTest, ABatchIsAllOrNothing) {
    EXPECT_EQ(insertAgentLogs(db_, "s1", {}), 0);
    EXPECT_THROW(insertAgentLogs(db_, "nope", rows(5, 1)), SQLite::Exception);
    EXPECT_EQ(countAgentLogsBySession(db_, "nope"), 0);
    EXPECT_TRUE(listAgentLogsBySession(db_, "nope").empty());
}

TEST_F(SessionDataTest, LogsListNewestFirstByTimestampThenId) {
    insertAgentLogs(db_, "s1",
                    std::vector<AgentLogRow>{{2000, LogLevel::Info, "b"},
                                             {1000, LogLevel::Warning, "a"},
                                             {2000, LogLevel::Info, "c"}});
    insertAgentLogs(db_, "s2", rows(2, 5000));
    auto logs = listAgentLogsBySession(db_, "s1");
    ASSERT_EQ(logs.size(), 3u);
    EXPECT_EQ(logs[0].message, "c");
    EXPECT_EQ(logs[1].message, "b");
    EXPECT_EQ(logs[2].message, "a");
    EXPECT_EQ(logs[2].level, LogLevel::Warning);
    EXPECT_EQ(listAgentLogsBySession(db_, "s1", 0).size(), 0u);
    EXPECT_EQ(listAgentLogsBySession(db_, "s1", 10).size(), 3u);
}

TEST_F(SessionDataTest, TrimKeepsTheNewestRowsOfThatSessionOnly) {
    insertAgentLogs(db_, "s1", rows(100, 1000));
    insertAgentLogs(db_, "s2", rows(20, 1000));
    EXPECT_EQ(trimAgentLogs(db_, "s1", 10), 90);
    EXPECT_EQ(countAgentLogsBySession(db_, "s1"), 10);
    auto kept = listAgentLogsBySession(db_, "s1");
    EXPECT_EQ(kept.front().message, "99");
    EXPECT_EQ(kept.back().message, "90");
    EXPECT_EQ(trimAgentLogs(db_, "s1", 10), 0);
    EXPECT_EQ(trimAgentLogs(db_, "s1", 1000), 0);
    EXPECT_EQ(countAgentLogsBySession(db_, "s2"), 20);
    EXPECT_EQ(trimAgentLogs(db_, "s2", 0), 20);
    EXPECT_EQ(countAgentLogsBySession(db_, "s2"), 0);
}

TEST_F(SessionDataTest, FileChangesListNewestFirst) {
    std::int64_t first =
        insertFileChange(db_, {0, "s1", "a.txt", core::ChangeType::Created, std::nullopt, 100});
    std::int64_t second =
        insertFileChange(db_, {0, "s1", "b.txt", core::ChangeType::Modified, "@@ -1 +1 @@", 300});
    insertFileChange(db_, {0, "s1", "c.txt", core::ChangeType::Deleted, std::nullopt, 300});
    insertFileChange(db_, {0, "s2", "z.txt", core::ChangeType::Created, std::nullopt, 900});
    EXPECT_LT(first, second);
    auto changes = listFileChangesBySession(db_, "s1");
    ASSERT_EQ(changes.size(), 3u);
    EXPECT_EQ(changes[0].filePath, "c.txt");
    EXPECT_EQ(changes[0].changeType, core::ChangeType::Deleted);
    EXPECT_EQ(changes[1].id, second);
    EXPECT_EQ(changes[1].diff, "@@ -1 +1 @@");
    EXPECT_EQ(changes[2].filePath, "a.txt");
    EXPECT_FALSE(changes[2].diff);
    EXPECT_TRUE(listFileChangesBySession(db_, "nope").empty());
}

TEST_F(SessionDataTest, FullConversationMergesAscendingMessagesFirstOnTies) {
    insertAgentLogs(db_, "s1",
                    std::vector<AgentLogRow>{{2000, LogLevel::Info, "log 2000 a"},
                                             {1000, LogLevel::Info, "log 1000"},
                                             {2000, LogLevel::Error, "log 2000 b"},
                                             {3000, LogLevel::Info, "log 3000"}});
    insertMessage(db_, makeMessage("m2", "s1", "msg 2000", 2000));
    insertMessage(db_, makeMessage("m0", "s1", "msg 500", 500));
    insertAgentLogs(db_, "s2", rows(3, 1500));  // another session's lines stay out
    auto events = fullConversation(db_, "s1");
    std::vector<std::string> contents;
    for (const auto& e : events) contents.push_back(e.content);
    EXPECT_EQ(contents, (std::vector<std::string>{"msg 500", "log 1000", "msg 2000", "log 2000 a",
                                                  "log 2000 b", "log 3000"}));
    EXPECT_EQ(events[0].type, core::ConversationEventType::Message);
    EXPECT_EQ(events[0].id, "m0");
    EXPECT_EQ(events[0].role, core::MessageRole::User);
    EXPECT_FALSE(events[0].level);
    EXPECT_EQ(events[4].type, core::ConversationEventType::AgentLog);
    EXPECT_EQ(events[4].level, LogLevel::Error);
    EXPECT_FALSE(events[4].role);
    EXPECT_EQ(events[4].id, std::to_string(listAgentLogsBySession(db_, "s1", 2)[1].id));
    EXPECT_TRUE(fullConversation(db_, "nope").empty());
}

}  // namespace
}  // namespace parawork::store
