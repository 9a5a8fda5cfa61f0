// Unit tests of the pull request service's own rules with a stand-in gh and a real store: the
// background refresher follows a stored open pull request and announces its change, the status
// answer, and the refusals that need no remote.
#include <gtest/gtest.h>

#include <mutex>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/error.hpp"
#include "review/pull_request_service.hpp"
#include "store/pull_requests.hpp"
#include "store/workspaces.hpp"
#include "unit_support/fake_gh.hpp"
#include "unit_support/temp_dir.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::review {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string viewJson(const std::string& state) {
    return R"({"number":3,"url":"https://github.com/o/r/pull/3","state":")" + state +
           R"(","isDraft":false,"title":"t","statusCheckRollup":[]})";
}

class PullRequestServiceTest : public ::testing::Test {
  protected:
    PullRequestServiceTest() : gh_(dir_.path() / "gh") {
        fs::create_directories(dir_.path() / "ws");
        core::Workspace ws{.id = "w1", .name = "w", .path = (dir_.path() / "ws").string()};
        ws.gitWorktree = core::GitWorktree{ws.path, "parawork/w", ws.path, "origin/main", 0};
        store::insertWorkspace(db_, ws);
        core::Workspace plain{.id = "w2", .name = "plain", .path = dir_.path().string()};
        store::insertWorkspace(db_, plain);
    }
    PullRequestServiceConfig config() {
        return {.db = db_,
                .publish =
                    [this](const std::string&, std::string event) {
                        std::lock_guard lock(mutex_);
                        events_.push_back(json::parse(event));
                    },
                .gh = {.pathVariable = gh_.binDir().string()},
                .firstRefresh = std::chrono::milliseconds(10),
                .longestRefresh = std::chrono::milliseconds(40)};
    }
    std::vector<json::value> events() {
        std::lock_guard lock(mutex_);
        return events_;
    }
    unsigned statusOf(const std::function<void()>& call) {
        try {
            call();
        } catch (const core::ServiceError& e) {
            return e.status;
        }
        return 200;
    }

    test::TempDir dir_{"pw-prs"};
    store::Database db_ = store::Database::open(dir_.path() / "db.sqlite");
    test::FakeGh gh_;
    std::mutex mutex_;
    std::vector<json::value> events_;
};

TEST_F(PullRequestServiceTest, TheRefresherFollowsAStoredOpenPullRequestUntilItIsMerged) {
    auto open = parsePullRequestView(viewJson("OPEN"), 1);
    store::setWorkspacePullRequest(db_, "w1", json::serialize(toJson(*open)));
    gh_.setView(viewJson("MERGED"));
    PullRequestService service(config());
    ASSERT_TRUE(test::waitUntil([&] { return !events().empty(); }));
    json::value event = events().front();
    EXPECT_EQ(event.at("type"), "pull_request_changed");
    EXPECT_EQ(event.at("data").at("workspaceId"), "w1");
    EXPECT_EQ(event.at("data").at("pullRequest").at("state"), "merged");
    auto stored = store::findWorkspace(db_, "w1")->pullRequestJson;
    ASSERT_TRUE(stored);
    EXPECT_EQ(pullRequestFromJson(*stored)->state, "merged");
    service.stop();
    service.stop();  // idempotent
    EXPECT_EQ(events().size(), 1u);
}

TEST_F(PullRequestServiceTest, StatusSaysWhatGhCanDo) {
    PullRequestService service(config());
    json::object status = service.status("w1", false);
    EXPECT_TRUE(status.at("pullRequest").is_null());
    EXPECT_TRUE(status.at("compareUrl").is_null());
    EXPECT_EQ(status.at("gh"), json::parse(R"({"installed":true,"loggedIn":true})"));
    gh_.setLoggedIn(false);
    EXPECT_EQ(service.status("w1", true).at("gh"),
              json::parse(R"({"installed":true,"loggedIn":false})"));
}

TEST_F(PullRequestServiceTest, Refusals) {
    PullRequestService service(config());
    EXPECT_EQ(statusOf([&] { service.status("nope", false); }), 404u);
    EXPECT_EQ(statusOf([&] { service.push("w2", "origin"); }), 400u);  // no branch of its own
    EXPECT_EQ(statusOf([&] { service.createPullRequest("w1", {.title = "a\nb"}); }), 400u);
    EXPECT_EQ(statusOf([&] { service.createPullRequest("w1", {.title = ""}); }), 400u);
    EXPECT_EQ(statusOf([&] {
                  service.createPullRequest("w1",
                                            {.body = std::string(kMaxPullRequestBody + 1, 'b')});
              }),
              400u);
}

}  // namespace
}  // namespace parawork::review
