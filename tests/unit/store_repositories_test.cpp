// Unit tests of the repositories and workspaces queries against a real SQLite file: round trips,
// the orders of protocol §4.2/§4.3, the updated_at rule of §13, and what deletes take along.
#include <SQLiteCpp/Exception.h>
#include <gtest/gtest.h>

#include "store/file_changes.hpp"
#include "store/messages.hpp"
#include "store/repositories.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::store {
namespace {

using namespace fixture;
using core::WorkspaceStatus;

using RepositoriesTest = StoreTest;
using WorkspacesTest = StoreTest;

std::vector<std::string> ids(const auto& list) {
    std::vector<std::string> out;
    for (const auto& item : list) out.push_back(item.id);
    return out;
}

TEST_F(RepositoriesTest, RoundTripsEveryField) {
    core::Repository r = makeRepository("r1", "repo", 1234);
    r.defaultBranch = "trunk";
    r.remoteUrl = "git@example.com:x.git";
    insertRepository(db_, r);
    auto found = findRepository(db_, "r1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->name, "repo");
    EXPECT_EQ(found->path, "/src/r1");
    EXPECT_EQ(found->defaultBranch, "trunk");
    EXPECT_EQ(found->remoteUrl, "git@example.com:x.git");
    EXPECT_EQ(found->createdAt, 1234);
    EXPECT_EQ(found->updatedAt, 1234);
    EXPECT_FALSE(findRepository(db_, "nope"));
}

TEST_F(RepositoriesTest, FindsByExactPath) {
    insertRepository(db_, makeRepository("r1", "repo"));
    EXPECT_EQ(findRepositoryByPath(db_, "/src/r1")->id, "r1");
    EXPECT_FALSE(findRepositoryByPath(db_, "/src/r1/"));  // no normalisation, as the original
    EXPECT_THROW(insertRepository(db_, makeRepository("r1", "again")), SQLite::Exception);
    core::Repository samePath = makeRepository("r2", "other");
    samePath.path = "/src/r1";
    EXPECT_THROW(insertRepository(db_, samePath), SQLite::Exception);
}

TEST_F(RepositoriesTest, ListsByNameCaseSensitively) {
    insertRepository(db_, makeRepository("r1", "beta"));
    insertRepository(db_, makeRepository("r2", "Zeta"));
    insertRepository(db_, makeRepository("r3", "alpha"));
    insertRepository(db_, makeRepository("r4", "Alpha"));
    // Binary collation: upper case sorts before lower case.
    EXPECT_EQ(ids(listRepositories(db_)), (std::vector<std::string>{"r4", "r2", "r3", "r1"}));
}

TEST_F(RepositoriesTest, UpdatedAtMovesOnlyOnARealChange) {
    insertRepository(db_, makeRepository("r1", "repo", 1000));
    RepositoryPatch same;
    same.name = "repo";
    same.defaultBranch = "main";
    EXPECT_EQ(updateRepository(db_, "r1", same, 2000)->updatedAt, 1000);
    EXPECT_EQ(updateRepository(db_, "r1", {}, 2000)->updatedAt, 1000);

    RepositoryPatch rename;
    rename.name = "renamed";
    auto updated = updateRepository(db_, "r1", rename, 3000);
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->name, "renamed");
    EXPECT_EQ(updated->updatedAt, 3000);
    EXPECT_EQ(findRepository(db_, "r1")->updatedAt, 3000);

    RepositoryPatch remote;
    remote.remoteUrl = std::optional<std::string>("https://x");
    EXPECT_EQ(updateRepository(db_, "r1", remote, 4000)->remoteUrl, "https://x");
    remote.remoteUrl = std::optional<std::string>();  // set to null
    updated = updateRepository(db_, "r1", remote, 5000);
    EXPECT_FALSE(updated->remoteUrl);
    EXPECT_EQ(updated->updatedAt, 5000);
    EXPECT_EQ(updateRepository(db_, "r1", remote, 6000)->updatedAt, 5000);  // null again
}

TEST_F(RepositoriesTest, UpdateOrDeleteOfAnUnknownIdFindsNothing) {
    RepositoryPatch rename;
    rename.name = "x";
    EXPECT_FALSE(updateRepository(db_, "nope", rename));
    EXPECT_FALSE(updateRepository(db_, "nope", {}));
    EXPECT_FALSE(deleteRepository(db_, "nope"));
}

TEST_F(RepositoriesTest, DeleteKeepsWorkspacesWithANullRepository) {
    insertRepository(db_, makeRepository("r1", "repo"));
    core::Workspace w = makeWorkspace("w1");
    w.repositoryId = "r1";
    insertWorkspace(db_, w);
    EXPECT_TRUE(deleteRepository(db_, "r1"));
    EXPECT_FALSE(findRepository(db_, "r1"));
    auto kept = findWorkspace(db_, "w1");
    ASSERT_TRUE(kept);
    EXPECT_FALSE(kept->repositoryId);  // ON DELETE SET NULL
}

TEST_F(WorkspacesTest, RoundTripsEveryFieldAndTheWorktree) {
    insertRepository(db_, makeRepository("r1", "repo"));
    core::Workspace w = makeWorkspace("w1", 1000);
    w.repositoryId = "r1";
    w.status = WorkspaceStatus::Running;
    w.agentType = "aider";
    w.lastFocusedAt = 1500;
    w.gitWorktree = core::GitWorktree{"/wt/w1", "parawork/w1", "/src/r1", "origin/dev", 999};
    insertWorkspace(db_, w);
    auto found = findWorkspace(db_, "w1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->repositoryId, "r1");
    EXPECT_EQ(found->status, WorkspaceStatus::Running);
    EXPECT_EQ(found->agentType, "aider");
    EXPECT_EQ(found->lastFocusedAt, 1500);
    ASSERT_TRUE(found->gitWorktree);
    EXPECT_EQ(found->gitWorktree->worktreePath, "/wt/w1");
    EXPECT_EQ(found->gitWorktree->branchName, "parawork/w1");
    EXPECT_EQ(found->gitWorktree->baseRepoPath, "/src/r1");
    EXPECT_EQ(found->gitWorktree->baseBranch, "origin/dev");
    EXPECT_EQ(found->gitWorktree->createdAt, 999);

    insertWorkspace(db_, makeWorkspace("w2"));
    auto plain = findWorkspace(db_, "w2");
    EXPECT_FALSE(plain->gitWorktree);
    EXPECT_FALSE(plain->repositoryId);
    EXPECT_FALSE(plain->agentType);
    EXPECT_FALSE(plain->lastFocusedAt);
}

TEST_F(WorkspacesTest, PartialWorktreeMetadataIsNoWorktree) {
    insertWorkspace(db_, makeWorkspace("w1"));
    // §13: all three of path, branch and base repo path, or no gitWorktree.
    db_.sql().exec("UPDATE workspaces SET git_worktree_path = '/wt', git_branch_name = 'b'");
    EXPECT_FALSE(findWorkspace(db_, "w1")->gitWorktree);
    db_.sql().exec("UPDATE workspaces SET git_base_repo_path = '/src'");
    auto w = findWorkspace(db_, "w1");
    ASSERT_TRUE(w->gitWorktree);
    EXPECT_FALSE(w->gitWorktree->baseBranch);
    EXPECT_FALSE(w->gitWorktree->createdAt);
}

TEST_F(WorkspacesTest, UnknownRepositoryIsRefused) {
    core::Workspace w = makeWorkspace("w1");
    w.repositoryId = "missing";
    EXPECT_THROW(insertWorkspace(db_, w), SQLite::Exception);  // the foreign key (§4.3)
}

TEST_F(WorkspacesTest, ListsOldestFirstThenById) {
    insertRepository(db_, makeRepository("r1", "repo"));
    insertWorkspace(db_, makeWorkspace("c", 3000));
    insertWorkspace(db_, makeWorkspace("b", 1000));
    insertWorkspace(db_, makeWorkspace("a", 3000));
    core::Workspace inRepo = makeWorkspace("d", 2000);
    inRepo.repositoryId = "r1";
    insertWorkspace(db_, inRepo);
    core::Workspace inRepoToo = makeWorkspace("e", 500);
    inRepoToo.repositoryId = "r1";
    insertWorkspace(db_, inRepoToo);
    EXPECT_EQ(ids(listWorkspaces(db_)), (std::vector<std::string>{"e", "b", "d", "a", "c"}));
    EXPECT_EQ(ids(listWorkspacesByRepository(db_, "r1")), (std::vector<std::string>{"e", "d"}));
    EXPECT_TRUE(listWorkspacesByRepository(db_, "nope").empty());
}

TEST_F(WorkspacesTest, ArchivedOnesAreListedApart) {
    insertWorkspace(db_, makeWorkspace("a", 1000));
    insertWorkspace(db_, makeWorkspace("b", 2000));
    EXPECT_TRUE(setWorkspaceArchivedAt(db_, "a", 5000, 5000));
    EXPECT_EQ(findWorkspace(db_, "a")->archivedAt, 5000);
    EXPECT_EQ(ids(listWorkspaces(db_, false)), std::vector<std::string>{"b"});
    EXPECT_EQ(ids(listWorkspaces(db_, true)), std::vector<std::string>{"a"});
    EXPECT_EQ(ids(listWorkspaces(db_)), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(setWorkspaceArchivedAt(db_, "a", std::nullopt, 6000));
    EXPECT_FALSE(findWorkspace(db_, "a")->archivedAt);
    EXPECT_EQ(findWorkspace(db_, "a")->updatedAt, 6000);
    EXPECT_FALSE(setWorkspaceArchivedAt(db_, "nope", 1, 1));
}

TEST_F(WorkspacesTest, UpdatedAtMovesOnlyOnARealChange) {
    insertWorkspace(db_, makeWorkspace("w1", 1000));
    WorkspacePatch same;
    same.status = WorkspaceStatus::Idle;
    same.name = "ws w1";
    EXPECT_EQ(updateWorkspace(db_, "w1", same, 2000)->updatedAt, 1000);

    WorkspacePatch focus;
    focus.lastFocusedAt = std::optional<std::int64_t>(2500);
    auto updated = updateWorkspace(db_, "w1", focus, 3000);
    EXPECT_EQ(updated->lastFocusedAt, 2500);
    EXPECT_EQ(updated->updatedAt, 3000);
    EXPECT_EQ(updateWorkspace(db_, "w1", focus, 4000)->updatedAt, 3000);  // same value

    WorkspacePatch run;
    run.status = WorkspaceStatus::Running;
    run.agentType = std::optional<std::string>("codex");
    updated = updateWorkspace(db_, "w1", run, 5000);
    EXPECT_EQ(updated->status, WorkspaceStatus::Running);
    EXPECT_EQ(updated->agentType, "codex");
    EXPECT_EQ(updated->lastFocusedAt, 2500);  // untouched
    EXPECT_EQ(findWorkspace(db_, "w1")->updatedAt, 5000);
    EXPECT_FALSE(updateWorkspace(db_, "nope", run));
}

TEST_F(WorkspacesTest, TheNotificationMuteRoundTripsAndPatches) {
    core::Workspace w = makeWorkspace("w1", 1000);
    w.notificationsMuted = true;
    insertWorkspace(db_, w);
    EXPECT_TRUE(findWorkspace(db_, "w1")->notificationsMuted);
    insertWorkspace(db_, makeWorkspace("w2", 1000));
    EXPECT_FALSE(findWorkspace(db_, "w2")->notificationsMuted);
    WorkspacePatch mute;
    mute.notificationsMuted = true;
    auto updated = updateWorkspace(db_, "w2", mute, 2000);
    EXPECT_TRUE(updated->notificationsMuted);
    EXPECT_EQ(updated->updatedAt, 2000);
    EXPECT_TRUE(findWorkspace(db_, "w2")->notificationsMuted);
    EXPECT_EQ(updateWorkspace(db_, "w2", mute, 3000)->updatedAt, 2000);  // same value
}

TEST_F(WorkspacesTest, DeleteCascadesToSessionsAndTheirRows) {
    insertWorkspace(db_, makeWorkspace("w1"));
    insertWorkspace(db_, makeWorkspace("w2"));
    insertSession(db_, makeSession("s1", "w1", core::SessionStatus::Running, 1));
    insertSession(db_, makeSession("s2", "w2", core::SessionStatus::Running, 1));
    insertMessage(db_, makeMessage("m1", "s1", "hi", 2));
    insertFileChange(db_, {0, "s1", "a.txt", core::ChangeType::Created, std::nullopt, 3});
    EXPECT_TRUE(deleteWorkspace(db_, "w1"));
    EXPECT_FALSE(deleteWorkspace(db_, "w1"));
    EXPECT_FALSE(findSession(db_, "s1"));
    EXPECT_TRUE(listMessagesBySession(db_, "s1").empty());
    EXPECT_TRUE(listFileChangesBySession(db_, "s1").empty());
    EXPECT_TRUE(findSession(db_, "s2"));
}

}  // namespace
}  // namespace parawork::store
