// Unit tests of the GitHub CLI wrapper against a stand-in `gh` (tests/unit_support/fake_gh):
// the exact argv it is given, gh's JSON read into a PullRequest, a missing gh, nobody logged in,
// and titles and bodies that look like options.
#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include "core/error.hpp"
#include "review/github_cli.hpp"
#include "unit_support/fake_gh.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::review {
namespace {

namespace fs = std::filesystem;
using Argv = std::vector<std::string>;

constexpr const char* kViewJson = R"({"number":7,"url":"https://github.com/o/r/pull/7",
  "state":"OPEN","isDraft":false,"title":"Add a","reviewDecision":"REVIEW_REQUIRED",
  "mergeable":"MERGEABLE","statusCheckRollup":[
   {"__typename":"CheckRun","status":"COMPLETED","conclusion":"SUCCESS"},
   {"__typename":"CheckRun","status":"COMPLETED","conclusion":"SKIPPED"},
   {"__typename":"CheckRun","status":"COMPLETED","conclusion":"FAILURE"},
   {"__typename":"CheckRun","status":"IN_PROGRESS","conclusion":""},
   {"__typename":"StatusContext","state":"PENDING"},
   {"__typename":"StatusContext","state":"ERROR"}]})";

class GithubCliTest : public ::testing::Test {
  protected:
    GithubCliTest() : gh_(dir_.path()), cli_({.pathVariable = gh_.binDir().string()}) {}

    test::TempDir dir_{"pw-gh"};
    test::FakeGh gh_;
    GithubCli cli_;
};

TEST_F(GithubCliTest, InstalledAndLoggedInOrNot) {
    GhStatus status = cli_.status();
    EXPECT_TRUE(status.installed);
    EXPECT_TRUE(status.loggedIn);
    EXPECT_EQ(gh_.calls(), std::vector<Argv>{Argv({"auth", "status"})});

    gh_.setLoggedIn(false);
    status = cli_.status();
    EXPECT_TRUE(status.installed);
    EXPECT_FALSE(status.loggedIn);
}

TEST_F(GithubCliTest, NotInstalled) {
    test::TempDir empty{"pw-nogh"};
    GithubCli missing({.pathVariable = empty.path().string()});
    GhStatus status = missing.status();
    EXPECT_FALSE(status.installed);
    EXPECT_FALSE(status.loggedIn);
    EXPECT_THROW(missing.create(dir_.path(), {.base = "main", .head = "b", .title = "t"}),
                 core::Error);
    EXPECT_THROW(missing.view(dir_.path(), "b"), core::Error);
    EXPECT_TRUE(gh_.calls().empty());
}

TEST_F(GithubCliTest, CreatesWithTheExactArgvAndOptionLikeValues) {
    std::string url = cli_.create(dir_.path(), {.base = "main",
                                                .head = "parawork/x",
                                                .title = "--draft -t evil",
                                                .body = "-b\n--body x\n",
                                                .draft = true});
    EXPECT_EQ(url, test::FakeGh::kCreatedUrl);
    auto calls = gh_.calls("pr", "create");
    ASSERT_EQ(calls.size(), 1u);
    const Argv& argv = calls[0];
    ASSERT_EQ(argv.size(), 7u);
    EXPECT_EQ(
        Argv(argv.begin(), argv.begin() + 5),
        Argv({"pr", "create", "--base=main", "--head=parawork/x", "--title=--draft -t evil"}));
    EXPECT_TRUE(argv[5].starts_with("--body-file=")) << argv[5];
    EXPECT_EQ(argv[6], "--draft");
    EXPECT_EQ(gh_.lastBody(), "-b\n--body x\n");
    // The body's file is gone once gh is done with it.
    EXPECT_FALSE(fs::exists(argv[5].substr(std::string("--body-file=").size())));
}

TEST_F(GithubCliTest, ACreateThatFailsSaysWhy) {
    gh_.setCreateFailure("a pull request for branch \"b\" into branch \"main\" already exists");
    try {
        cli_.create(dir_.path(), {.base = "main", .head = "b", .title = "t"});
        FAIL() << "no error";
    } catch (const core::Error& e) {
        EXPECT_STREQ(e.what(),
                     "gh pr create failed: a pull request for branch \"b\" into branch "
                     "\"main\" already exists");
    }
}

TEST_F(GithubCliTest, ViewsTheBranchsPullRequest) {
    EXPECT_EQ(cli_.view(dir_.path(), "parawork/x"), std::nullopt);
    gh_.setView(kViewJson);
    auto pr = cli_.view(dir_.path(), "parawork/x");
    ASSERT_TRUE(pr);
    EXPECT_EQ(pr->number, 7);
    EXPECT_EQ(pr->state, "open");
    EXPECT_EQ(pr->checks, (PullRequestChecks{.passing = 2, .failing = 2, .pending = 2}));
    auto calls = gh_.calls("pr", "view");
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0], Argv({"pr", "view", "--json", std::string(kPullRequestViewFields), "--",
                              "parawork/x"}));

    gh_.setView("not json");
    EXPECT_THROW(cli_.view(dir_.path(), "parawork/x"), core::Error);
}

TEST(PullRequestView, ReadsGhsJson) {
    auto pr = parsePullRequestView(kViewJson, 1234);
    ASSERT_TRUE(pr);
    EXPECT_EQ(pr->url, "https://github.com/o/r/pull/7");
    EXPECT_EQ(pr->title, "Add a");
    EXPECT_EQ(pr->reviewDecision, "REVIEW_REQUIRED");
    EXPECT_EQ(pr->mergeable, "MERGEABLE");
    EXPECT_EQ(pr->refreshedAt, 1234);

    auto state = [](const std::string& fields) {
        auto read = parsePullRequestView(R"({"number":1,"url":"u",)" + fields + "}", 0);
        return read ? read->state : "(none)";
    };
    EXPECT_EQ(state(R"("state":"OPEN","isDraft":true)"), "draft");
    EXPECT_EQ(state(R"("state":"MERGED")"), "merged");
    EXPECT_EQ(state(R"("state":"CLOSED")"), "closed");
    EXPECT_EQ(state(R"("state":"WEIRD")"), "(none)");
    auto empty = parsePullRequestView(R"({"number":1,"url":"u","state":"OPEN",
        "reviewDecision":"","mergeable":"","statusCheckRollup":null})",
                                      0);
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->reviewDecision, std::nullopt);
    EXPECT_EQ(empty->checks, PullRequestChecks{});
    EXPECT_EQ(parsePullRequestView("[]", 0), std::nullopt);
    EXPECT_EQ(parsePullRequestView(R"({"url":"u","state":"OPEN"})", 0), std::nullopt);
}

TEST(PullRequestJson, RoundTripsThroughItsStoredText) {
    PullRequest pr = *parsePullRequestView(kViewJson, 99);
    auto back = pullRequestFromJson(boost::json::serialize(toJson(pr)));
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->sameAs(pr));
    EXPECT_EQ(back->refreshedAt, 99);
    EXPECT_EQ(pullRequestFromJson("{"), std::nullopt);
    EXPECT_EQ(pullRequestFromJson(R"({"number":"7"})"), std::nullopt);
}

}  // namespace
}  // namespace parawork::review
