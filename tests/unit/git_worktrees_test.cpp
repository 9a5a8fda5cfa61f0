// Unit tests of workspace worktrees against real repositories: creation from the default base
// (origin or local), name collisions, concurrent creations, copied files, refusals that leave
// nothing behind, and removal.
#include <future>
#include <set>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/repository_info.hpp"
#include "git/worktrees.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;

/// A local repository and a worktree base, both in one sandbox.
class WorktreeTest : public ::testing::Test {
  protected:
    WorktreeTest() : repo_(makeRepo(sandbox_ / "app")), base_(sandbox_ / "worktrees") {}

    WorktreeSpec spec(const std::string& slug) {
        return WorktreeSpec{.repoRoot = repo_, .worktreeBase = base_, .slug = slug};
    }
    std::vector<std::string> branches() { return listLocalBranches(repo_); }
    std::string worktreeList() { return git(repo_, {"worktree", "list", "--porcelain"}); }

    /// The core::Error message createWorktree throws for `s`, or "" when it succeeds.
    std::string createError(const WorktreeSpec& s) {
        try {
            createWorktree(s);
        } catch (const core::Error& e) {
            return e.what();
        }
        return "";
    }

    Sandbox sandbox_;
    fs::path repo_;
    fs::path base_;
};

TEST_F(WorktreeTest, CreatesBranchAndDirectoryFromTheLocalDefaultBranch) {
    Worktree wt = createWorktree(spec("my-feature"));
    EXPECT_EQ(wt.path, base_ / "app" / "my-feature");
    EXPECT_EQ(wt.branch, "parawork/my-feature");
    EXPECT_EQ(wt.baseRef, "main");
    EXPECT_EQ(readFile(wt.path / "README.md"), "hello\n");
    RepositoryInfo info = readRepository(wt.path);
    EXPECT_EQ(info.currentBranch, "parawork/my-feature");
    EXPECT_TRUE(info.isLinkedWorktree);
    EXPECT_NE(worktreeList().find(wt.path.string()), std::string::npos);
    // No upstream is set: the workspace branch must not push to main by accident.
    GitResult upstream =
        runGit({.args = {"rev-parse", "--abbrev-ref", "parawork/my-feature@{u}"}, .cwd = repo_});
    EXPECT_FALSE(upstream.ok());
}

TEST_F(WorktreeTest, DefaultsToOriginsBranchWhenThereIsAnOrigin) {
    fs::path clone = makeClone(sandbox_, "cloned");
    // A local commit on main that origin does not have: the worktree must start from origin.
    writeFile(clone / "local.txt", "local only\n");
    commitAll(clone, "local");
    Worktree wt = createWorktree(
        WorktreeSpec{.repoRoot = clone, .worktreeBase = base_, .slug = "from-origin"});
    EXPECT_EQ(wt.baseRef, "origin/main");
    EXPECT_EQ(wt.path, base_ / "cloned" / "from-origin");
    EXPECT_TRUE(fs::exists(wt.path / "README.md"));
    EXPECT_FALSE(fs::exists(wt.path / "local.txt"));
}

TEST_F(WorktreeTest, ExplicitBaseRef) {
    git(repo_, {"switch", "-q", "-c", "other"});
    writeFile(repo_ / "other.txt", "x\n");
    commitAll(repo_, "other");
    git(repo_, {"switch", "-q", "main"});
    WorktreeSpec s = spec("on-other");
    s.baseRef = "other";
    Worktree wt = createWorktree(s);
    EXPECT_EQ(wt.baseRef, "other");
    EXPECT_TRUE(fs::exists(wt.path / "other.txt"));
}

TEST_F(WorktreeTest, TakenBranchOrDirectoryGetsASuffix) {
    Worktree first = createWorktree(spec("feat"));
    Worktree second = createWorktree(spec("feat"));
    EXPECT_EQ(second.path, base_ / "app" / "feat-2");
    EXPECT_EQ(second.branch, "parawork/feat-2");

    git(repo_, {"branch", "parawork/feat-3"});  // a branch without a directory
    Worktree third = createWorktree(spec("feat"));
    EXPECT_EQ(third.branch, "parawork/feat-4");
    EXPECT_EQ(third.path, base_ / "app" / "feat-4");

    fs::create_directories(base_ / "app" / "feat-5");  // a directory without a branch
    Worktree fourth = createWorktree(spec("feat"));
    EXPECT_EQ(fourth.branch, "parawork/feat-6");
    EXPECT_TRUE(fs::is_empty(base_ / "app" / "feat-5"));
}

TEST_F(WorktreeTest, ConcurrentCreationsOfOneNameGetDistinctWorktrees) {
    constexpr int kCount = 8;
    std::vector<std::future<Worktree>> futures;
    for (int i = 0; i < kCount; ++i)
        futures.push_back(
            std::async(std::launch::async, [&] { return createWorktree(spec("same")); }));
    std::set<std::string> paths, names;
    for (auto& f : futures) {
        Worktree wt = f.get();
        paths.insert(wt.path.string());
        names.insert(wt.branch);
        EXPECT_TRUE(fs::exists(wt.path / "README.md"));
    }
    EXPECT_EQ(paths.size(), static_cast<std::size_t>(kCount));
    EXPECT_EQ(names.size(), static_cast<std::size_t>(kCount));
}

TEST_F(WorktreeTest, CopiesWorktreeIncludeAndCallerFiles) {
    writeFile(repo_ / ".gitignore", ".env*\nlocal/\nsecrets.json\n");
    writeFile(repo_ / ".worktreeinclude",
              "# files a checkout lacks\n.env*\n\n  local  \nmissing\n");
    commitAll(repo_, "ignore and include");
    writeFile(repo_ / ".env", "TOKEN=1\n");
    writeFile(repo_ / ".env.local", "TOKEN=2\n");
    writeFile(repo_ / "local" / "a" / "b.txt", "nested\n");
    writeFile(repo_ / "secrets.json", "{}\n");
    fs::create_symlink("a/b.txt", repo_ / "local" / "link");

    WorktreeSpec s = spec("copies");
    s.copyFiles = {"secrets.json", ".env"};  // .env twice: copied once
    Worktree wt = createWorktree(s);
    EXPECT_EQ(wt.copiedFiles,
              (std::vector<std::string>{".env", ".env.local", "local", "secrets.json"}));
    EXPECT_EQ(readFile(wt.path / ".env"), "TOKEN=1\n");
    EXPECT_EQ(readFile(wt.path / ".env.local"), "TOKEN=2\n");
    EXPECT_EQ(readFile(wt.path / "local" / "a" / "b.txt"), "nested\n");
    EXPECT_EQ(fs::read_symlink(wt.path / "local" / "link"), "a/b.txt");
    EXPECT_EQ(readFile(wt.path / "secrets.json"), "{}\n");
    // The copies stay ignored in the worktree: nothing to commit by accident.
    EXPECT_EQ(git(wt.path, {"status", "--porcelain"}), "");
}

TEST_F(WorktreeTest, CheckedOutFilesAreNotOverwrittenByCopies) {
    writeFile(repo_ / "config.txt", "committed\n");
    commitAll(repo_, "config");
    writeFile(repo_ / "config.txt", "dirty in the main checkout\n");
    WorktreeSpec s = spec("keep");
    s.copyFiles = {"config.txt"};
    Worktree wt = createWorktree(s);
    EXPECT_EQ(readFile(wt.path / "config.txt"), "committed\n");
    EXPECT_TRUE(wt.copiedFiles.empty());
}

TEST_F(WorktreeTest, PathsEscapingTheRepositoryAreRefusedAndNothingIsCreated) {
    writeFile(sandbox_ / "outside-secret", "secret\n");
    fs::create_symlink(sandbox_ / "outside-secret", repo_ / ".env");
    fs::create_directories(repo_ / "linked");
    fs::create_symlink(sandbox_.path(), repo_ / "linked" / "up");
    std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{".env"}, "resolves outside the repository"},
        {{"../outside-secret"}, "'..' is not allowed"},
        {{(sandbox_ / "outside-secret").string()}, "relative to the repository root"},
        {{"linked/up/outside-secret"}, "resolves outside the repository"},
        {{"linked"}, "resolves outside the repository"},  // a symlink inside a copied directory
        {{".git/config"}, "git's own files"},
        {{"*/x"}, "last path component"},
    };
    for (const auto& [copy, expected] : cases) {
        WorktreeSpec s = spec("escape");
        s.copyFiles = copy;
        std::string error = createError(s);
        EXPECT_NE(error.find(expected), std::string::npos) << copy[0] << ": " << error;
    }
    EXPECT_FALSE(fs::exists(base_ / "app" / "escape"));
    EXPECT_EQ(branches(), std::vector<std::string>{"main"});
}

TEST_F(WorktreeTest, DestinationThroughACommittedSymlinkIsRefusedAndRolledBack) {
    // The checkout holds `conf` → a directory outside it; copying conf/x.env would write there.
    fs::create_directories(sandbox_ / "elsewhere");
    fs::create_symlink(sandbox_ / "elsewhere", repo_ / "conf");
    commitAll(repo_, "symlinked dir");
    fs::remove(repo_ / "conf");
    writeFile(repo_ / "conf" / "x.env", "X=1\n");  // in the main checkout, a real directory
    WorktreeSpec s = spec("through-link");
    s.copyFiles = {"conf/x.env"};
    std::string error = createError(s);
    EXPECT_NE(error.find("resolves outside it"), std::string::npos) << error;
    EXPECT_FALSE(fs::exists(sandbox_ / "elsewhere" / "x.env"));
    EXPECT_FALSE(fs::exists(base_ / "app" / "through-link"));
    EXPECT_EQ(branches(), std::vector<std::string>{"main"});
    EXPECT_EQ(worktreeList().find("through-link"), std::string::npos);
}

TEST_F(WorktreeTest, BadBaseRefIsAnErrorAndLeavesNothingBehind) {
    WorktreeSpec s = spec("bad-base");
    s.baseRef = "no-such-branch";
    EXPECT_NE(createError(s).find("names no commit"), std::string::npos);
    s.baseRef = "--upload-pack=touch /tmp/pwned";
    EXPECT_NE(createError(s).find("invalid base ref"), std::string::npos);
    s.baseRef = "main~1";
    EXPECT_NE(createError(s).find("invalid base ref"), std::string::npos);
    EXPECT_FALSE(fs::exists(base_ / "app" / "bad-base"));
    EXPECT_EQ(branches(), std::vector<std::string>{"main"});
    EXPECT_EQ(worktreeList().find("bad-base"), std::string::npos);
}

TEST_F(WorktreeTest, FailingGitIsAnErrorAndLeavesNothingBehind) {
    // A post-checkout hook that fails makes `git worktree add` fail after it made the branch.
    writeFile(repo_ / ".git" / "hooks" / "post-checkout",
              "#!/bin/sh\necho hook says no >&2\nexit 1\n");
    fs::permissions(repo_ / ".git" / "hooks" / "post-checkout", fs::perms::owner_all);
    std::string error = createError(spec("hooked"));
    EXPECT_NE(error.find("cannot create the worktree"), std::string::npos) << error;
    EXPECT_NE(error.find("hook says no"), std::string::npos) << error;
    EXPECT_FALSE(fs::exists(base_ / "app" / "hooked"));
    EXPECT_EQ(branches(), std::vector<std::string>{"main"});
    EXPECT_EQ(worktreeList().find("hooked"), std::string::npos);
}

TEST_F(WorktreeTest, InvalidInputsAreRefused) {
    EXPECT_NE(createError(spec("Not A Slug")).find("invalid workspace slug"), std::string::npos);
    EXPECT_NE(createError(spec("")).find("invalid workspace slug"), std::string::npos);
    WorktreeSpec badPrefix = spec("ok");
    badPrefix.branchPrefix = "-x/";
    EXPECT_NE(createError(badPrefix).find("invalid branch name"), std::string::npos);
    WorktreeSpec notRepo = spec("ok");
    notRepo.repoRoot = sandbox_.path();
    EXPECT_NE(createError(notRepo).find("is not inside a git repository"), std::string::npos);
    EXPECT_FALSE(fs::exists(base_ / "app" / "ok"));
}

TEST_F(WorktreeTest, RepositoryWithoutCommitsIsAClearError) {
    fs::create_directories(sandbox_ / "empty");
    git(sandbox_ / "empty", {"init", "-q", "-b", "main"});
    WorktreeSpec s = spec("first");
    s.repoRoot = sandbox_ / "empty";
    EXPECT_NE(createError(s).find("has no commits yet"), std::string::npos);
}

TEST_F(WorktreeTest, RemoveKeepsOrDeletesTheBranch) {
    Worktree kept = createWorktree(spec("kept"));
    writeFile(kept.path / "scratch.txt", "uncommitted\n");  // --force discards it
    removeWorktree(repo_, kept.path, kept.branch, false);
    EXPECT_FALSE(fs::exists(kept.path));
    EXPECT_EQ(branches(), (std::vector<std::string>{"main", "parawork/kept"}));

    Worktree gone = createWorktree(spec("gone"));
    removeWorktree(repo_, gone.path, gone.branch, true);
    EXPECT_FALSE(fs::exists(gone.path));
    EXPECT_EQ(branches(), (std::vector<std::string>{"main", "parawork/kept"}));
    EXPECT_EQ(worktreeList().find("gone"), std::string::npos);
}

TEST_F(WorktreeTest, RemoveToleratesADirectoryAlreadyDeleted) {
    Worktree wt = createWorktree(spec("deleted-by-hand"));
    fs::remove_all(wt.path);
    removeWorktree(repo_, wt.path, wt.branch, true);
    EXPECT_EQ(worktreeList().find("deleted-by-hand"), std::string::npos);
    EXPECT_EQ(branches(), std::vector<std::string>{"main"});
    // Twice is fine too.
    EXPECT_NO_THROW(removeWorktree(repo_, wt.path, wt.branch, true));
}

TEST_F(WorktreeTest, RemoveRefusesTheMainCheckoutAndStrangers) {
    EXPECT_THROW(removeWorktree(repo_, repo_, "main", false), core::Error);
    EXPECT_TRUE(fs::exists(repo_ / "README.md"));
    fs::create_directories(sandbox_ / "stranger");
    writeFile(sandbox_ / "stranger" / "keep.txt", "mine\n");
    EXPECT_THROW(removeWorktree(repo_, sandbox_ / "stranger", "", false), core::Error);
    EXPECT_TRUE(fs::exists(sandbox_ / "stranger" / "keep.txt"));
    Worktree wt = createWorktree(spec("x"));
    EXPECT_THROW(removeWorktree(repo_, wt.path, "-D", true), core::Error);
    EXPECT_TRUE(fs::exists(wt.path));
}

}  // namespace
}  // namespace parawork::git
