// Unit tests of the snapshot index in real repositories: brought up to date from the changed
// paths it is given, it writes the same tree as a scan of every file — for changed, new, deleted,
// ignored and executable files, symlinks, new and removed directories, a file that became a
// directory and back — and it scans every file whenever the changes cannot be trusted.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "git/libgit2_handles.hpp"
#include "git/snapshot_index.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;

class SnapshotIndexTest : public ::testing::Test {
  protected:
    SnapshotIndexTest() : repo_(makeRepo(sandbox_ / "r")) {
        writeFile(repo_ / ".gitignore", "*.log\nout/\n");
        writeFile(repo_ / "a.txt", "a\n");
        writeFile(repo_ / "src/b.txt", "b\n");
        writeFile(repo_ / "src/deep/c.txt", "c\n");
        commitAll(repo_, "base");
    }

    /// A scan of every file, with an index of its own.
    std::string fullTree() {
        return SnapshotIndex().tree(detail::openWorkTree(repo_).get(), repo_, std::nullopt);
    }
    /// The kept index's tree, told that `paths` changed (in watch `epoch`).
    std::string keptTree(std::vector<std::string> paths, std::uint64_t epoch = 7,
                         bool complete = true) {
        WorkTreeChanges changes{epoch, complete, repo_, std::move(paths)};
        return kept_.tree(detail::openWorkTree(repo_).get(), repo_, changes);
    }
    std::string filesOf(const std::string& tree) {
        return git(repo_, {"ls-tree", "-r", "--name-only", tree});
    }

    Sandbox sandbox_;
    fs::path repo_;
    SnapshotIndex kept_;
};

TEST_F(SnapshotIndexTest, ChangedPathsGiveTheTreeAFullScanGives) {
    std::string first = keptTree({});
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Full);  // nothing kept yet
    EXPECT_EQ(first, fullTree());

    writeFile(repo_ / "a.txt", "a changed\n");
    writeFile(repo_ / "new.txt", "new\n");
    writeFile(repo_ / "debug.log", "ignored\n");
    writeFile(repo_ / "out/build.txt", "ignored directory\n");
    fs::remove(repo_ / "src/b.txt");
    writeFile(repo_ / "fresh/one.txt", "1\n");
    writeFile(repo_ / "fresh/sub/two.txt", "2\n");
    writeFile(repo_ / "tool.sh", "#!/bin/sh\n");
    fs::permissions(repo_ / "tool.sh", fs::perms::owner_exec, fs::perm_options::add);
    fs::create_symlink("a.txt", repo_ / "link");
    std::string second =
        keptTree({"a.txt", "new.txt", "debug.log", "out", "src/b.txt", "fresh", "tool.sh", "link"});
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Incremental);
    EXPECT_EQ(second, fullTree());
    EXPECT_NE(second, first);
    std::string files = filesOf(second);
    EXPECT_NE(files.find("fresh/sub/two.txt"), std::string::npos);
    EXPECT_EQ(files.find("debug.log"), std::string::npos);
    EXPECT_EQ(files.find("out/"), std::string::npos);
    EXPECT_EQ(files.find("src/b.txt"), std::string::npos);

    // A directory removed, a file that becomes a directory, a directory that becomes a file.
    fs::remove_all(repo_ / "src/deep");
    fs::remove(repo_ / "new.txt");
    writeFile(repo_ / "new.txt/inside.txt", "now a directory\n");
    fs::remove_all(repo_ / "fresh");
    writeFile(repo_ / "fresh", "now a file\n");
    std::string third = keptTree({"src/deep", "new.txt", "fresh"});
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Incremental);
    EXPECT_EQ(third, fullTree());
    EXPECT_EQ(git(repo_, {"show", third + ":fresh"}), "now a file\n");
}

TEST_F(SnapshotIndexTest, OnlyTheGivenPathsAreLookedAt) {
    keptTree({});
    writeFile(repo_ / "a.txt", "told\n");
    writeFile(repo_ / "src/b.txt", "not told\n");
    std::string tree = keptTree({"a.txt"});
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Incremental);
    EXPECT_EQ(git(repo_, {"show", tree + ":a.txt"}), "told\n");
    // What the watcher would never leave out; left out here, it shows the scan was incremental.
    EXPECT_EQ(git(repo_, {"show", tree + ":src/b.txt"}), "b\n");
}

TEST_F(SnapshotIndexTest, EveryFileIsLookedAtWhenTheChangesCannotBeTrusted) {
    keptTree({});
    // Each write changes the size: two writes within one tick of the file system's clock
    // would otherwise look unchanged to git's stat check (and to any full scan).
    auto expectFull = [&](const char* why, const std::string& tree) {
        EXPECT_EQ(kept_.lastScan(), SnapshotScan::Full) << why;
        EXPECT_EQ(tree, fullTree()) << why;
    };
    writeFile(repo_ / "a.txt", "one\n");
    expectFull("another watch", keptTree({}, 8));
    writeFile(repo_ / "a.txt", "three\n");
    expectFull("events lost", keptTree({}, 8, false));
    writeFile(repo_ / "a.txt", "seventeen\n");
    expectFull("no watch", kept_.tree(detail::openWorkTree(repo_).get(), repo_, std::nullopt));
    keptTree({}, 8);

    writeFile(repo_ / ".gitignore", "*.log\n");  // out/ is kept now
    writeFile(repo_ / "out/build.txt", "kept\n");
    std::string tree = keptTree({".gitignore"}, 8);
    expectFull(".gitignore changed", tree);
    EXPECT_NE(filesOf(tree).find("out/build.txt"), std::string::npos);

    writeFile(repo_ / ".git/info/exclude", "a.txt\n");
    expectFull("info/exclude changed", keptTree({}, 8));
    keptTree({}, 8);
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Incremental);

    std::vector<std::string> many(kMaxIncrementalPaths + 1, "a.txt");
    expectFull("too many paths", keptTree(many, 8));
}

TEST_F(SnapshotIndexTest, WhatTheWorktreesIndexTracksIsFollowed) {
    keptTree({});
    writeFile(repo_ / "debug.log", "ignored, then tracked\n");
    git(repo_, {"add", "-f", "debug.log"});
    writeFile(repo_ / "a.txt", "staged\n");
    git(repo_, {"add", "a.txt"});
    git(repo_, {"status", "--porcelain"});   // rewrites the index too
    std::string tree = keptTree({"a.txt"});  // the watcher saw a.txt; debug.log is old
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Incremental);
    EXPECT_EQ(tree, fullTree());
    EXPECT_NE(filesOf(tree).find("debug.log"), std::string::npos);

    git(repo_, {"rm", "-q", "--cached", "debug.log"});
    tree = keptTree({});
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Incremental);
    EXPECT_EQ(tree, fullTree());
    EXPECT_EQ(filesOf(tree).find("debug.log"), std::string::npos);

    // An entry git add -A leaves as the index has it.
    git(repo_, {"update-index", "--skip-worktree", "src/b.txt"});
    writeFile(repo_ / "src/b.txt", "not taken\n");
    tree = keptTree({"src/b.txt"});
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Incremental);
    EXPECT_EQ(tree, fullTree());
    EXPECT_EQ(git(repo_, {"show", tree + ":src/b.txt"}), "b\n");
}

TEST_F(SnapshotIndexTest, AFileWithAFilterProgramIsLeftToGit) {
    // A clean filter that git runs and libgit2 would not: upper-cases the content.
    git(repo_, {"config", "filter.upper.clean", "tr a-z A-Z"});
    writeFile(repo_ / ".gitattributes", "*.up filter=upper\n");
    keptTree({});
    writeFile(repo_ / "x.up", "shout\n");
    std::string tree = keptTree({"x.up"});
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Full);
    EXPECT_EQ(git(repo_, {"show", tree + ":x.up"}), "SHOUT\n");
    writeFile(repo_ / "a.txt", "no filter\n");
    keptTree({"a.txt"});
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Incremental);
}

TEST_F(SnapshotIndexTest, ANestedRepositoryIsLeftToGit) {
    keptTree({});
    fs::path nested = makeRepo(repo_ / "vendored");
    writeFile(nested / "x.txt", "x\n");
    commitAll(nested, "nested");
    std::string tree = keptTree({"vendored"});
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Full);
    EXPECT_EQ(tree, fullTree());
}

TEST_F(SnapshotIndexTest, HostileFileNamesAreJustPaths) {
    keptTree({});
    for (const char* name : {"-rf", "--all", "*", "a b", "x\ny", ":(glob)*"})
        writeFile(repo_ / name, "x\n");
    std::string tree = keptTree({"-rf", "--all", "*", "a b", "x\ny", ":(glob)*"});
    EXPECT_EQ(kept_.lastScan(), SnapshotScan::Incremental);
    EXPECT_EQ(tree, fullTree());
}

TEST_F(SnapshotIndexTest, RandomChangesGiveTheTreeAFullScanGives) {
    // Files and directories made, changed, removed, renamed, made executable, replaced by a
    // directory or a symlink, at random (a fixed seed), in batches; after each batch the kept
    // index is told exactly the paths touched, as the watcher would, and must match a full scan.
    std::mt19937 random(20261208);
    auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
    const std::vector<std::string> names{"a", "b", "c.log", "d"};
    auto somePath = [&] {
        std::string path;
        for (int depth = pick(3); depth >= 0; --depth)
            path += (path.empty() ? "" : "/") + names[static_cast<std::size_t>(pick(4))];
        return path;
    };
    keptTree({});
    int content = 0;
    std::set<std::string> trees;
    for (int batch = 0; batch < 40; ++batch) {
        std::vector<std::string> touched;
        for (int step = 0; step < 5; ++step) {
            std::string path = somePath();
            fs::path at = repo_ / path;
            std::error_code ec;
            switch (pick(6)) {
                case 0:  // write a file (each content a new size: see the test above)
                    fs::remove_all(at, ec);
                    fs::create_directories(at.parent_path(), ec);  // fails under a file
                    std::ofstream(at) << std::string(static_cast<std::size_t>(++content), 'x');
                    break;
                case 1:
                    fs::remove_all(at, ec);
                    break;
                case 2:
                    fs::create_directories(at, ec);
                    break;
                case 3: {  // rename: both ends change
                    std::string to = somePath();
                    if (to.starts_with(path)) break;  // not into itself
                    fs::create_directories((repo_ / to).parent_path(), ec);
                    fs::remove_all(repo_ / to, ec);
                    fs::rename(at, repo_ / to, ec);
                    touched.push_back(to);
                    break;
                }
                case 4:
                    fs::permissions(at, fs::perms::owner_exec, fs::perm_options::add, ec);
                    break;
                case 5:
                    fs::remove_all(at, ec);
                    fs::create_directories(at.parent_path(), ec);
                    fs::create_symlink("elsewhere", at, ec);
                    break;
            }
            touched.push_back(path);
            // The watcher reports a path's parent directories when it makes them.
            for (fs::path parent = fs::path(path).parent_path(); !parent.empty();
                 parent = parent.parent_path())
                touched.push_back(parent.string());
        }
        std::string tree = keptTree(touched);
        ASSERT_EQ(kept_.lastScan(), SnapshotScan::Incremental) << "batch " << batch;
        ASSERT_EQ(tree, fullTree()) << "batch " << batch << "\n"
                                    << filesOf(tree) << "--\n"
                                    << filesOf(fullTree());
        trees.insert(tree);
    }
    EXPECT_GT(trees.size(), 15u) << "the batches changed what is kept";
}

}  // namespace
}  // namespace parawork::git
