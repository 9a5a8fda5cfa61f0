// Push and pull requests against a real daemon (issue 20, docs/review.md): a push over ssh://
// through a real sshd with the daemon's GIT_SSH_COMMAND, a non-fast-forward refused and nothing
// forced, the compare page when gh is absent, and with a stand-in gh: the pull request made
// (option-like titles stay titles), shown on the workspace and refreshed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/executables.hpp"
#include "support/git_repo.hpp"
#include "support/session_api.hpp"
#include "support/sshd.hpp"
#include "unit_support/fake_gh.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kGithubUrl = "git@github.com:octo/project.git";
constexpr const char* kCompareUrl =
    "https://github.com/octo/project/compare/main...parawork/feature?expand=1";

std::string prJson(const std::string& state) {
    return R"({"number":7,"url":"https://github.com/octo/project/pull/7","state":")" + state +
           R"(","isDraft":false,"title":"Add the feature","reviewDecision":"",
           "mergeable":"MERGEABLE","statusCheckRollup":[{"status":"COMPLETED","conclusion":"SUCCESS"}]})";
}

std::string ghPath(const FakeGh* gh) {
    const char* path = std::getenv("PATH");
    std::string inherited = path != nullptr ? path : "/usr/bin:/bin";
    return gh != nullptr ? gh->binDir().string() + ":" + inherited : inherited;
}

/// A repository whose origin says github.com while git really talks to realUrl(the bare
/// origin.git) (url.<real>.insteadOf), a daemon, and a workspace "feature" with one commit of
/// its own.
struct PushFixture {
    GitRepo repo{"project", true};
    fs::path bare = repo.base() / "origin.git";
    DaemonProcess daemon;
    SessionApi api{daemon};
    std::string id;
    fs::path worktree;

    PushFixture(const std::function<std::string(const fs::path&)>& realUrl,
                std::map<std::string, std::string> env)
        : daemon(DaemonProcess::Options{.env = std::move(env)}) {
        git(repo.path(), {"remote", "set-url", "origin", kGithubUrl});
        git(repo.path(), {"config", "url." + realUrl(bare) + ".insteadOf", kGithubUrl});
        unsigned status = 0;
        auto ws = call("POST", "/api/workspaces",
                       {{"name", "feature"}, {"path", repo.path().string()}}, &status);
        if (status != 201) throw std::runtime_error("workspace: " + json::serialize(ws));
        id = std::string(ws.at("data").at("id").as_string());
        worktree = std::string(ws.at("data").at("gitWorktree").at("worktreePath").as_string());
        std::ofstream(worktree / "feature.txt") << "new\n";
        git(worktree, {"add", "-A"});
        git(worktree, {"commit", "-q", "-m", "Add the feature"});
    }
    json::value call(const std::string& method, const std::string& target,
                     const json::object& body = {}, unsigned* status = nullptr) {
        return api.call(method, target, json::serialize(body), status);
    }
    std::string remoteHead() { return git(bare, {"rev-parse", "refs/heads/parawork/feature"}); }
};

TEST(ReviewPush, PushesOverSshWithTheDaemonsSshCommandAndNeverForces) {
    if (!Sshd::available()) GTEST_SKIP() << "openssh-server is not installed";
    if (core::findExecutable("gh", ghPath(nullptr), "/"))
        GTEST_SKIP() << "a real gh is on the PATH";
    TempDir sshDir{"pw-sshd"};
    Sshd sshd(sshDir.path());
    PushFixture f([&](const fs::path& bare) { return sshd.url(bare); },
                  {{"GIT_SSH_COMMAND", sshd.gitSshCommand()}});

    unsigned status = 0;
    auto pushed = f.call("POST", "/api/workspaces/" + f.id + "/push", {}, &status);
    ASSERT_EQ(status, 200u) << json::serialize(pushed);
    const auto& data = pushed.at("data").as_object();
    EXPECT_EQ(data.at("remote"), "origin");
    EXPECT_EQ(data.at("branch"), "parawork/feature");
    EXPECT_EQ(data.at("remoteRef"), "refs/heads/parawork/feature");
    EXPECT_EQ(data.at("compareUrl"), kCompareUrl);
    EXPECT_EQ(f.remoteHead(), git(f.worktree, {"rev-parse", "HEAD"}));

    // Without gh: pushed, no pull request, the compare page instead.
    auto pr = f.call("POST", "/api/workspaces/" + f.id + "/pr", {}, &status);
    ASSERT_EQ(status, 200u) << json::serialize(pr);
    EXPECT_TRUE(pr.at("data").at("pullRequest").is_null());
    EXPECT_EQ(pr.at("data").at("reason"), "gh is not installed");
    EXPECT_EQ(pr.at("data").at("compareUrl"), kCompareUrl);
    auto shown = f.call("GET", "/api/workspaces/" + f.id + "/pr");
    EXPECT_EQ(shown.at("data").at("gh"), json::parse(R"({"installed":false,"loggedIn":false})"));

    // Someone else pushes to the branch; ours is rewritten: refused, the remote untouched.
    git(f.repo.base(), {"clone", "-q", "-b", "parawork/feature", f.bare.string(), "other"});
    std::ofstream(f.repo.base() / "other" / "theirs.txt") << "theirs\n";
    git(f.repo.base() / "other", {"add", "-A"});
    git(f.repo.base() / "other", {"commit", "-q", "-m", "theirs"});
    git(f.repo.base() / "other", {"push", "-q", "origin", "parawork/feature"});
    std::string theirs = f.remoteHead();
    git(f.worktree, {"commit", "-q", "--amend", "-m", "Rewritten"});
    auto refused = f.call("POST", "/api/workspaces/" + f.id + "/push", {}, &status);
    EXPECT_EQ(status, 409u);
    EXPECT_TRUE(std::string(refused.at("error").as_string()).starts_with("rejected: "))
        << json::serialize(refused);
    EXPECT_EQ(f.remoteHead(), theirs);
}

TEST(ReviewPush, RefusesUnknownRemotesAndWorkspaces) {
    PushFixture f([](const fs::path& bare) { return "file://" + bare.string(); }, {});
    unsigned status = 0;
    for (std::string remote : {"upstream", "--receive-pack=touch x", "a\nb"}) {
        auto res =
            f.call("POST", "/api/workspaces/" + f.id + "/push", {{"remote", remote}}, &status);
        EXPECT_EQ(status, 400u) << remote << ": " << json::serialize(res);
    }
    f.call("POST", "/api/workspaces/" + f.id + "/push", {{"remote", 5}}, &status);
    EXPECT_EQ(status, 400u);
    f.call("POST", "/api/workspaces/00000000-0000-4000-8000-000000000000/push", {}, &status);
    EXPECT_EQ(status, 404u);
}

TEST(ReviewPush, OpensThePullRequestWithGhAndRefreshesIt) {
    TempDir ghDir{"pw-gh"};
    FakeGh gh(ghDir.path());
    PushFixture f([](const fs::path& bare) { return "file://" + bare.string(); },
                  {{"PATH", ghPath(&gh)}});
    std::string pr = "/api/workspaces/" + f.id + "/pr";

    gh.setViewAfterCreate(prJson("OPEN"));
    unsigned status = 0;
    auto made = f.call("POST", pr, {{"body", "-b body"}, {"draft", true}}, &status);
    ASSERT_EQ(status, 201u) << json::serialize(made);
    EXPECT_EQ(made.at("data").at("pullRequest").at("number"), 7);
    EXPECT_EQ(made.at("data").at("pullRequest").at("state"), "open");
    EXPECT_EQ(made.at("data").at("compareUrl"), kCompareUrl);
    auto creates = gh.calls("pr", "create");
    ASSERT_EQ(creates.size(), 1u);
    ASSERT_EQ(creates[0].size(), 7u);
    EXPECT_EQ(creates[0][2], "--base=main");
    EXPECT_EQ(creates[0][3], "--head=parawork/feature");
    EXPECT_EQ(creates[0][4], "--title=Add the feature");  // the first commit's subject
    EXPECT_EQ(creates[0][6], "--draft");
    EXPECT_EQ(gh.lastBody(), "-b body");
    EXPECT_EQ(f.remoteHead(), git(f.worktree, {"rev-parse", "HEAD"}));
    auto ws = f.call("GET", "/api/workspaces/" + f.id);
    EXPECT_EQ(ws.at("data").at("pullRequest").at("number"), 7);

    // One already open: shown, not made again.
    f.call("POST", pr, {}, &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(gh.calls("pr", "create").size(), 1u);

    // A title that looks like options is a title.
    gh.setView(std::nullopt);
    gh.setViewAfterCreate(prJson("OPEN"));
    f.call("POST", pr, {{"title", "--draft -x"}}, &status);
    EXPECT_EQ(status, 201u);
    bool hostile = false;
    for (const auto& argv : gh.calls("pr", "create"))
        hostile |= argv.size() == 6 && argv[4] == "--title=--draft -x";
    EXPECT_TRUE(hostile);
    for (const std::string& title : std::vector<std::string>{"", "a\x01z", std::string(300, 't')}) {
        f.call("POST", pr, {{"title", title}}, &status);
        EXPECT_EQ(status, 400u) << title;
    }

    gh.setView(prJson("MERGED"));
    auto refreshed = f.call("GET", pr + "?refresh=1", {}, &status);
    ASSERT_EQ(status, 200u) << json::serialize(refreshed);
    EXPECT_EQ(refreshed.at("data").at("pullRequest").at("state"), "merged");
    EXPECT_EQ(refreshed.at("data").at("gh"), json::parse(R"({"installed":true,"loggedIn":true})"));
    ws = f.call("GET", "/api/workspaces/" + f.id);
    EXPECT_EQ(ws.at("data").at("pullRequest").at("state"), "merged");
    EXPECT_EQ(ws.at("data").at("pullRequest").at("checks").at("passing"), 1);

    auto listed = runCli(f.daemon.home(), {"ws", "ls"});
    EXPECT_NE(listed.out.find("#7 merged"), std::string::npos) << describe(listed);
    auto shown = runCli(f.daemon.home(), {"pr", "status", f.id, "--json"});
    ASSERT_EQ(shown.exitCode, 0) << describe(shown);
    EXPECT_EQ(json::parse(shown.out).at("pullRequest").at("number"), 7);
}

}  // namespace
}  // namespace parawork::test
