// Unit tests of archived branches against real repositories: the hidden ref keeps a deleted
// branch restorable, the worktree comes back at its path, and a checkpoint's uncommitted work
// (changed, new and deleted files) is written back without touching the index.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/archived_branches.hpp"
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

    /// A checkpoint as the checkpoints part makes one: the worktree's files as a commit under
    /// refs/parawork/checkpoints/<id>/, made through a temporary index.
    void checkpoint(const std::string& id) {
        std::string index = (sandbox_ / "tmp-index").string();
        GitCommand add{.args = {"add", "-A"}, .cwd = ws_, .env = {{"GIT_INDEX_FILE", index}}};
        ASSERT_TRUE(runGit(add).ok());
        GitCommand tree{.args = {"write-tree"}, .cwd = ws_, .env = {{"GIT_INDEX_FILE", index}}};
        std::string treeId = runGit(tree).out.substr(0, 40);
        std::string commit =
            git(ws_, {"commit-tree", "-m", "checkpoint", "-p", "HEAD", treeId}).substr(0, 40);
        git(ws_, {"update-ref", "refs/parawork/checkpoints/" + id + "/1", commit});
    }

    Sandbox sandbox_;
    fs::path repo_;
    fs::path ws_;
};

TEST_F(ArchivedBranchTest, RoundTripKeepsCommitsAndUncommittedWork) {
    const std::string id = "0b5c-77aa";
    writeFile(ws_ / "a.txt", "changed, uncommitted\n");
    writeFile(ws_ / "new.txt", "untracked\n");
    fs::remove(ws_ / "gone.txt");
    checkpoint(id);
    std::string tip = git(repo_, {"rev-parse", "ws"});
    keepArchivedTip(repo_, id, "ws");
    removeWorktree(repo_, ws_, "ws", /*deleteBranch=*/true);
    EXPECT_FALSE(fs::exists(ws_));

    restoreArchivedWorktree(repo_, id, "ws", ws_);
    EXPECT_EQ(git(repo_, {"rev-parse", "ws"}), tip);
    EXPECT_EQ(readFile(ws_ / "a.txt"), "committed\n");
    auto checkpointId = newestCheckpoint(repo_, id);
    ASSERT_TRUE(checkpointId);
    restoreUncommittedFiles(ws_, *checkpointId);
    EXPECT_EQ(readFile(ws_ / "a.txt"), "changed, uncommitted\n");
    EXPECT_EQ(readFile(ws_ / "new.txt"), "untracked\n");
    EXPECT_FALSE(fs::exists(ws_ / "gone.txt"));
    // Uncommitted again: the index is still HEAD's.
    EXPECT_EQ(git(ws_, {"status", "--porcelain"}), " M a.txt\n D gone.txt\n?? new.txt\n");
}

TEST_F(ArchivedBranchTest, RefusesWhatCannotBeRestoredAndHostileIds) {
    EXPECT_FALSE(newestCheckpoint(repo_, "abc"));
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
