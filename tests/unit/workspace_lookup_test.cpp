// Unit tests of workspace::requireWorkspace, the one lookup every service and route makes: each
// need unmet gives its own status and message, checked in the documented order.
#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "git_fixture.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"
#include "workspace/workspace_lookup.hpp"

namespace parawork::workspace {
namespace {

class WorkspaceLookupTest : public store::fixture::StoreTest {
  protected:
    /// The refusal requireWorkspace throws, as "status message", or "ok".
    std::string refusal(const std::string& id, WorkspaceNeeds needs) {
        try {
            requireWorkspace(db_, id, needs);
            return "ok";
        } catch (const core::ServiceError& e) {
            return std::to_string(e.status) + " " + e.what();
        }
    }
    core::Workspace add(const std::string& id, const std::string& path) {
        core::Workspace w = store::fixture::makeWorkspace(id);
        w.path = path;
        store::insertWorkspace(db_, w);
        return w;
    }

    git::testing::Sandbox sandbox_;
};

TEST_F(WorkspaceLookupTest, EachNeedHasItsStatusAndMessage) {
    EXPECT_EQ(refusal("nope", {}), "404 Workspace not found");

    add("gone", (sandbox_ / "missing").string());
    EXPECT_EQ(refusal("gone", {}), "ok");  // the record is enough when nothing else is needed
    EXPECT_EQ(refusal("gone", {.directory = true}), "400 Workspace directory does not exist");
    EXPECT_EQ(refusal("gone", {.repository = true}), "400 Workspace directory does not exist");

    std::filesystem::create_directories(sandbox_ / "plain");
    add("plain", (sandbox_ / "plain").string());
    EXPECT_EQ(refusal("plain", {.directory = true}), "ok");
    EXPECT_EQ(refusal("plain", {.repository = true}), "400 Workspace is not a git repository");
    EXPECT_EQ(refusal("plain", {.ownBranch = true}),
              "400 Workspace has no branch of its own (it is not a worktree)");

    auto repo = git::testing::makeRepo(sandbox_ / "repo");
    add("repo", repo.string());
    EXPECT_EQ(refusal("repo", {.repository = true}), "ok");
    EXPECT_EQ(requireWorkspace(db_, "repo").path, repo.string());

    store::setWorkspaceArchivedAt(db_, "repo", 5000);
    EXPECT_EQ(refusal("repo", {.repository = true}), "ok");
    // Archived is said first: it explains the missing branch and directory too.
    EXPECT_EQ(refusal("repo", {.notArchived = true, .ownBranch = true}),
              "409 Workspace is archived: unarchive it first");
}

}  // namespace
}  // namespace parawork::workspace
