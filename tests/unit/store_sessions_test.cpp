// Unit tests of the sessions queries against a real SQLite file: every field round-trips (our
// extensions too), the newest-first orders of §4.4, re-adoption by status, partial updates, the
// history items of §3, and the one-transaction start/resume record.
#include <SQLiteCpp/Exception.h>
#include <gtest/gtest.h>

#include "store/messages.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::store {
namespace {

using namespace fixture;
using core::SessionStatus;

class SessionsTest : public StoreTest {
  protected:
    void SetUp() override {
        insertWorkspace(db_, makeWorkspace("w1"));
        insertWorkspace(db_, makeWorkspace("w2"));
    }
};

std::vector<std::string> ids(const std::vector<core::Session>& list) {
    std::vector<std::string> out;
    for (const auto& s : list) out.push_back(s.id);
    return out;
}

TEST_F(SessionsTest, RoundTripsEveryField) {
    core::Session s = makeSession("s1", "w1", SessionStatus::Running, 1000);
    s.agentType = "my-script.sh";  // any non-empty name
    s.processId = 4242;
    s.completedAt = 2000;
    s.name = "dev server";
    s.command = std::vector<std::string>{"npm", "run", "dev", "--", "say \"hi\"\\\n\t\x01 é"};
    s.cwd = "/work/w1";
    s.env = std::map<std::string, std::string>{{"PORT", "3000"}, {"Q", "a\"b"}};
    s.exitCode = 3;
    s.exitSignal = 15;
    s.exitReason = "stopped";
    s.hostPid = 4241;
    s.firstOutputAt = 1010;
    s.readyAt = 1500;
    s.peakMemoryMb = 123.5;
    s.peakCpuPercent = 87.25;
    s.logOffset = 65536;
    insertSession(db_, s);
    auto found = findSession(db_, "s1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->workspaceId, "w1");
    EXPECT_EQ(found->agentType, "my-script.sh");
    EXPECT_EQ(found->status, SessionStatus::Running);
    EXPECT_EQ(found->processId, 4242);
    EXPECT_EQ(found->startedAt, 1000);
    EXPECT_EQ(found->completedAt, 2000);
    EXPECT_EQ(found->name, "dev server");
    EXPECT_EQ(found->command, s.command);
    EXPECT_EQ(found->cwd, "/work/w1");
    EXPECT_EQ(found->env, s.env);
    EXPECT_EQ(found->exitCode, 3);
    EXPECT_EQ(found->exitSignal, 15);
    EXPECT_EQ(found->exitReason, "stopped");
    EXPECT_EQ(found->hostPid, 4241);
    EXPECT_EQ(found->firstOutputAt, 1010);
    EXPECT_EQ(found->readyAt, 1500);
    EXPECT_EQ(found->peakMemoryMb, 123.5);
    EXPECT_EQ(found->peakCpuPercent, 87.25);
    EXPECT_EQ(found->logOffset, 65536);
    EXPECT_FALSE(findSession(db_, "nope"));
}

TEST_F(SessionsTest, ActivityRoundTripsWhileLiveAndIsTheEndOnceEnded) {
    insertSession(db_, makeSession("s1", "w1", SessionStatus::Running, 1000));
    auto fresh = findSession(db_, "s1");
    ASSERT_TRUE(fresh);
    EXPECT_EQ(fresh->activity.state, core::ActivityState::Starting);
    EXPECT_EQ(fresh->activity.since, 1000);

    core::Activity waiting{core::ActivityState::Waiting, core::WaitingFor::Permission,
                           "wants to run `rm -rf build`", core::ActivitySource::Hook, 1500};
    SessionPatch patch;
    patch.activity = waiting;
    auto updated = updateSession(db_, "s1", patch);
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->activity, waiting);

    SessionPatch end;
    end.status = SessionStatus::Failed;
    end.completedAt = 2000;
    auto ended = updateSession(db_, "s1", end);
    ASSERT_TRUE(ended);
    EXPECT_EQ(ended->activity.state, core::ActivityState::Failed);
    EXPECT_EQ(ended->activity.waitingFor, core::WaitingFor::None);
    EXPECT_EQ(ended->activity.since, 2000);
}

TEST_F(SessionsTest, UnsetFieldsStayNullAndEmptyListsStayEmpty) {
    core::Session s = makeSession("s1", "w1", SessionStatus::Starting, 1000);
    s.startedAt.reset();
    insertSession(db_, s);
    core::Session empty = makeSession("s2", "w1", SessionStatus::Starting, 1000);
    empty.command = std::vector<std::string>{};
    empty.env = std::map<std::string, std::string>{};
    insertSession(db_, empty);
    auto found = findSession(db_, "s1");
    EXPECT_FALSE(found->startedAt || found->processId || found->completedAt || found->name ||
                 found->command || found->cwd || found->env || found->exitCode ||
                 found->exitSignal || found->exitReason || found->hostPid || found->firstOutputAt ||
                 found->readyAt || found->peakMemoryMb || found->peakCpuPercent);
    EXPECT_EQ(found->logOffset, 0);
    auto second = findSession(db_, "s2");
    EXPECT_EQ(second->command, std::vector<std::string>{});
    EXPECT_EQ(second->env, (std::map<std::string, std::string>{}));
}

TEST_F(SessionsTest, DamagedJsonColumnsReadAsUnknown) {
    insertSession(db_, makeSession("s1", "w1", SessionStatus::Running, 1000));
    db_.sql().exec("UPDATE sessions SET command_json = '[\"a\", 1]', env_json = '{nope'");
    auto found = findSession(db_, "s1");
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->command);
    EXPECT_FALSE(found->env);
    db_.sql().exec("UPDATE sessions SET command_json = '{\"a\":\"b\"}', env_json = '[\"x\"]'");
    found = findSession(db_, "s1");
    EXPECT_FALSE(found->command);
    EXPECT_FALSE(found->env);
}

TEST_F(SessionsTest, RefusesEmptyAgentTypeAndUnknownWorkspace) {
    core::Session s = makeSession("s1", "w1", SessionStatus::Starting, 1);
    s.agentType = "";
    EXPECT_THROW(insertSession(db_, s), SQLite::Exception);
    EXPECT_THROW(insertSession(db_, makeSession("s2", "nope", SessionStatus::Starting, 1)),
                 SQLite::Exception);
}

TEST_F(SessionsTest, ListsNewestFirstWithInsertionOrderOnTies) {
    insertSession(db_, makeSession("a", "w1", SessionStatus::Completed, 1000));
    insertSession(db_, makeSession("b", "w1", SessionStatus::Failed, 3000));
    insertSession(db_, makeSession("c", "w1", SessionStatus::Running, 2000));
    insertSession(db_, makeSession("d", "w1", SessionStatus::Completed, 3000));
    insertSession(db_, makeSession("x", "w2", SessionStatus::Running, 5000));
    EXPECT_EQ(ids(listSessionsByWorkspace(db_, "w1")),
              (std::vector<std::string>{"d", "b", "c", "a"}));
    EXPECT_TRUE(listSessionsByWorkspace(db_, "nope").empty());
}

TEST_F(SessionsTest, ParaworkListsShowAgentsOnlyAndKindsRoundTrip) {
    insertSession(db_, makeSession("a", "w1", SessionStatus::Completed, 1000));
    core::Session terminal = makeSession("t", "w1", SessionStatus::Completed, 2000);
    terminal.kind = core::SessionKind::Terminal;
    insertSession(db_, terminal);
    EXPECT_EQ(ids(listSessionsByWorkspace(db_, "w1")), (std::vector<std::string>{"a"}));
    EXPECT_EQ(ids(listSessionsByWorkspace(db_, "w1", core::SessionKind::Terminal)),
              (std::vector<std::string>{"t"}));
    ASSERT_EQ(listSessionHistory(db_, "w1").size(), 1u);
    EXPECT_EQ(findSession(db_, "t")->kind, core::SessionKind::Terminal);
}

TEST_F(SessionsTest, OneActiveAgentAndOneTerminalButAnyNumberOfCommands) {
    auto start = [&](const char* id, core::SessionKind kind) {
        core::Session s = makeSession(id, "w1", SessionStatus::Starting, 1000);
        s.kind = kind;
        return recordSessionStart(db_, {s, std::nullopt, std::nullopt});
    };
    EXPECT_EQ(start("a1", core::SessionKind::Agent), SessionStartOutcome::Recorded);
    EXPECT_EQ(start("t1", core::SessionKind::Terminal), SessionStartOutcome::Recorded);
    EXPECT_EQ(start("c1", core::SessionKind::Command), SessionStartOutcome::Recorded);
    EXPECT_EQ(start("c2", core::SessionKind::Command), SessionStartOutcome::Recorded);
    EXPECT_EQ(start("a2", core::SessionKind::Agent), SessionStartOutcome::WorkspaceBusy);
    EXPECT_EQ(start("t2", core::SessionKind::Terminal), SessionStartOutcome::WorkspaceBusy);
    EXPECT_EQ(listActiveSessionsInWorkspace(db_, "w1").size(), 4u);
}

TEST_F(SessionsTest, ActiveMeansStartingOrRunning) {
    insertSession(db_, makeSession("a", "w1", SessionStatus::Completed, 1000));
    insertSession(db_, makeSession("b", "w1", SessionStatus::Starting, 2000));
    insertSession(db_, makeSession("c", "w1", SessionStatus::Running, 3000));
    insertSession(db_, makeSession("d", "w1", SessionStatus::Failed, 4000));
    insertSession(db_, makeSession("x", "w2", SessionStatus::Running, 5000));
    EXPECT_EQ(ids(listActiveSessionsInWorkspace(db_, "w1")), (std::vector<std::string>{"c", "b"}));
}

TEST_F(SessionsTest, ListsByStatusAcrossWorkspacesOldestFirst) {
    insertSession(db_, makeSession("a", "w1", SessionStatus::Running, 3000));
    insertSession(db_, makeSession("b", "w2", SessionStatus::Starting, 1000));
    insertSession(db_, makeSession("c", "w1", SessionStatus::Completed, 2000));
    EXPECT_EQ(ids(listSessionsByStatus(db_, {SessionStatus::Starting, SessionStatus::Running})),
              (std::vector<std::string>{"b", "a"}));
    EXPECT_EQ(ids(listSessionsByStatus(db_, {SessionStatus::Completed})),
              (std::vector<std::string>{"c"}));
    EXPECT_TRUE(listSessionsByStatus(db_, {}).empty());
}

TEST_F(SessionsTest, UpdateChangesOnlyTheGivenFields) {
    core::Session s = makeSession("s1", "w1", SessionStatus::Starting, 1000);
    s.name = "agent";
    insertSession(db_, s);
    SessionPatch running;
    running.status = SessionStatus::Running;
    running.processId = 77;
    running.hostPid = 76;
    auto updated = updateSession(db_, "s1", running);
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->status, SessionStatus::Running);
    EXPECT_EQ(updated->processId, 77);
    EXPECT_EQ(updated->hostPid, 76);
    EXPECT_EQ(updated->name, "agent");
    EXPECT_FALSE(updated->completedAt);

    SessionPatch exited;
    exited.status = SessionStatus::Failed;
    exited.completedAt = 9000;
    exited.exitCode = 1;
    exited.exitSignal = 9;
    exited.exitReason = "killed";
    exited.firstOutputAt = 1001;
    exited.readyAt = 1200;
    exited.peakMemoryMb = 10.5;
    exited.peakCpuPercent = 99.0;
    exited.logOffset = 12345;
    updated = updateSession(db_, "s1", exited);
    EXPECT_EQ(updated->status, SessionStatus::Failed);
    EXPECT_EQ(updated->completedAt, 9000);
    EXPECT_EQ(updated->exitCode, 1);
    EXPECT_EQ(updated->exitSignal, 9);
    EXPECT_EQ(updated->exitReason, "killed");
    EXPECT_EQ(updated->firstOutputAt, 1001);
    EXPECT_EQ(updated->readyAt, 1200);
    EXPECT_EQ(updated->peakMemoryMb, 10.5);
    EXPECT_EQ(updated->peakCpuPercent, 99.0);
    EXPECT_EQ(updated->logOffset, 12345);
    EXPECT_EQ(updated->processId, 77);  // untouched
    EXPECT_EQ(*findSession(db_, "s1")->exitReason, "killed");

    EXPECT_EQ(updateSession(db_, "s1", {})->status, SessionStatus::Failed);
    EXPECT_FALSE(updateSession(db_, "nope", exited));
}

TEST_F(SessionsTest, HistoryHasFinishedSessionsWithCountsAndLastMessage) {
    core::Session done = makeSession("done", "w1", SessionStatus::Completed, 1000);
    done.completedAt = 4000;
    insertSession(db_, done);
    insertSession(db_, makeSession("failed", "w1", SessionStatus::Failed, 5000));  // no end
    insertSession(db_, makeSession("live", "w1", SessionStatus::Running, 6000));
    insertSession(db_, makeSession("other", "w2", SessionStatus::Completed, 7000));
    insertMessage(db_, makeMessage("m1", "done", "first", 1100));
    insertMessage(db_, makeMessage("m2", "done", "latest", 3000));
    insertMessage(db_, makeMessage("m3", "done", "middle", 2000));
    insertMessage(db_, makeMessage("m4", "live", "not history", 6100));

    auto history = listSessionHistory(db_, "w1");
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].session.id, "failed");  // newest first
    EXPECT_EQ(history[0].messageCount, 0);
    EXPECT_FALSE(history[0].lastMessage);
    EXPECT_EQ(history[0].duration, 0);  // no completedAt
    EXPECT_EQ(history[1].session.id, "done");
    EXPECT_EQ(history[1].messageCount, 3);
    EXPECT_EQ(history[1].lastMessage, "latest");  // latest timestamp, not latest insert
    EXPECT_EQ(history[1].duration, 3000);
    EXPECT_TRUE(listSessionHistory(db_, "nope").empty());
}

TEST_F(SessionsTest, StartRecordInsertsMarksWorkspaceAndStoresThePrompt) {
    SessionStartRecord start;
    start.session = makeSession("s1", "w1", SessionStatus::Starting, 1000);
    start.initialMessage = makeMessage("m1", "s1", "fix the bug", 1000);
    EXPECT_EQ(recordSessionStart(db_, start, 1000), SessionStartOutcome::Recorded);
    EXPECT_EQ(findSession(db_, "s1")->status, SessionStatus::Starting);
    auto workspace = findWorkspace(db_, "w1");
    EXPECT_EQ(workspace->status, core::WorkspaceStatus::Running);
    EXPECT_EQ(workspace->agentType, "claude-code");
    EXPECT_EQ(workspace->updatedAt, 1000);
    auto messages = listMessagesBySession(db_, "s1");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].content, "fix the bug");
}

TEST_F(SessionsTest, StartRecordRefusesABusyOrMissingWorkspaceAndWritesNothing) {
    insertSession(db_, makeSession("live", "w1", SessionStatus::Running, 500));
    SessionStartRecord start;
    start.session = makeSession("s1", "w1", SessionStatus::Starting, 1000);
    start.initialMessage = makeMessage("m1", "s1", "hello", 1000);
    EXPECT_EQ(recordSessionStart(db_, start, 1000), SessionStartOutcome::WorkspaceBusy);
    EXPECT_FALSE(findSession(db_, "s1"));
    EXPECT_EQ(findWorkspace(db_, "w1")->status, core::WorkspaceStatus::Idle);

    start.session.workspaceId = "nope";
    EXPECT_EQ(recordSessionStart(db_, start, 1000), SessionStartOutcome::WorkspaceNotFound);
    EXPECT_FALSE(findSession(db_, "s1"));
    EXPECT_TRUE(listMessagesBySession(db_, "s1").empty());
}

TEST_F(SessionsTest, ResumeRecordCopiesTheOriginalsMessages) {
    insertSession(db_, makeSession("old", "w1", SessionStatus::Completed, 500));
    insertMessage(db_, makeMessage("m1", "old", "one", 600));
    insertMessage(db_, makeMessage("m2", "old", "two", 700));
    SessionStartRecord resume;
    resume.session = makeSession("new", "w1", SessionStatus::Starting, 1000);
    resume.copyMessagesFrom = "old";
    EXPECT_EQ(recordSessionStart(db_, resume, 1000), SessionStartOutcome::Recorded);
    auto copied = listMessagesBySession(db_, "new");
    ASSERT_EQ(copied.size(), 2u);
    EXPECT_EQ(copied[0].content, "one");
    EXPECT_EQ(copied[1].content, "two");
    EXPECT_NE(copied[0].id, "m1");
    EXPECT_EQ(listMessagesBySession(db_, "old").size(), 2u);  // the original is unchanged
}

}  // namespace
}  // namespace parawork::store
