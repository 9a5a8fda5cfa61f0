// Batches of file changes (the file watcher's writes): one transaction, bounded per session.
#include <SQLiteCpp/Exception.h>
#include <gtest/gtest.h>

#include "store/file_changes.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::store {
namespace {

using namespace fixture;

class FileChangesTest : public StoreTest {
  protected:
    void SetUp() override {
        insertWorkspace(db_, makeWorkspace("w1"));
        insertSession(db_, makeSession("s1", "w1", core::SessionStatus::Running, 1000));
        insertSession(db_, makeSession("s2", "w1", core::SessionStatus::Running, 1000));
    }

    static core::FileChange change(std::string session, std::string path, std::int64_t at,
                                   std::optional<std::string> diff = std::nullopt) {
        core::FileChange c;
        c.sessionId = std::move(session);
        c.filePath = std::move(path);
        c.changeType = core::ChangeType::Created;
        c.diff = std::move(diff);
        c.timestamp = at;
        return c;
    }
};

TEST_F(FileChangesTest, ABatchIsInsertedAndListedNewestFirst) {
    std::vector<core::FileChange> batch{change("s1", "a", 10, "+a\n"), change("s1", "b", 20),
                                        change("s2", "c", 15)};
    auto ids = insertFileChanges(db_, batch, 100);
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_LT(ids[0], ids[1]);
    auto s1 = listFileChangesBySession(db_, "s1");
    ASSERT_EQ(s1.size(), 2u);
    EXPECT_EQ(s1[0].filePath, "b");
    EXPECT_EQ(s1[0].id, ids[1]);
    EXPECT_EQ(s1[0].diff, std::nullopt);
    EXPECT_EQ(s1[1].diff, "+a\n");
    EXPECT_EQ(countFileChangesBySession(db_, "s2"), 1);
    EXPECT_TRUE(insertFileChanges(db_, {}, 100).empty());
}

TEST_F(FileChangesTest, EachSessionKeepsItsNewestRows) {
    for (int round = 0; round < 3; ++round) {
        std::vector<core::FileChange> batch;
        for (int i = 0; i < 10; ++i)
            batch.push_back(change("s1", std::to_string(round * 10 + i), round * 10 + i));
        batch.push_back(change("s2", "other" + std::to_string(round), round));
        insertFileChanges(db_, batch, 15);
    }
    auto kept = listFileChangesBySession(db_, "s1");
    ASSERT_EQ(kept.size(), 15u);
    EXPECT_EQ(kept.front().filePath, "29");
    EXPECT_EQ(kept.back().filePath, "15");
    EXPECT_EQ(countFileChangesBySession(db_, "s2"), 3);
}

TEST_F(FileChangesTest, AnUnknownSessionFailsTheWholeBatch) {
    std::vector<core::FileChange> batch{change("s1", "a", 1), change("nope", "b", 2)};
    EXPECT_THROW(insertFileChanges(db_, batch, 100), SQLite::Exception);
    EXPECT_EQ(countFileChangesBySession(db_, "s1"), 0);
}

}  // namespace
}  // namespace parawork::store
