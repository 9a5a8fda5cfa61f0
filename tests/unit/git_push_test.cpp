// Unit tests of pushing a workspace branch to a file:// remote (pushed, up to date, a
// non-fast-forward rejected with the remote untouched, refused names and remotes), the porcelain
// parser, and the forges' compare pages.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/push.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;

/// A clone whose "origin" is a bare repository reached through a file:// URL, on a branch
/// "parawork/feature" with one commit of its own.
class PushTest : public ::testing::Test {
  protected:
    PushTest() : clone_(makeClone(sandbox_, "work")), bare_(sandbox_ / "origin.git") {
        git(clone_, {"remote", "set-url", "origin", "file://" + bare_.string()});
        git(clone_, {"switch", "-q", "-c", "parawork/feature"});
        writeFile(clone_ / "a.txt", "ours\n");
        commitAll(clone_, "add a");
    }
    std::string remoteHead(const std::string& branch) {
        GitResult r =
            runGit({.args = {"rev-parse", "--verify", "-q", "refs/heads/" + branch}, .cwd = bare_});
        return r.ok() ? r.out : "";
    }
    std::string error(const std::string& remote, const std::string& branch) {
        try {
            pushBranch(clone_, remote, branch);
        } catch (const core::Error& e) {
            return e.what();
        }
        return "";
    }

    Sandbox sandbox_;
    fs::path clone_;
    fs::path bare_;
};

TEST_F(PushTest, PushesTheBranchAndSetsItsUpstream) {
    PushResult result = pushBranch(clone_, "origin", "parawork/feature");
    EXPECT_EQ(result.outcome, PushResult::Outcome::pushed) << result.message;
    EXPECT_EQ(result.remoteRef, "refs/heads/parawork/feature");
    EXPECT_EQ(remoteHead("parawork/feature"), git(clone_, {"rev-parse", "HEAD"}));
    EXPECT_EQ(git(clone_, {"rev-parse", "--abbrev-ref", "parawork/feature@{u}"}),
              "origin/parawork/feature\n");

    EXPECT_EQ(pushBranch(clone_, "origin", "parawork/feature").outcome,
              PushResult::Outcome::upToDate);
}

TEST_F(PushTest, ANonFastForwardIsRejectedAndNothingIsForced) {
    pushBranch(clone_, "origin", "parawork/feature");
    // Someone else pushes to the branch; ours is rewritten meanwhile.
    fs::path other = sandbox_ / "other";
    git(sandbox_.path(), {"clone", "-q", "-b", "parawork/feature", bare_.string(), "other"});
    writeFile(other / "b.txt", "theirs\n");
    git(other, {"add", "-A"});
    git(other, {"-c", "user.name=T", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "b"});
    git(other, {"push", "-q", "origin", "parawork/feature"});
    std::string theirs = remoteHead("parawork/feature");
    git(clone_, {"commit", "-q", "--amend", "-m", "rewritten"});

    PushResult result = pushBranch(clone_, "origin", "parawork/feature");
    EXPECT_EQ(result.outcome, PushResult::Outcome::rejected);
    EXPECT_EQ(result.message, "fetch first");
    EXPECT_EQ(remoteHead("parawork/feature"), theirs);

    // With their commit fetched, the rewrite is a plain non-fast-forward: refused all the same.
    git(clone_, {"fetch", "-q", "origin"});
    result = pushBranch(clone_, "origin", "parawork/feature");
    EXPECT_EQ(result.outcome, PushResult::Outcome::rejected);
    EXPECT_EQ(result.message, "non-fast-forward");
    EXPECT_EQ(remoteHead("parawork/feature"), theirs);
}

TEST_F(PushTest, RefusesUnknownRemotesAndBadBranchNames) {
    EXPECT_EQ(error("upstream", "parawork/feature"), "no remote named \"upstream\"");
    EXPECT_EQ(error("--receive-pack=touch /tmp/x", "parawork/feature"),
              "no remote named \"--receive-pack=touch /tmp/x\"");
    EXPECT_NE(error("origin", "-f").find("invalid branch name"), std::string::npos);
    EXPECT_NE(error("origin", "a..b").find("invalid branch name"), std::string::npos);
    EXPECT_NE(error("origin", "a\nb").find("invalid branch name"), std::string::npos);
    EXPECT_EQ(remoteHead("parawork/feature"), "");
}

TEST_F(PushTest, AFailedPushSaysWhy) {
    git(clone_, {"remote", "add", "gone", "file://" + (sandbox_ / "missing.git").string()});
    PushResult result = pushBranch(clone_, "gone", "parawork/feature");
    EXPECT_EQ(result.outcome, PushResult::Outcome::failed);
    EXPECT_NE(result.message.find("does not appear to be a git repository"), std::string::npos)
        << result.message;
}

TEST(PushPorcelain, ReadsEachFlag) {
    const std::string ref = "refs/heads/b";
    auto outcome = [&](std::string_view out) { return parsePushPorcelain(out, ref).outcome; };
    EXPECT_EQ(outcome("To x\n*\trefs/heads/b:refs/heads/b\t[new branch]\nDone\n"),
              PushResult::Outcome::pushed);
    EXPECT_EQ(outcome("To x\n \trefs/heads/b:refs/heads/b\t1..2\nDone\n"),
              PushResult::Outcome::pushed);
    EXPECT_EQ(outcome("To x\n=\trefs/heads/b:refs/heads/b\t[up to date]\nDone\n"),
              PushResult::Outcome::upToDate);
    EXPECT_EQ(outcome("!\trefs/heads/b:refs/heads/b\t[rejected] (non-fast-forward)\n"),
              PushResult::Outcome::rejected);
    PushResult hook = parsePushPorcelain(
        "!\trefs/heads/b:refs/heads/b\t[remote rejected] (hook declined)\n", ref);
    EXPECT_EQ(hook.outcome, PushResult::Outcome::failed);
    EXPECT_EQ(hook.message, "hook declined");
    EXPECT_EQ(outcome("+\trefs/heads/b:refs/heads/b\t1...2 (forced update)\n"),
              PushResult::Outcome::failed);
    EXPECT_EQ(outcome("*\trefs/heads/c:refs/heads/c\t[new branch]\n"), PushResult::Outcome::failed);
    EXPECT_EQ(outcome(""), PushResult::Outcome::failed);
}

TEST(CompareUrl, GitHubGitLabAndBitbucketFromSshAndHttps) {
    EXPECT_EQ(compareUrl("git@github.com:o/r.git", "main", "parawork/x"),
              "https://github.com/o/r/compare/main...parawork/x?expand=1");
    EXPECT_EQ(compareUrl("ssh://git@github.com/o/r", "main", "b"),
              "https://github.com/o/r/compare/main...b?expand=1");
    EXPECT_EQ(compareUrl("ssh://git@github.com:22/o/r.git/", "main", "b"),
              "https://github.com/o/r/compare/main...b?expand=1");
    EXPECT_EQ(compareUrl("https://user@www.GitHub.com/o/r.git", "dev", "b"),
              "https://github.com/o/r/compare/dev...b?expand=1");
    EXPECT_EQ(compareUrl("git@gitlab.com:group/sub/r.git", "main", "b"),
              "https://gitlab.com/group/sub/r/-/compare/main...b");
    EXPECT_EQ(compareUrl("https://bitbucket.org/o/r.git", "main", "feat/1"),
              "https://bitbucket.org/o/r/pull-requests/new?source=feat/1&dest=main");
    // Characters a URL would read otherwise are encoded.
    EXPECT_EQ(compareUrl("git@github.com:o/r.git", "main", "a#b?c&d"),
              "https://github.com/o/r/compare/main...a%23b%3Fc%26d?expand=1");
}

TEST(CompareUrl, NothingForOtherHostsAndShapes) {
    EXPECT_EQ(compareUrl("git@example.com:o/r.git", "main", "b"), std::nullopt);
    EXPECT_EQ(compareUrl("file:///srv/git/r.git", "main", "b"), std::nullopt);
    EXPECT_EQ(compareUrl("/srv/git/r.git", "main", "b"), std::nullopt);
    EXPECT_EQ(compareUrl("https://github.com/o", "main", "b"), std::nullopt);
    EXPECT_EQ(compareUrl("https://github.com/o/r/extra", "main", "b"), std::nullopt);
    EXPECT_EQ(compareUrl("https://github.com/o/../r", "main", "b"), std::nullopt);
    EXPECT_EQ(compareUrl("https://github.com/o/r\n", "main", "b"), std::nullopt);
    EXPECT_EQ(compareUrl("git@github.com:o/r.git", "", "b"), std::nullopt);
    EXPECT_EQ(compareUrl("", "main", "b"), std::nullopt);
}

}  // namespace
}  // namespace parawork::git
