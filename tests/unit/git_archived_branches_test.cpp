// Unit tests of archived branches against real repositories: the hidden ref keeps a deleted
// branch restorable, the worktree comes back at its path, and a checkpoint's uncommitted work
// (changed, new and deleted files) is written back without touching the index.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/archived_branches.hpp"
#include "git/checkpoints.hpp"
#include "git/worktrees.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;

class ArchivedBranchTest : public ::testing::Test {
  protected:
    ArchivedBranchTest() : repo_(makeRepo(sandbox_ / "app")), ws_(sandbox_ / "ws") {
        writeFile(repo_ / "gone.txt", "tracked\n");
        commitAll(repo_, "two files");
        git(repo_, {"worktree", "add", "-q", "-b", "ws", ws_.string(), "main"});
        writeFile(ws_ / "a.txt", "committed\n");
        commitAll(ws_, "ws");
    }

    Sandbox sandbox_;
    fs::path repo_;
    fs::path ws_;
};

TEST_F(ArchivedBranchTest, RoundTripKeepsCommitsAndUncommittedWork) {
    const std::string id = "0b5c77aa-1111-4222-8333-444455556666";
    writeFile(ws_ / "a.txt", "changed, uncommitted\n");
    writeFile(ws_ / "new.txt", "untracked\n");
    fs::remove(ws_ / "gone.txt");
    createCheckpoint(ws_, id, "archived");
    std::string tip = git(repo_, {"rev-parse", "ws"});
    keepArchivedTip(repo_, id, "ws");
    removeWorktree(repo_, ws_, "ws", /*deleteBranch=*/true);
    EXPECT_FALSE(fs::exists(ws_));

    restoreArchivedWorktree(repo_, id, "ws", ws_);
    EXPECT_EQ(git(repo_, {"rev-parse", "ws"}), tip);
    EXPECT_EQ(readFile(ws_ / "a.txt"), "committed\n");
    auto checkpoints = listCheckpoints(repo_, id);
    ASSERT_EQ(checkpoints.size(), 1u);
    moveWorkingFiles(ws_, "HEAD", checkpoints.front().tree);
    EXPECT_EQ(readFile(ws_ / "a.txt"), "changed, uncommitted\n");
    EXPECT_EQ(readFile(ws_ / "new.txt"), "untracked\n");
    EXPECT_FALSE(fs::exists(ws_ / "gone.txt"));
    // Uncommitted again: the index is still HEAD's.
    EXPECT_EQ(git(ws_, {"status", "--porcelain"}), " M a.txt\n D gone.txt\n?? new.txt\n");
}

TEST_F(ArchivedBranchTest, RefusesWhatCannotBeRestoredAndHostileIds) {
    removeWorktree(repo_, ws_, "ws", true);
    EXPECT_THROW(restoreArchivedWorktree(repo_, "abc", "ws", ws_), core::Error);  // no ref
    for (std::string bad : {"../x", "a.b", "a/b", "", "a\nb"})
        EXPECT_THROW(archivedRef(bad), core::Error) << bad;
    EXPECT_THROW(keepArchivedTip(repo_, "abc", "--force"), core::Error);
    git(repo_, {"branch", "ws", "main"});
    fs::create_directories(ws_);
    EXPECT_THROW(restoreArchivedWorktree(repo_, "abc", "ws", ws_), core::Error);  // path taken
}

}  // namespace
}  // namespace parawork::git
