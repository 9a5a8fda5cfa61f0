// listSessions: every session of every workspace and kind, newest first, for the CLI's `ps`
// (GET /api/sessions); active ones only unless asked for all; bounded by a limit.
#include <gtest/gtest.h>

#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::store {
namespace {

using namespace fixture;
using core::SessionStatus;

class SessionListTest : public StoreTest {
  protected:
    void SetUp() override {
        insertWorkspace(db_, makeWorkspace("w1"));
        insertWorkspace(db_, makeWorkspace("w2"));
        insertSession(db_, makeSession("done", "w1", SessionStatus::Completed, 1000));
        auto command = makeSession("cmd", "w2", SessionStatus::Running, 2000);
        command.kind = core::SessionKind::Command;
        insertSession(db_, command);
        auto terminal = makeSession("term", "w1", SessionStatus::Starting, 3000);
        terminal.kind = core::SessionKind::Terminal;
        insertSession(db_, terminal);
        insertSession(db_, makeSession("failed", "w2", SessionStatus::Failed, 3000));
    }
};

std::vector<std::string> ids(const std::vector<core::Session>& list) {
    std::vector<std::string> out;
    for (const auto& s : list) out.push_back(s.id);
    return out;
}

TEST_F(SessionListTest, ActiveOnlyAcrossWorkspacesAndKinds) {
    EXPECT_EQ(ids(listSessions(db_, true)), (std::vector<std::string>{"term", "cmd"}));
}

TEST_F(SessionListTest, AllNewestFirstWithInsertionOrderOnTies) {
    EXPECT_EQ(ids(listSessions(db_, false)),
              (std::vector<std::string>{"failed", "term", "cmd", "done"}));
}

TEST_F(SessionListTest, LimitKeepsTheNewest) {
    EXPECT_EQ(ids(listSessions(db_, false, 2)), (std::vector<std::string>{"failed", "term"}));
    EXPECT_EQ(listSessions(db_, true, 0).size(), 2u);
}

}  // namespace
}  // namespace parawork::store
