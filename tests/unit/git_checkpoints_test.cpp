// Unit tests of checkpoints in real repositories: what a checkpoint holds (untracked yes, ignored
// no), that nothing of the user's is touched, unborn HEAD, dedup, listing, pruning, diffs and
// restore (removed and brought-back files), and hostile workspace ids and labels.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/checkpoints.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;

constexpr const char* kWs = "0b7c2c52-5a0e-4f3e-9d43-7d1c2a6b9e01";

class CheckpointsTest : public ::testing::Test {
  protected:
    CheckpointsTest() : repo_(makeRepo(sandbox_ / "r")) {
        writeFile(repo_ / ".gitignore", "*.log\n");
        writeFile(repo_ / "tracked.txt", "one\n");
        commitAll(repo_, "base");
    }

    /// Everything a checkpoint must leave alone.
    struct UserState {
        std::string index, head, branch, status;
        bool operator==(const UserState&) const = default;
    };
    UserState userState() {
        return {readFile(repo_ / ".git" / "index"), git(repo_, {"rev-parse", "HEAD"}),
                git(repo_, {"symbolic-ref", "HEAD"}),
                git(repo_, {"status", "--porcelain", "--untracked-files=all"})};
    }
    std::string filesOf(const std::string& commit) {
        return git(repo_, {"ls-tree", "-r", "--name-only", commit});
    }

    Sandbox sandbox_;
    fs::path repo_;
};

TEST_F(CheckpointsTest, HoldsTrackedAndUntrackedButNotIgnoredFiles) {
    writeFile(repo_ / "tracked.txt", "changed\n");
    writeFile(repo_ / "new/untracked.txt", "new\n");
    writeFile(repo_ / "debug.log", "ignored\n");
    git(repo_, {"add", "tracked.txt"});  // staged, in the real index
    UserState before = userState();

    CreatedCheckpoint made = createCheckpoint(repo_, kWs, "first");
    EXPECT_TRUE(made.created);
    EXPECT_EQ(userState(), before);
    std::string files = filesOf(made.checkpoint.id);
    EXPECT_NE(files.find("new/untracked.txt"), std::string::npos);
    EXPECT_EQ(files.find("debug.log"), std::string::npos);
    EXPECT_EQ(git(repo_, {"show", made.checkpoint.id + ":tracked.txt"}), "changed\n");
    EXPECT_EQ(made.checkpoint.head.value() + "\n", git(repo_, {"rev-parse", "HEAD"}));
    EXPECT_EQ(git(repo_, {"rev-parse", made.checkpoint.id + "^"}),
              git(repo_, {"rev-parse", "HEAD"}));
    EXPECT_TRUE(made.checkpoint.ref.starts_with(std::string("refs/parawork/checkpoints/") + kWs));
    EXPECT_EQ(made.checkpoint.label, "first");
    EXPECT_GT(made.checkpoint.createdAt, 0);
    // The message names the label and the time.
    std::string message = git(repo_, {"log", "-1", "--format=%B", made.checkpoint.id});
    EXPECT_NE(message.find("first"), std::string::npos);
    EXPECT_NE(message.find("Taken-At: "), std::string::npos);
}

TEST_F(CheckpointsTest, UnchangedTreeReturnsTheNewestOne) {
    writeFile(repo_ / "a.txt", "a\n");
    CreatedCheckpoint first = createCheckpoint(repo_, kWs, "one");
    CreatedCheckpoint again = createCheckpoint(repo_, kWs, "two");
    EXPECT_FALSE(again.created);
    EXPECT_EQ(again.checkpoint.id, first.checkpoint.id);
    writeFile(repo_ / "a.txt", "b\n");
    CreatedCheckpoint third = createCheckpoint(repo_, kWs, "three");
    EXPECT_TRUE(third.created);
    std::vector<Checkpoint> list = listCheckpoints(repo_, kWs);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, third.checkpoint.id);  // newest first
    EXPECT_EQ(list[1].id, first.checkpoint.id);
    EXPECT_GT(list[0].createdAt, list[1].createdAt);
    EXPECT_EQ(list[0].label, "three");
}

TEST_F(CheckpointsTest, SameTreeAfterACommitIsANewCheckpoint) {
    writeFile(repo_ / "a.txt", "a\n");
    CreatedCheckpoint first = createCheckpoint(repo_, kWs, "");
    commitAll(repo_, "a");
    CreatedCheckpoint second = createCheckpoint(repo_, kWs, "");
    EXPECT_TRUE(second.created);  // same tree, another HEAD
    EXPECT_EQ(second.checkpoint.label, "checkpoint");
}

TEST(CheckpointsUnborn, WorksWithoutACommitOrAnIdentity) {
    Sandbox sandbox;
    fs::path repo = sandbox / "u";
    fs::create_directories(repo);
    git(repo, {"init", "-q", "-b", "main"});
    writeFile(repo / "f.txt", "x\n");
    CreatedCheckpoint made = createCheckpoint(repo, kWs, "unborn");
    EXPECT_TRUE(made.created);
    EXPECT_FALSE(made.checkpoint.head);
    EXPECT_EQ(git(repo, {"show", made.checkpoint.id + ":f.txt"}), "x\n");
    EXPECT_EQ(git(repo, {"status", "--porcelain"}), "?? f.txt\n");
    ASSERT_EQ(listCheckpoints(repo, kWs).size(), 1u);
    EXPECT_FALSE(listCheckpoints(repo, kWs)[0].head);
}

TEST_F(CheckpointsTest, RefusesHostileWorkspaceIds) {
    for (const char* bad : {"", "..", "-x", "../../heads/main", "a b", "0b7c2c52-5a0e-4f3e-9d43"})
        EXPECT_THROW(createCheckpoint(repo_, bad, "x"), core::Error) << bad;
    EXPECT_THROW(listCheckpoints(repo_, "refs/heads"), core::Error);
    EXPECT_EQ(git(repo_, {"for-each-ref", "refs/parawork"}), "");
}

TEST_F(CheckpointsTest, LabelsAreCleanedAndBounded) {
    writeFile(repo_ / "a.txt", "a\n");
    CreatedCheckpoint made = createCheckpoint(repo_, kWs, "  -x\n\tevil\x1b[31m  ");
    EXPECT_EQ(made.checkpoint.label, "-x  evil [31m");
    EXPECT_EQ(listCheckpoints(repo_, kWs)[0].label, "-x  evil [31m");
    writeFile(repo_ / "a.txt", "b\n");
    made = createCheckpoint(repo_, kWs, std::string(1000, 'L'));
    EXPECT_EQ(made.checkpoint.label.size(), kMaxCheckpointLabelBytes);
}

TEST_F(CheckpointsTest, KeepsAtMostTheLimitPerWorkspace) {
    // Stored refs made directly (fast), then one more through createCheckpoint prunes.
    std::string head = git(repo_, {"rev-parse", "HEAD"});
    head.pop_back();
    for (std::size_t i = 0; i < kMaxCheckpointsPerWorkspace; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "%015zu", i + 1);
        git(repo_,
            {"update-ref", std::string("refs/parawork/checkpoints/") + kWs + "/" + name, head});
    }
    writeFile(repo_ / "a.txt", "a\n");
    CreatedCheckpoint made = createCheckpoint(repo_, kWs, "over");
    std::vector<Checkpoint> list = listCheckpoints(repo_, kWs);
    ASSERT_EQ(list.size(), kMaxCheckpointsPerWorkspace);
    EXPECT_EQ(list.front().id, made.checkpoint.id);
    EXPECT_EQ(list.back().createdAt, 2);  // the oldest (1) went
}

TEST_F(CheckpointsTest, DiffBetweenCheckpointsAndToTheWorktree) {
    writeFile(repo_ / "a.txt", "a\n");
    Checkpoint one = createCheckpoint(repo_, kWs, "one").checkpoint;
    writeFile(repo_ / "a.txt", "a\nb\n");
    fs::remove(repo_ / "tracked.txt");
    Checkpoint two = createCheckpoint(repo_, kWs, "two").checkpoint;
    writeFile(repo_ / "c.txt", "c\n");

    CheckpointDiff diff = diffCheckpoints(repo_, one, two);
    EXPECT_EQ(diff.from, one.id);
    EXPECT_EQ(diff.to, two.id);
    ASSERT_EQ(diff.files.size(), 2u);
    EXPECT_EQ(diff.files[0].change.path, "a.txt");
    EXPECT_EQ(diff.files[0].change.insertions, 1u);
    EXPECT_NE(diff.files[0].diff->find("+b"), std::string::npos);
    EXPECT_EQ(diff.files[1].change.type, ChangeType::Deleted);

    CheckpointDiff live = diffCheckpoints(repo_, two, std::nullopt);
    EXPECT_EQ(live.to, "worktree");
    ASSERT_EQ(live.files.size(), 1u);
    EXPECT_EQ(live.files[0].change.path, "c.txt");
    EXPECT_EQ(live.files[0].change.type, ChangeType::Created);
}

TEST_F(CheckpointsTest, RestoreRemovesAddedFilesAndBringsBackDeletedOnes) {
    writeFile(repo_ / "keep.txt", "keep\n");
    writeFile(repo_ / "debug.log", "ignored\n");
    Checkpoint target = createCheckpoint(repo_, kWs, "target").checkpoint;
    fs::remove(repo_ / "tracked.txt");
    writeFile(repo_ / "added/deep/new.txt", "new\n");
    writeFile(repo_ / "keep.txt", "changed\n");
    writeFile(repo_ / "other.log", "ignored too\n");
    std::string head = git(repo_, {"rev-parse", "HEAD"});
    std::string index = readFile(repo_ / ".git" / "index");
    auto untouched = fs::last_write_time(repo_ / "README.md");

    RestoredCheckpoint result = restoreCheckpoint(repo_, kWs, target);
    EXPECT_EQ(result.restored.id, target.id);
    EXPECT_EQ(readFile(repo_ / "tracked.txt"), "one\n");
    EXPECT_EQ(readFile(repo_ / "keep.txt"), "keep\n");
    EXPECT_FALSE(fs::exists(repo_ / "added"));  // the file and its emptied directories
    EXPECT_EQ(readFile(repo_ / "other.log"), "ignored too\n");
    EXPECT_EQ(readFile(repo_ / "debug.log"), "ignored\n");
    EXPECT_EQ(git(repo_, {"rev-parse", "HEAD"}), head);
    EXPECT_EQ(readFile(repo_ / ".git" / "index"), index);
    EXPECT_EQ(fs::last_write_time(repo_ / "README.md"), untouched);
    // The present was saved first and can be restored in turn.
    EXPECT_EQ(git(repo_, {"show", result.saved.id + ":added/deep/new.txt"}), "new\n");
    restoreCheckpoint(repo_, kWs, result.saved);
    EXPECT_EQ(readFile(repo_ / "added/deep/new.txt"), "new\n");
    EXPECT_FALSE(fs::exists(repo_ / "tracked.txt"));
}

TEST_F(CheckpointsTest, FindByPrefixAndDelete) {
    writeFile(repo_ / "a.txt", "a\n");
    Checkpoint one = createCheckpoint(repo_, kWs, "one").checkpoint;
    EXPECT_EQ(findCheckpoint(repo_, kWs, one.id)->id, one.id);
    EXPECT_EQ(findCheckpoint(repo_, kWs, one.id.substr(0, 8))->id, one.id);
    EXPECT_FALSE(findCheckpoint(repo_, kWs, "zzzz"));
    EXPECT_FALSE(findCheckpoint(repo_, kWs, "-abc"));
    EXPECT_FALSE(findCheckpoint(repo_, "1b7c2c52-5a0e-4f3e-9d43-7d1c2a6b9e01", one.id));
    EXPECT_EQ(deleteCheckpoints(repo_, kWs), 1u);
    EXPECT_TRUE(listCheckpoints(repo_, kWs).empty());
}

// Each checkpoint sees every kind of change since the last, including a same-size rewrite within
// the same second (git's racy entries), and files that became ignored since are left out (an
// index kept from one checkpoint to the next would still hold them).
TEST_F(CheckpointsTest, EachCheckpointSeesEveryChangeSinceTheLast) {
    writeFile(repo_ / "dir/one.txt", "aaa\n");
    Checkpoint first = createCheckpoint(repo_, kWs, "").checkpoint;
    writeFile(repo_ / "dir/one.txt", "bbb\n");  // same size, same second
    writeFile(repo_ / "dir/two.txt", "two\n");
    fs::remove(repo_ / "tracked.txt");
    Checkpoint second = createCheckpoint(repo_, kWs, "").checkpoint;
    EXPECT_EQ(git(repo_, {"show", second.id + ":dir/one.txt"}), "bbb\n");
    EXPECT_EQ(git(repo_, {"show", second.id + ":dir/two.txt"}), "two\n");
    EXPECT_EQ(filesOf(second.id).find("tracked.txt"), std::string::npos);
    EXPECT_NE(filesOf(first.id).find("tracked.txt"), std::string::npos);
    writeFile(repo_ / ".gitignore", "*.log\ndir/\n");
    EXPECT_EQ(filesOf(createCheckpoint(repo_, kWs, "").checkpoint.id), ".gitignore\nREADME.md\n");
    EXPECT_EQ(git(repo_, {"log", "-1", "--format=%an <%ae>", second.id}),
              "parawork <parawork@localhost>\n");
}

}  // namespace
}  // namespace parawork::git
