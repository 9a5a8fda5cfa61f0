// Unit tests of reading a repository: root, branches, default branch and origin, with and
// without a remote, from a subdirectory and from a linked worktree; and paths that are not
// repositories.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/repository_info.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;

TEST(RepositoryInfo, LocalRepositoryWithoutOrigin) {
    Sandbox sandbox;
    fs::path repo = makeRepo(sandbox / "local", "trunk");
    fs::create_directories(repo / "src" / "deep");

    RepositoryInfo info = readRepository(repo / "src" / "deep");
    EXPECT_EQ(info.root, repo);
    EXPECT_EQ(info.mainRoot, repo);
    EXPECT_EQ(info.currentBranch, "trunk");
    EXPECT_EQ(info.defaultBranch, "trunk");  // no origin/HEAD: the checked-out branch
    EXPECT_EQ(info.originUrl, std::nullopt);
    EXPECT_TRUE(info.hasCommits);
    EXPECT_FALSE(info.isLinkedWorktree);
    EXPECT_TRUE(isRepository(repo / "src"));
    EXPECT_EQ(defaultBaseRef(repo), "trunk");
}

TEST(RepositoryInfo, CloneWithOriginUsesOriginHead) {
    Sandbox sandbox;
    fs::path clone = makeClone(sandbox, "work", "develop");
    git(clone, {"switch", "-q", "-c", "topic"});

    RepositoryInfo info = readRepository(clone);
    EXPECT_EQ(info.currentBranch, "topic");
    EXPECT_EQ(info.defaultBranch, "develop");  // from origin/HEAD, not the current branch
    ASSERT_TRUE(info.originUrl.has_value());
    EXPECT_EQ(fs::path(*info.originUrl).filename(), "origin.git") << *info.originUrl;
    EXPECT_EQ(defaultBaseRef(clone), "origin/develop");
    EXPECT_TRUE(hasReference(clone, "refs/remotes/origin/develop"));
    EXPECT_FALSE(hasReference(clone, "refs/remotes/origin/nope"));
}

TEST(RepositoryInfo, OriginWithoutOriginHeadFallsBackToTheCheckout) {
    Sandbox sandbox;
    fs::path repo = makeRepo(sandbox / "r");
    git(repo, {"remote", "add", "origin", "https://example.invalid/r.git"});
    RepositoryInfo info = readRepository(repo);
    EXPECT_EQ(info.originUrl, "https://example.invalid/r.git");
    EXPECT_EQ(info.defaultBranch, "main");
    EXPECT_EQ(defaultBaseRef(repo), "main");  // origin/main was never fetched
}

TEST(RepositoryInfo, DetachedHeadHasNoCurrentBranch) {
    Sandbox sandbox;
    fs::path repo = makeRepo(sandbox / "r");
    git(repo, {"switch", "-q", "--detach", "HEAD"});
    RepositoryInfo info = readRepository(repo);
    EXPECT_EQ(info.currentBranch, std::nullopt);
    EXPECT_EQ(info.defaultBranch, "main");
}

TEST(RepositoryInfo, FreshRepositoryHasNoCommits) {
    Sandbox sandbox;
    fs::create_directories(sandbox / "empty");
    git(sandbox / "empty", {"init", "-q", "-b", "main"});
    RepositoryInfo info = readRepository(sandbox / "empty");
    EXPECT_FALSE(info.hasCommits);
    EXPECT_EQ(info.currentBranch, "main");
    EXPECT_TRUE(listLocalBranches(sandbox / "empty").empty());
    EXPECT_EQ(commitOf(sandbox / "empty", "HEAD"), std::nullopt);
    EXPECT_THROW(defaultBaseRef(sandbox / "empty"), core::Error);
}

TEST(RepositoryInfo, ListsLocalBranchesSorted) {
    Sandbox sandbox;
    fs::path repo = makeRepo(sandbox / "r");
    git(repo, {"branch", "zeta"});
    git(repo, {"branch", "parawork/alpha"});
    EXPECT_EQ(listLocalBranches(repo),
              (std::vector<std::string>{"main", "parawork/alpha", "zeta"}));
}

TEST(RepositoryInfo, LinkedWorktreeKnowsItsMainCheckout) {
    Sandbox sandbox;
    fs::path repo = makeRepo(sandbox / "r");
    git(repo, {"worktree", "add", "-q", "-b", "side", (sandbox / "side").string()});
    RepositoryInfo info = readRepository(sandbox / "side");
    EXPECT_TRUE(info.isLinkedWorktree);
    EXPECT_EQ(info.root, sandbox / "side");
    EXPECT_EQ(info.mainRoot, repo);
    EXPECT_EQ(info.currentBranch, "side");
    EXPECT_EQ(info.defaultBranch, "main");  // the main checkout's branch
}

TEST(RepositoryInfo, CommitOfResolvesRefs) {
    Sandbox sandbox;
    fs::path repo = makeRepo(sandbox / "r");
    std::string head = git(repo, {"rev-parse", "HEAD"});
    head.pop_back();
    EXPECT_EQ(commitOf(repo, "main"), head);
    EXPECT_EQ(commitOf(repo, "HEAD"), head);
    EXPECT_EQ(commitOf(repo, head.substr(0, 10)), head);
    EXPECT_EQ(commitOf(repo, "nope"), std::nullopt);
}

TEST(RepositoryInfo, NonRepositoryPaths) {
    Sandbox sandbox;
    fs::create_directories(sandbox / "plain");
    EXPECT_FALSE(isRepository(sandbox / "plain"));
    EXPECT_FALSE(isRepository(sandbox / "missing"));
    try {
        readRepository(sandbox / "plain");
        FAIL() << "no error";
    } catch (const core::Error& e) {
        EXPECT_NE(std::string(e.what()).find("is not inside a git repository"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(listLocalBranches(sandbox / "plain"), core::Error);
}

TEST(RepositoryInfo, BareRepositoryIsRefused) {
    Sandbox sandbox;
    makeClone(sandbox, "work");
    EXPECT_FALSE(isRepository(sandbox / "origin.git"));
    try {
        readRepository(sandbox / "origin.git");
        FAIL() << "no error";
    } catch (const core::Error& e) {
        EXPECT_NE(std::string(e.what()).find("bare"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace parawork::git
