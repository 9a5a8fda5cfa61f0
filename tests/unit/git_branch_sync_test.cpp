// Unit tests of a workspace branch kept current with its base, against real repositories:
// ahead/behind (with and without a fetch), rebase and merge, conflicts left in progress and
// aborted back to where they started, and the refusals (uncommitted work, a sync in progress,
// hostile base names).
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/branch_sync.hpp"
#include "git/git_lists.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;

/// A repository on main and a workspace worktree on branch "ws" made from it.
class BranchSyncTest : public ::testing::Test {
  protected:
    BranchSyncTest() : repo_(makeRepo(sandbox_ / "app")), ws_(sandbox_ / "ws") {
        writeFile(repo_ / "shared.txt", "one\ntwo\nthree\n");
        commitAll(repo_, "shared");
        git(repo_, {"worktree", "add", "-q", "-b", "ws", ws_.string(), "main"});
    }

    std::string head(const fs::path& dir) { return firstLine(git(dir, {"rev-parse", "HEAD"})); }
    static std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

    /// A commit on main and one on ws that change the same line of shared.txt.
    void makeConflict() {
        writeFile(repo_ / "shared.txt", "one\nMAIN\nthree\n");
        commitAll(repo_, "main edits");
        writeFile(ws_ / "shared.txt", "one\nWS\nthree\n");
        commitAll(ws_, "ws edits");
    }

    Sandbox sandbox_;
    fs::path repo_;
    fs::path ws_;
};

TEST_F(BranchSyncTest, CountsAheadAndBehind) {
    writeFile(repo_ / "base.txt", "base\n");
    commitAll(repo_, "base 1");
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws 1");
    writeFile(ws_ / "b.txt", "b\n");
    commitAll(ws_, "ws 2");
    BranchStanding s = branchStanding(ws_, "main", false);
    EXPECT_EQ(s.ahead, 2);
    EXPECT_EQ(s.behind, 1);
    EXPECT_EQ(s.head, head(ws_));
    EXPECT_EQ(s.baseCommit, head(repo_));
    EXPECT_FALSE(s.fetched);
    EXPECT_FALSE(s.fetchError);
}

TEST_F(BranchSyncTest, FetchesTheBasesRemoteFirstAndReportsAFailedFetch) {
    fs::path clone = makeClone(sandbox_, "cloned");
    fs::path wsClone = sandbox_ / "ws-clone";
    git(clone, {"worktree", "add", "-q", "-b", "ws", wsClone.string(), "origin/main"});
    // Someone else pushes to origin: only a fetch shows it.
    fs::path other = sandbox_ / "other";
    git(sandbox_.path(), {"clone", "-q", "origin.git", "other"});
    writeFile(other / "new.txt", "new\n");
    git(other, {"add", "-A"});
    git(other, {"-c", "user.name=O", "-c", "user.email=o@x.invalid", "commit", "-q", "-m", "o"});
    git(other, {"push", "-q", "origin", "main"});

    EXPECT_EQ(branchStanding(wsClone, "origin/main", false).behind, 0);
    BranchStanding fetched = branchStanding(wsClone, "origin/main", true);
    EXPECT_TRUE(fetched.fetched);
    EXPECT_EQ(fetched.behind, 1);

    git(clone, {"remote", "set-url", "origin", (sandbox_ / "gone.git").string()});
    BranchStanding failed = branchStanding(wsClone, "origin/main", true);
    EXPECT_FALSE(failed.fetched);
    ASSERT_TRUE(failed.fetchError);
    EXPECT_FALSE(failed.fetchError->empty());
    EXPECT_EQ(failed.behind, 1);  // the standing against what was fetched before
}

TEST_F(BranchSyncTest, UpToDateWhenTheBaseIsAlreadyIn) {
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws 1");
    std::string before = head(ws_);
    SyncOutcome out = syncWithBase(ws_, "main", SyncMethod::Rebase);
    EXPECT_EQ(out.result, SyncResult::UpToDate);
    EXPECT_EQ(out.head, before);
}

TEST_F(BranchSyncTest, RebasesOntoTheBase) {
    writeFile(repo_ / "base.txt", "base\n");
    commitAll(repo_, "base 1");
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws 1");
    SyncOutcome out = syncWithBase(ws_, "main", SyncMethod::Rebase);
    EXPECT_EQ(out.result, SyncResult::Synced);
    EXPECT_EQ(out.head, head(ws_));
    EXPECT_EQ(firstLine(git(ws_, {"rev-parse", "HEAD~1"})), head(repo_));  // linear on top
    BranchStanding s = branchStanding(ws_, "main", false);
    EXPECT_EQ(s.ahead, 1);
    EXPECT_EQ(s.behind, 0);
    EXPECT_EQ(readFile(ws_ / "base.txt"), "base\n");
}

TEST_F(BranchSyncTest, MergesTheBaseIn) {
    writeFile(repo_ / "base.txt", "base\n");
    commitAll(repo_, "base 1");
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws 1");
    SyncOutcome out = syncWithBase(ws_, "main", SyncMethod::Merge);
    EXPECT_EQ(out.result, SyncResult::Synced);
    std::string parents = git(ws_, {"rev-list", "--parents", "-n", "1", "HEAD"});
    EXPECT_EQ(std::count(parents.begin(), parents.end(), ' '), 2);  // a merge commit
    EXPECT_EQ(branchStanding(ws_, "main", false).behind, 0);
}

TEST_F(BranchSyncTest, RebaseConflictsStayInProgressAndAbortRestores) {
    makeConflict();
    std::string before = head(ws_);
    SyncOutcome out = syncWithBase(ws_, "main", SyncMethod::Rebase);
    EXPECT_EQ(out.result, SyncResult::Conflicts);
    EXPECT_EQ(out.conflictedFiles, std::vector<std::string>{"shared.txt"});
    auto progress = syncInProgress(ws_);
    ASSERT_TRUE(progress);
    EXPECT_EQ(progress->method, SyncMethod::Rebase);
    EXPECT_EQ(progress->conflictedFiles, std::vector<std::string>{"shared.txt"});

    EXPECT_EQ(abortSync(ws_), before);
    EXPECT_EQ(head(ws_), before);
    EXPECT_FALSE(syncInProgress(ws_));
    EXPECT_EQ(readFile(ws_ / "shared.txt"), "one\nWS\nthree\n");
    EXPECT_TRUE(uncommittedFiles(ws_).empty());
}

TEST_F(BranchSyncTest, MergeConflictsStayInProgressAndAbortRestores) {
    makeConflict();
    std::string before = head(ws_);
    SyncOutcome out = syncWithBase(ws_, "main", SyncMethod::Merge);
    EXPECT_EQ(out.result, SyncResult::Conflicts);
    EXPECT_EQ(out.conflictedFiles, std::vector<std::string>{"shared.txt"});
    ASSERT_TRUE(syncInProgress(ws_));
    EXPECT_EQ(syncInProgress(ws_)->method, SyncMethod::Merge);
    EXPECT_EQ(abortSync(ws_), before);
    EXPECT_EQ(readFile(ws_ / "shared.txt"), "one\nWS\nthree\n");
    EXPECT_TRUE(uncommittedFiles(ws_).empty());
}

TEST_F(BranchSyncTest, RefusesUncommittedChangesAndTouchesNothing) {
    writeFile(repo_ / "base.txt", "base\n");
    commitAll(repo_, "base 1");
    writeFile(ws_ / "shared.txt", "dirty\n");
    writeFile(ws_ / "untracked.txt", "new\n");
    std::string before = head(ws_);
    EXPECT_THROW(syncWithBase(ws_, "main", SyncMethod::Rebase), SyncRefused);
    EXPECT_EQ(head(ws_), before);
    EXPECT_EQ(readFile(ws_ / "shared.txt"), "dirty\n");
    EXPECT_EQ(uncommittedFiles(ws_), (std::vector<std::string>{"shared.txt", "untracked.txt"}));
}

TEST_F(BranchSyncTest, RefusesASecondSyncAndAnAbortWithNothingInProgress) {
    EXPECT_THROW(abortSync(ws_), SyncRefused);
    makeConflict();
    syncWithBase(ws_, "main", SyncMethod::Rebase);
    EXPECT_THROW(syncWithBase(ws_, "main", SyncMethod::Merge), SyncRefused);
    abortSync(ws_);
}

TEST_F(BranchSyncTest, HostileBaseNamesNeverReachGit) {
    for (std::string bad : {"--upload-pack=touch pwned", "-x", "main..ws", "ma\x01in", "main~1"}) {
        EXPECT_THROW(branchStanding(ws_, bad, true), core::Error) << bad;
        EXPECT_THROW(syncWithBase(ws_, bad, SyncMethod::Rebase), core::Error) << bad;
    }
    EXPECT_FALSE(fs::exists(ws_ / "pwned"));
    EXPECT_FALSE(syncInProgress(ws_));
}

TEST(GitLists, ReadsNulListsAndStatusPathsWithinTheirLimits) {
    using namespace std::string_view_literals;
    EXPECT_EQ(splitNulList("tree\0a\0b\0\0message\0"sv, 10),
              (std::vector<std::string>{"tree", "a", "b"}));
    EXPECT_EQ(splitNulList("a\0b\0c\0"sv, 2), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(splitNulListAll("w a\0h\0\0w b\0"sv), (std::vector<std::string>{"w a", "h", "w b"}));
    EXPECT_EQ(statusPaths("R  new.txt\0old.txt\0 M x y.txt\0?? z\0"sv, 10),
              (std::vector<std::string>{"new.txt", "x y.txt", "z"}));
    EXPECT_EQ(statusPaths(" M a\0 M b\0"sv, 1), std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace parawork::git
