// Unit tests of a worktree's changes against its base: each kind of change, committed, staged,
// unstaged and untracked alike, line counts, binary files, bounded diffs, and bad inputs.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/changes.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;

class ChangesTest : public ::testing::Test {
  protected:
    ChangesTest() : repo_(makeRepo(sandbox_ / "r")) {
        writeFile(repo_ / "keep.txt", "one\ntwo\nthree\n");
        writeFile(repo_ / "drop.txt", "bye\n");
        writeFile(repo_ / "staged.txt", "a\n");
        commitAll(repo_, "base");
        git(repo_, {"switch", "-q", "-c", "work"});
    }

    const FileChange* find(const ChangeSet& set, const std::string& path) {
        for (const auto& f : set.files) {
            if (f.path == path) return &f;
        }
        return nullptr;
    }

    Sandbox sandbox_;
    fs::path repo_;
};

TEST_F(ChangesTest, NoChangesIsEmpty) {
    ChangeSet set = listChanges(repo_, "main");
    EXPECT_TRUE(set.files.empty());
    EXPECT_FALSE(set.truncated);
    std::string head = git(repo_, {"rev-parse", "HEAD"});
    EXPECT_EQ(set.baseCommit + "\n", head);
    EXPECT_EQ(diffAll(repo_, "main").text, "");
}

TEST_F(ChangesTest, EveryKindOfChangeIsListedWithCounts) {
    writeFile(repo_ / "committed.txt", "c1\nc2\n");
    commitAll(repo_, "on the branch");
    writeFile(repo_ / "staged.txt", "a\nb\n");
    git(repo_, {"add", "staged.txt"});
    writeFile(repo_ / "keep.txt", "one\n2\nthree\nfour\n");  // unstaged
    fs::remove(repo_ / "drop.txt");
    writeFile(repo_ / "new" / "dir" / "untracked.txt", "u\n");
    writeFile(repo_ / ".gitignore", "ignored.log\n");
    writeFile(repo_ / "ignored.log", "noise\n");

    ChangeSet set = listChanges(repo_, "main");
    std::vector<std::string> paths;
    for (const auto& f : set.files) paths.push_back(f.path);
    EXPECT_EQ(paths, (std::vector<std::string>{".gitignore", "committed.txt", "drop.txt",
                                               "keep.txt", "new/dir/untracked.txt", "staged.txt"}));
    auto expect = [&](const std::string& path, ChangeType type, std::size_t ins, std::size_t del) {
        const FileChange* f = find(set, path);
        ASSERT_NE(f, nullptr) << path;
        EXPECT_EQ(changeTypeName(f->type), changeTypeName(type)) << path;
        EXPECT_EQ(f->insertions, ins) << path;
        EXPECT_EQ(f->deletions, del) << path;
        EXPECT_FALSE(f->binary) << path;
    };
    expect("committed.txt", ChangeType::Created, 2, 0);
    expect("staged.txt", ChangeType::Modified, 1, 0);
    expect("keep.txt", ChangeType::Modified, 2, 1);
    expect("drop.txt", ChangeType::Deleted, 0, 1);
    expect("new/dir/untracked.txt", ChangeType::Created, 1, 0);
}

TEST_F(ChangesTest, ComparesWithTheMergeBaseNotTheBasesTip) {
    git(repo_, {"switch", "-q", "main"});
    writeFile(repo_ / "upstream.txt", "later on main\n");
    commitAll(repo_, "main moves on");
    git(repo_, {"switch", "-q", "work"});
    writeFile(repo_ / "mine.txt", "x\n");
    ChangeSet set = listChanges(repo_, "main");
    ASSERT_EQ(set.files.size(), 1u);
    EXPECT_EQ(set.files[0].path, "mine.txt");
}

TEST_F(ChangesTest, DiffOfOneFileAndOfAll) {
    writeFile(repo_ / "keep.txt", "one\nTWO\nthree\n");
    writeFile(repo_ / "added.txt", "fresh\n");
    DiffText one = diffFile(repo_, "main", "keep.txt");
    EXPECT_FALSE(one.truncated);
    // libgit2's patch is git's patch, byte for byte.
    EXPECT_EQ(one.text, git(repo_, {"diff", "--no-color", "main", "--", "keep.txt"}));
    EXPECT_NE(one.text.find("-two\n+TWO\n"), std::string::npos) << one.text;
    DiffText added = diffFile(repo_, "main", "added.txt");
    EXPECT_NE(added.text.find("new file mode 100644"), std::string::npos) << added.text;
    EXPECT_NE(added.text.find("+fresh\n"), std::string::npos) << added.text;
    DiffText all = diffAll(repo_, "main");
    EXPECT_NE(all.text.find("b/keep.txt"), std::string::npos);
    EXPECT_NE(all.text.find("b/added.txt"), std::string::npos);
    EXPECT_EQ(diffFile(repo_, "main", "README.md").text, "");  // unchanged
    EXPECT_EQ(diffFile(repo_, "main", "k*.txt").text, "");     // literal, not a glob
}

TEST_F(ChangesTest, DeletedFileDiff) {
    fs::remove(repo_ / "drop.txt");
    DiffText d = diffFile(repo_, "main", "drop.txt");
    EXPECT_NE(d.text.find("deleted file mode"), std::string::npos) << d.text;
    EXPECT_NE(d.text.find("-bye\n"), std::string::npos) << d.text;
}

TEST_F(ChangesTest, BinaryFilesAreMarked) {
    writeFile(repo_ / "image.bin", std::string("\x89PNG\0\0\x01\x02", 8));
    ChangeSet set = listChanges(repo_, "main");
    const FileChange* f = find(set, "image.bin");
    ASSERT_NE(f, nullptr);
    EXPECT_TRUE(f->binary);
    EXPECT_EQ(f->type, ChangeType::Created);
    EXPECT_EQ(f->insertions, 0u);
    DiffText d = diffFile(repo_, "main", "image.bin");
    EXPECT_NE(d.text.find("Binary files"), std::string::npos) << d.text;
}

TEST_F(ChangesTest, HugeDiffIsTruncatedAtALineEnd) {
    std::string big;
    for (int i = 0; i < 200000; ++i) big += "line number " + std::to_string(i) + "\n";
    ASSERT_GT(big.size(), 2 * kDefaultDiffLimit);
    writeFile(repo_ / "huge.txt", big);
    DiffText d = diffFile(repo_, "main", "huge.txt");
    EXPECT_TRUE(d.truncated);
    EXPECT_LE(d.text.size(), kDefaultDiffLimit);
    EXPECT_GT(d.text.size(), kDefaultDiffLimit - 100);
    EXPECT_EQ(d.text.back(), '\n');
    DiffText small = diffAll(repo_, "main", 300);
    EXPECT_TRUE(small.truncated);
    EXPECT_LE(small.text.size(), 300u);
    ChangeSet set = listChanges(repo_, "main");
    const FileChange* f = find(set, "huge.txt");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->insertions, 200000u);
}

TEST_F(ChangesTest, WorksInALinkedWorktree) {
    git(repo_, {"worktree", "add", "-q", "-b", "wt", (sandbox_ / "wt").string(), "main"});
    writeFile(sandbox_ / "wt" / "keep.txt", "changed\n");
    ChangeSet set = listChanges(sandbox_ / "wt", "main");
    ASSERT_EQ(set.files.size(), 1u);
    EXPECT_EQ(set.files[0].path, "keep.txt");
    EXPECT_TRUE(listChanges(repo_, "main").files.empty());  // the main checkout is untouched
}

TEST_F(ChangesTest, BadInputsAreErrors) {
    EXPECT_THROW(listChanges(repo_, "no-such-ref"), core::Error);
    EXPECT_THROW(listChanges(repo_, "--output=/tmp/x"), core::Error);
    EXPECT_THROW(diffFile(repo_, "main", "../outside"), core::Error);
    EXPECT_THROW(diffFile(repo_, "main", "/etc/passwd"), core::Error);
    EXPECT_THROW(diffFile(repo_, "main", ""), core::Error);
    EXPECT_THROW(diffFile(repo_, "main", "a\nb"), core::Error);
    fs::create_directories(sandbox_ / "plain");
    EXPECT_THROW(listChanges(sandbox_ / "plain", "main"), core::Error);
}

}  // namespace
}  // namespace parawork::git
