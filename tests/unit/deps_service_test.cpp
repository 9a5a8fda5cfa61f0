// The dependency service: a report is published as dependency_status only when it differs from
// the last one of its workspace, and a setup session's end refreshes its workspace's report.
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "deps/dependency_service.hpp"
#include "deps_fixture.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::deps {
namespace {

using namespace std::chrono_literals;

class DepsService : public store::fixture::StoreTest {
  protected:
    void SetUp() override {
        workspace_ = store::fixture::makeWorkspace("w1");
        workspace_.path = files_.root().string();
        store::insertWorkspace(db_, workspace_);
    }
    DependencyService service() {
        DetectOptions options;
        options.pathVariable = (files_.root() / "no-bin").string();
        return DependencyService(db_, options, [this](const std::string& id, std::string event) {
            published_.emplace_back(id, boost::json::parse(event).as_object());
        });
    }
    fixture::Workspace files_;
    core::Workspace workspace_;
    std::vector<std::pair<std::string, boost::json::object>> published_;
};

TEST_F(DepsService, OnlyChangedReportsArePublished) {
    files_.write("package.json", "{}", 100s);
    auto deps = service();
    auto first = deps.report(workspace_);
    EXPECT_EQ(first.at("workspaceId"), "w1");
    EXPECT_EQ(first.at("status"), "missing");
    EXPECT_TRUE(first.at("setup").is_null());
    deps.report(workspace_);
    ASSERT_EQ(published_.size(), 1u);
    EXPECT_EQ(published_[0].first, "w1");
    EXPECT_EQ(published_[0].second.at("type"), "dependency_status");
    EXPECT_EQ(published_[0].second.at("data").at("status"), "missing");

    files_.write("node_modules/.package-lock.json", "{}", 10s);
    deps.report(workspace_);
    ASSERT_EQ(published_.size(), 2u);
    EXPECT_EQ(published_[1].second.at("data").at("status"), "installed");
}

TEST_F(DepsService, ASetupsEndRefreshesTheReport) {
    auto deps = service();
    deps.report(workspace_);
    auto setup = store::fixture::makeSession("s1", "w1", core::SessionStatus::Completed, 2000);
    setup.kind = core::SessionKind::Setup;
    setup.exitCode = 0;
    store::insertSession(db_, setup);

    auto agent = store::fixture::makeSession("a1", "w1", core::SessionStatus::Completed, 3000);
    deps.sessionEnded(agent);  // not a setup: nothing to refresh
    ASSERT_EQ(published_.size(), 1u);
    deps.sessionEnded(setup);
    ASSERT_EQ(published_.size(), 2u);
    EXPECT_EQ(published_[1].second.at("data").at("setup").at("status"), "succeeded");
}

}  // namespace
}  // namespace parawork::deps
