// Unit tests of the entities' wire shapes (protocol §3): exact JSON for the common cases, and the
// null-versus-omitted rules.
#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include "api/entity_json.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

std::string text(const json::value& v) {
    return json::serialize(v);
}

TEST(ApiEntityJson, Repository) {
    core::Repository r{"r1", "repo", "/src/repo", "main", std::nullopt, 100, 200};
    EXPECT_EQ(text(toJson(r)),
              R"({"id":"r1","name":"repo","path":"/src/repo","defaultBranch":"main",)"
              R"("remoteUrl":null,"createdAt":100,"updatedAt":200})");
    r.remoteUrl = "git@x:y.git";
    EXPECT_EQ(toJson(r).at("remoteUrl"), "git@x:y.git");
}

TEST(ApiEntityJson, PlainWorkspaceOmitsGitWorktree) {
    core::Workspace w;
    w.id = "w1";
    w.name = "feature";
    w.path = "/work/feature";
    w.createdAt = w.updatedAt = 100;
    EXPECT_EQ(
        text(toJson(w)),
        R"({"id":"w1","repositoryId":null,"name":"feature","path":"/work/feature",)"
        R"("status":"idle","agentType":null,"createdAt":100,"updatedAt":100,)"
        R"("lastFocusedAt":null,"notificationsMuted":false,"pullRequest":null,"archivedAt":null})");
    // The stored pull request is shown as the object it is; text that is not one reads as none.
    w.pullRequestJson = R"({"number":7,"state":"open"})";
    EXPECT_EQ(text(toJson(w).at("pullRequest")), R"({"number":7,"state":"open"})");
    w.pullRequestJson = "{broken";
    EXPECT_TRUE(toJson(w).at("pullRequest").is_null());
}

TEST(ApiEntityJson, WorktreeWorkspaceAndItsFallbacks) {
    core::Workspace w;
    w.id = "w1";
    w.repositoryId = "r1";
    w.name = "My Feature!";
    w.path = "/wt/my-feature";
    w.status = core::WorkspaceStatus::Running;
    w.agentType = "claude-code";
    w.createdAt = 100;
    w.updatedAt = 150;
    w.lastFocusedAt = 140;
    w.gitWorktree = core::GitWorktree{"/wt/my-feature", "parawork/my-feature", "/src/repo",
                                      std::nullopt, std::nullopt};
    EXPECT_EQ(text(toJson(w)),
              R"({"id":"w1","repositoryId":"r1","name":"My Feature!","path":"/wt/my-feature",)"
              R"("status":"running","agentType":"claude-code","createdAt":100,"updatedAt":150,)"
              R"("lastFocusedAt":140,"gitWorktree":{"worktreePath":"/wt/my-feature",)"
              R"("branchName":"parawork/my-feature","baseRepoPath":"/src/repo",)"
              R"("baseBranch":"origin/main","createdAt":100},"notificationsMuted":false,)"
              R"("pullRequest":null,"archivedAt":null})");
    w.gitWorktree->baseBranch = "origin/dev";
    w.gitWorktree->createdAt = 90;
    auto git = toJson(w).at("gitWorktree");
    EXPECT_EQ(git.at("baseBranch"), "origin/dev");
    EXPECT_EQ(git.at("createdAt"), 90);
}

TEST(ApiEntityJson, SessionHasTheOriginalFieldsThenNullExtensions) {
    core::Session s;
    s.id = "s1";
    s.workspaceId = "w1";
    s.agentType = "codex";
    s.startedAt = 100;
    s.env = std::map<std::string, std::string>{{"SECRET", "x"}};
    s.hostPid = 5;
    s.logOffset = 10;
    EXPECT_EQ(text(toJson(s)),
              R"({"id":"s1","workspaceId":"w1","agentType":"codex","status":"starting",)"
              R"("processId":null,"startedAt":100,"completedAt":null,"kind":"agent","name":null,)"
              R"("command":null,"cwd":null,"exitCode":null,"signal":null,"exitReason":null,)"
              R"("firstOutputAt":null,"readyAt":null,"peakMemoryMb":null,)"
              R"("peakCpuPercent":null,"activity":{"state":"starting","waitingFor":null,)"
              R"("reason":null,"source":"lifecycle","since":0},"parentSessionId":null})");
}

TEST(ApiEntityJson, SessionExtensionsWhenKnown) {
    core::Session s;
    s.id = "s1";
    s.workspaceId = "w1";
    s.agentType = "npm";
    s.status = core::SessionStatus::Failed;
    s.processId = 42;
    s.completedAt = 300;
    s.name = "dev";
    s.command = std::vector<std::string>{"npm", "run", "dev"};
    s.cwd = "/work";
    s.exitCode = 1;
    s.exitSignal = 9;
    s.exitReason = "killed";
    s.firstOutputAt = 110;
    s.readyAt = 120;
    s.peakMemoryMb = 64.5;
    s.peakCpuPercent = 12.0;
    json::value v = toJson(s);
    EXPECT_EQ(v.at("status"), "failed");
    EXPECT_EQ(v.at("processId"), 42);
    EXPECT_EQ(v.at("startedAt"), nullptr);
    EXPECT_EQ(v.at("completedAt"), 300);
    EXPECT_EQ(text(v.at("command")), R"(["npm","run","dev"])");
    EXPECT_EQ(v.at("cwd"), "/work");
    EXPECT_EQ(v.at("exitCode"), 1);
    EXPECT_EQ(v.at("signal"), 9);
    EXPECT_EQ(v.at("exitReason"), "killed");
    EXPECT_EQ(v.at("firstOutputAt"), 110);
    EXPECT_EQ(v.at("readyAt"), 120);
    EXPECT_EQ(v.at("peakMemoryMb").as_double(), 64.5);
    EXPECT_EQ(v.at("peakCpuPercent").as_double(), 12.0);
    EXPECT_FALSE(v.as_object().contains("env"));
    EXPECT_FALSE(v.as_object().contains("hostPid"));
    EXPECT_FALSE(v.as_object().contains("logOffset"));
}

TEST(ApiEntityJson, HistoryItemAddsCountsDurationAndANullLastMessage) {
    core::SessionHistoryItem item;
    item.session.id = "s1";
    item.session.workspaceId = "w1";
    item.session.agentType = "codex";
    item.session.status = core::SessionStatus::Completed;
    json::value v = toJson(item);
    EXPECT_EQ(v.at("id"), "s1");
    EXPECT_EQ(v.at("messageCount"), 0);
    EXPECT_EQ(v.at("duration"), 0);
    ASSERT_TRUE(v.as_object().contains("lastMessage"));
    EXPECT_EQ(v.at("lastMessage"), nullptr);
    item.messageCount = 2;
    item.duration = 1500;
    item.lastMessage = "bye";
    v = toJson(item);
    EXPECT_EQ(v.at("messageCount"), 2);
    EXPECT_EQ(v.at("duration"), 1500);
    EXPECT_EQ(v.at("lastMessage"), "bye");
}

TEST(ApiEntityJson, MessageLogAndFileChange) {
    EXPECT_EQ(text(toJson(core::Message{"m1", "s1", core::MessageRole::User, "hi", 5})),
              R"({"id":"m1","sessionId":"s1","role":"user","content":"hi","timestamp":5})");
    EXPECT_EQ(text(toJson(core::AgentLog{7, "s1", 6, core::LogLevel::Warning, "careful\r"})),
              R"({"id":7,"sessionId":"s1","timestamp":6,"level":"warning","message":"careful\r"})");
    EXPECT_EQ(text(toJson(
                  core::FileChange{3, "s1", "a.txt", core::ChangeType::Modified, std::nullopt, 8})),
              R"({"id":3,"sessionId":"s1","filePath":"a.txt","changeType":"modified",)"
              R"("diff":null,"timestamp":8})");
}

TEST(ApiEntityJson, LogTextIsSanitizedAgainOnTheWayOut) {
    core::AgentLog log{1, "s1", 1, core::LogLevel::Info, "\x1b[31mred\x1b[0m done\x07"};
    EXPECT_EQ(toJson(log).at("message"), "red done");
    core::ConversationEvent e{"1",
                              core::ConversationEventType::AgentLog,
                              1,
                              log.message,
                              std::nullopt,
                              core::LogLevel::Info};
    EXPECT_EQ(toJson(e).at("content"), "red done");
}

TEST(ApiEntityJson, ConversationEvents) {
    core::ConversationEvent message{"m1",
                                    core::ConversationEventType::Message,
                                    10,
                                    "hello prompt",
                                    core::MessageRole::User,
                                    std::nullopt};
    EXPECT_EQ(text(toJson(message)),
              R"({"id":"m1","type":"message","timestamp":10,"content":"hello prompt",)"
              R"("role":"user","level":null})");
    core::ConversationEvent log{"1",          core::ConversationEventType::AgentLog,
                                11,           "fake agent started\r",
                                std::nullopt, core::LogLevel::Info};
    EXPECT_EQ(text(toJson(log)),
              R"({"id":"1","type":"agent_log","timestamp":11,"content":"fake agent started\r",)"
              R"("role":null,"level":"info"})");
}

TEST(ApiEntityJson, ArraysKeepOrder) {
    std::vector<core::Message> messages = {{"a", "s", core::MessageRole::User, "1", 1},
                                           {"b", "s", core::MessageRole::User, "2", 2}};
    json::value v = toJsonArray(messages);
    ASSERT_EQ(v.as_array().size(), 2u);
    EXPECT_EQ(v.as_array()[0].at("id"), "a");
    EXPECT_EQ(v.as_array()[1].at("id"), "b");
    EXPECT_EQ(text(toJsonArray(std::vector<core::Repository>{})), "[]");
}

}  // namespace
}  // namespace parawork::api
