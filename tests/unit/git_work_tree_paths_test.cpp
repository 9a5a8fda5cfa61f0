// WorkTreePaths on real repositories: ignore rules of every level, and the quick index check.
#include <gtest/gtest.h>

#include "git/work_tree_paths.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;
namespace fs = std::filesystem;

TEST(WorkTreePaths, PlainDirectoriesHaveNone) {
    Sandbox sandbox;
    fs::create_directories(sandbox / "plain");
    EXPECT_EQ(WorkTreePaths::open(sandbox / "plain"), nullptr);
}

TEST(WorkTreePaths, AnswersFromAnywhereInTheWorkingTree) {
    Sandbox sandbox;
    fs::path repo = makeRepo(sandbox / "repo");
    fs::create_directories(repo / "sub/inner");
    auto paths = WorkTreePaths::open(repo / "sub/inner");
    ASSERT_NE(paths, nullptr);
    EXPECT_EQ(paths->root(), repo);
}

TEST(WorkTreePaths, IgnoredPathsFollowEveryRuleFile) {
    Sandbox sandbox;
    fs::path repo = makeRepo(sandbox / "repo");
    writeFile(repo / ".gitignore", "build-out/\n*.log\n");
    writeFile(repo / "sub/.gitignore", "local.txt\n");
    writeFile(repo / ".git/info/exclude", "secret/\n");
    fs::create_directories(repo / "build-out/x");
    fs::create_directories(repo / "secret");
    auto paths = WorkTreePaths::open(repo);
    ASSERT_NE(paths, nullptr);
    EXPECT_TRUE(paths->isIgnored(repo / "build-out"));
    EXPECT_TRUE(paths->isIgnored(repo / "build-out/x/y.c"));  // through its parent
    EXPECT_TRUE(paths->isIgnored(repo / "a/b/debug.log"));
    EXPECT_TRUE(paths->isIgnored(repo / "sub/local.txt"));
    EXPECT_TRUE(paths->isIgnored(repo / "secret"));
    EXPECT_FALSE(paths->isIgnored(repo / "local.txt"));
    EXPECT_FALSE(paths->isIgnored(repo / "src/main.c"));
    EXPECT_FALSE(paths->isIgnored(repo));
    EXPECT_FALSE(paths->isIgnored(sandbox / "elsewhere.log"));
}

TEST(WorkTreePaths, FileStatesComeFromTheIndex) {
    Sandbox sandbox;
    fs::path repo = makeRepo(sandbox / "repo");
    writeFile(repo / ".gitignore", "*.log\n");
    commitAll(repo, "ignore logs");
    writeFile(repo / "new.txt", "n\n");
    writeFile(repo / "x.log", "l\n");
    auto paths = WorkTreePaths::open(repo);
    ASSERT_NE(paths, nullptr);
    EXPECT_EQ(paths->stateOf(repo / "README.md"), FileState::Unchanged);
    EXPECT_EQ(paths->stateOf(repo / "new.txt"), FileState::New);
    EXPECT_EQ(paths->stateOf(repo / "x.log"), FileState::Ignored);
    EXPECT_EQ(paths->stateOf(repo / "missing.txt"), FileState::Unknown);
    writeFile(repo / "README.md", "changed, and longer\n");
    EXPECT_EQ(paths->stateOf(repo / "README.md"), FileState::Modified);
    git(repo, {"add", "new.txt"});  // the index changes on disk: it is read again
    EXPECT_EQ(paths->stateOf(repo / "new.txt"), FileState::Unchanged);
}

}  // namespace
}  // namespace parawork::git
