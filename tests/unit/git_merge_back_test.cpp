// Unit tests of merging a workspace branch back into its base against real repositories:
// merge-tree's verdicts, the three modes, the refusals (conflicts, an impossible fast-forward, a
// base that moved between the check and the update, a checked-out base with local changes —
// whose files and index stay byte-identical) and hostile names and messages.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/merge_back.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;

/// A repository whose main checkout is on main, a base branch "release" checked out nowhere,
/// and a workspace branch "ws" (from release) in its own worktree.
class MergeBackTest : public ::testing::Test {
  protected:
    MergeBackTest() : repo_(makeRepo(sandbox_ / "app")), ws_(sandbox_ / "ws") {
        writeFile(repo_ / "shared.txt", "one\ntwo\nthree\n");
        commitAll(repo_, "shared");
        git(repo_, {"branch", "release"});
        git(repo_, {"worktree", "add", "-q", "-b", "ws", ws_.string(), "release"});
    }

    std::string rev(const std::string& ref) {
        std::string out = git(repo_, {"rev-parse", ref});
        return out.substr(0, out.find('\n'));
    }
    /// A commit on `branch` made in a scratch worktree (so main's checkout stays as it is).
    void commitOn(const std::string& branch, const std::string& file, const std::string& text) {
        fs::path scratch = sandbox_ / "scratch";
        git(repo_, {"worktree", "add", "-q", scratch.string(), branch});
        writeFile(scratch / file, text);
        commitAll(scratch, "edit " + file);
        git(repo_, {"worktree", "remove", "--force", scratch.string()});
    }
    MergeRequest request(std::optional<MergeMode> mode, std::string base = "release") {
        return MergeRequest{.repo = repo_, .branch = "ws", .base = base, .mode = mode};
    }
    MergeRefusal refusal(const MergeRequest& r) {
        try {
            mergeIntoBase(r);
        } catch (const MergeRefused& e) {
            return e.why;
        }
        ADD_FAILURE() << "merged";
        return MergeRefusal::Conflicts;
    }

    Sandbox sandbox_;
    fs::path repo_;
    fs::path ws_;
};

TEST_F(MergeBackTest, ChecksCleanFastForwardAndConflicts) {
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws");
    MergeCheck ff = checkMerge(repo_, "ws", "release");
    EXPECT_TRUE(ff.clean);
    EXPECT_TRUE(ff.fastForward);
    EXPECT_EQ(ff.head, rev("ws"));
    EXPECT_EQ(ff.baseCommit, rev("release"));

    commitOn("release", "shared.txt", "one\nBASE\nthree\n");
    writeFile(ws_ / "shared.txt", "one\nWS\nthree\n");
    commitAll(ws_, "ws conflict");
    MergeCheck conflict = checkMerge(repo_, "ws", "release");
    EXPECT_FALSE(conflict.clean);
    EXPECT_FALSE(conflict.fastForward);
    EXPECT_EQ(conflict.conflictedFiles, std::vector<std::string>{"shared.txt"});
}

TEST_F(MergeBackTest, FastForwardsABaseCheckedOutNowhere) {
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws");
    std::string old = rev("release");
    MergeOutcome out = mergeIntoBase(request(MergeMode::FastForward));
    EXPECT_EQ(out.mode, MergeMode::FastForward);
    EXPECT_EQ(out.previousBaseCommit, old);
    EXPECT_EQ(out.baseCommit, rev("ws"));
    EXPECT_EQ(rev("release"), rev("ws"));
}

TEST_F(MergeBackTest, MergeCommitHasBaseAndBranchAsParentsAndTheDefaultIsFfElseMerge) {
    commitOn("release", "base.txt", "base\n");
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws");
    std::string old = rev("release");
    MergeOutcome out = mergeIntoBase(request(std::nullopt));  // ff impossible: a merge
    EXPECT_EQ(out.mode, MergeMode::Merge);
    EXPECT_EQ(rev("release^1"), old);
    EXPECT_EQ(rev("release^2"), rev("ws"));
    EXPECT_EQ(git(repo_, {"show", "release:a.txt"}), "a\n");
    EXPECT_EQ(git(repo_, {"log", "-1", "--format=%s", "release"}), "Merge branch 'ws'\n");
}

TEST_F(MergeBackTest, SquashMakesOneCommitOnTheBase) {
    commitOn("release", "base.txt", "base\n");
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws 1");
    writeFile(ws_ / "b.txt", "b\n");
    commitAll(ws_, "ws 2");
    std::string old = rev("release");
    MergeRequest r = request(MergeMode::Squash);
    r.message = "--help -p HEAD";  // a message, never an option
    mergeIntoBase(r);
    EXPECT_EQ(rev("release^1"), old);
    EXPECT_FALSE(runGit({.args = {"rev-parse", "--verify", "-q", "release^2"}, .cwd = repo_}).ok());
    EXPECT_EQ(git(repo_, {"show", "release:b.txt"}), "b\n");
    EXPECT_EQ(git(repo_, {"log", "-1", "--format=%B", "release"}), "--help -p HEAD\n\n");
}

TEST_F(MergeBackTest, RefusesConflictsAndAnImpossibleFastForwardAndChangesNothing) {
    commitOn("release", "shared.txt", "one\nBASE\nthree\n");
    writeFile(ws_ / "other.txt", "x\n");
    commitAll(ws_, "ws");
    std::string old = rev("release");
    EXPECT_EQ(refusal(request(MergeMode::FastForward)), MergeRefusal::FastForwardImpossible);
    writeFile(ws_ / "shared.txt", "one\nWS\nthree\n");
    commitAll(ws_, "ws conflict");
    try {
        mergeIntoBase(request(MergeMode::Merge));
        ADD_FAILURE() << "merged";
    } catch (const MergeRefused& e) {
        EXPECT_EQ(e.why, MergeRefusal::Conflicts);
        EXPECT_EQ(e.conflictedFiles, std::vector<std::string>{"shared.txt"});
    }
    EXPECT_EQ(rev("release"), old);
    EXPECT_EQ(refusal(request(MergeMode::Merge, "ws")), MergeRefusal::NothingToMerge);
}

TEST_F(MergeBackTest, ABaseMovedBetweenCheckAndUpdateIsRefused) {
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws");
    MergeRequest r = request(MergeMode::Merge);
    r.beforeUpdate = [&] { commitOn("release", "late.txt", "late\n"); };
    EXPECT_EQ(refusal(r), MergeRefusal::BaseMoved);
    EXPECT_EQ(git(repo_, {"show", "release:late.txt"}), "late\n");
    EXPECT_NE(git(repo_, {"log", "--format=%s", "release"}).find("edit late.txt"),
              std::string::npos);
    EXPECT_FALSE(runGit({.args = {"cat-file", "-e", "release:a.txt"}, .cwd = repo_}).ok());
}

TEST_F(MergeBackTest, AdvancesACleanCheckedOutBaseThere) {
    git(ws_, {"checkout", "-q", "-b", "ws2", "main"});
    git(repo_, {"branch", "-f", "ws", "ws2"});
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws");
    MergeRequest r = request(MergeMode::FastForward, "main");
    r.branch = "ws2";
    mergeIntoBase(r);
    EXPECT_EQ(rev("main"), rev("ws2"));
    EXPECT_EQ(readFile(repo_ / "a.txt"), "a\n");  // the checkout's files followed
    EXPECT_EQ(git(repo_, {"status", "--porcelain"}), "");
}

TEST_F(MergeBackTest, ACheckedOutBaseMovedMeanwhileIsRefused) {
    git(ws_, {"checkout", "-q", "-b", "ws2", "main"});
    writeFile(ws_ / "a.txt", "a\n");
    commitAll(ws_, "ws");
    MergeRequest r = request(MergeMode::Merge, "main");
    r.branch = "ws2";
    r.beforeUpdate = [&] {
        writeFile(repo_ / "late.txt", "late\n");
        commitAll(repo_, "late");
    };
    EXPECT_EQ(refusal(r), MergeRefusal::BaseMoved);
    EXPECT_EQ(git(repo_, {"log", "-1", "--format=%s", "main"}), "late\n");
    EXPECT_FALSE(fs::exists(repo_ / "a.txt"));
}

TEST_F(MergeBackTest, NeverTouchesADirtyCheckedOutBase) {
    git(ws_, {"checkout", "-q", "-b", "ws2", "main"});
    writeFile(ws_ / "shared.txt", "one\ntwo\nthree\nfour\n");
    commitAll(ws_, "ws");
    writeFile(repo_ / "shared.txt", "local edit\n");
    writeFile(repo_ / "staged.txt", "staged\n");
    git(repo_, {"add", "staged.txt"});
    std::string index = readFile(repo_ / ".git" / "index");
    std::string old = rev("main");
    MergeRequest r = request(std::nullopt, "main");
    r.branch = "ws2";
    try {
        mergeIntoBase(r);
        ADD_FAILURE() << "merged";
    } catch (const MergeRefused& e) {
        EXPECT_EQ(e.why, MergeRefusal::BaseDirty);
        EXPECT_NE(std::string(e.what()).find(repo_.string()), std::string::npos);
    }
    EXPECT_EQ(rev("main"), old);
    EXPECT_EQ(readFile(repo_ / "shared.txt"), "local edit\n");
    EXPECT_EQ(readFile(repo_ / ".git" / "index"), index);
}

TEST_F(MergeBackTest, HostileNamesAndMessagesNeverReachGit) {
    for (std::string bad : {"--output=pwned", "-D", "ws..release", "w\x1bs", "", "ws~1"}) {
        EXPECT_THROW(checkMerge(repo_, bad, "release"), core::Error) << bad;
        MergeRequest r = request(MergeMode::Merge, bad);
        EXPECT_THROW(mergeIntoBase(r), core::Error) << bad;
    }
    EXPECT_FALSE(fs::exists(repo_ / "pwned"));
    MergeRequest r = request(MergeMode::Merge);
    r.message = "bell\a";
    EXPECT_THROW(mergeIntoBase(r), core::Error);
    r.message = std::string(kMaxMergeMessageBytes + 1, 'x');
    EXPECT_THROW(mergeIntoBase(r), core::Error);
    EXPECT_THROW(checkMerge(repo_, "no-such-branch", "release"), core::Error);
    EXPECT_EQ(parseMergeMode("--ff"), std::nullopt);
    EXPECT_EQ(parseMergeMode("squash"), MergeMode::Squash);
}

}  // namespace
}  // namespace parawork::git
