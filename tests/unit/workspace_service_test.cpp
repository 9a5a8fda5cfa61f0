// WorkspaceService against a real git repository and a real SQLite store in a temporary
// directory: create (a worktree, a plain directory, the refusals, and nothing left behind when
// the worktree or the record fails), delete, the setup session and the setup gate.
#include <thread>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/worktrees.hpp"
#include "git_fixture.hpp"
#include "store/repositories.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"
#include "workspace/setup_gate.hpp"
#include "workspace/workspace_service.hpp"

namespace parawork::workspace {
namespace {

namespace fs = std::filesystem;
using git::testing::git;

/// The status of the core::ServiceError that `call` throws; 0 when it throws none.
template <class Call>
unsigned refusal(Call&& call, std::string* message = nullptr) {
    try {
        call();
    } catch (const core::ServiceError& e) {
        if (message) *message = e.what();
        return e.status;
    }
    return 0;
}

class WorkspaceServiceTest : public store::fixture::StoreTest {
  protected:
    git::testing::Sandbox sandbox_;
    fs::path repo_ = git::testing::makeRepo(sandbox_ / "repo");
    session::SessionService sessions_{db_, sessionConfig(), {}};
    std::vector<std::string> published_;
    WorkspaceService service_{db_, sessions_, config()};

    ~WorkspaceServiceTest() override { sessions_.shutdown(); }

    session::ServiceConfig sessionConfig() {
        session::ServiceConfig c;
        c.sessionsDir = dir_.path() / "sessions";
        c.hostBinary = "/nonexistent/parawork-host";
        return c;
    }
    WorkspaceConfig config() {
        WorkspaceConfig c;
        c.worktreeBase = sandbox_ / "worktrees";
        c.roots.dirs = {sandbox_.path()};
        c.publish = [this](const std::string&, std::string event) {
            published_.push_back(std::move(event));
        };
        return c;
    }
    CreateRequest request(std::string name, const fs::path& path) {
        CreateRequest r;
        r.name = std::move(name);
        r.path = path.string();
        return r;
    }
    bool branchExists(const std::string& branch) {
        return !git(repo_, {"branch", "--list", branch}).empty();
    }
};

TEST_F(WorkspaceServiceTest, CreateMakesAWorktreeOnItsOwnBranchAndRecordsIt) {
    auto made = service_.create(request("Fix login", repo_));
    const auto& ws = made.workspace;
    ASSERT_TRUE(ws.gitWorktree);
    EXPECT_EQ(ws.gitWorktree->branchName, "parawork/fix-login");
    EXPECT_EQ(ws.gitWorktree->baseRepoPath, repo_.string());
    EXPECT_TRUE(fs::exists(fs::path(ws.path) / "README.md"));
    EXPECT_EQ(fs::path(ws.path).parent_path().parent_path(), sandbox_ / "worktrees");
    EXPECT_TRUE(branchExists("parawork/fix-login"));
    EXPECT_FALSE(made.setup);  // no parawork.toml, no automatic install: no setup
    auto stored = store::findWorkspace(db_, ws.id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->path, ws.path);
    ASSERT_TRUE(service_.detail(ws.id));
    EXPECT_EQ(service_.list().size(), 1u);
}

TEST_F(WorkspaceServiceTest, APlainDirectoryIsUsedAsItIs) {
    auto plain = sandbox_ / "plain";
    fs::create_directories(plain);
    auto ws = service_.create(request("notes", plain)).workspace;
    EXPECT_FALSE(ws.gitWorktree);
    EXPECT_EQ(ws.path, plain.string());
    auto asked = request("again", plain);
    asked.worktree = true;
    EXPECT_EQ(refusal([&] { service_.create(asked); }), 400u);  // not a git repository
}

TEST_F(WorkspaceServiceTest, RefusalsComeAsServiceErrorsWithTheirStatus) {
    std::string message;
    auto outside = request("x", dir_.path());  // outside the roots
    EXPECT_EQ(refusal([&] { service_.create(outside); }, &message), 403u);
    EXPECT_EQ(message.rfind("Invalid path: ", 0), 0u) << message;
    auto controlName = request("a\nb", repo_);
    EXPECT_EQ(refusal([&] { service_.create(controlName); }, &message), 400u);
    EXPECT_EQ(message, "name: must not contain control characters");
    auto unknownRepo = request("x", repo_);
    unknownRepo.repositoryId = "no-such-repository";
    EXPECT_EQ(refusal([&] { service_.create(unknownRepo); }, &message), 404u);
    EXPECT_EQ(message, "Repository not found");
    EXPECT_TRUE(service_.list().empty());
}

TEST_F(WorkspaceServiceTest, AFailedWorktreeLeavesNothingBehindAndFreesTheName) {
    auto broken = request("feature", repo_);
    broken.baseBranch = "no-such-branch";
    std::string message;
    EXPECT_EQ(refusal([&] { service_.create(broken); }, &message), 400u);
    EXPECT_EQ(message.rfind("Cannot create the workspace: ", 0), 0u) << message;
    EXPECT_TRUE(service_.list().empty());
    EXPECT_FALSE(branchExists("parawork/feature"));
    EXPECT_NO_THROW(service_.create(request("feature", repo_)));
}

TEST_F(WorkspaceServiceTest, ARecordThatCannotBeWrittenRemovesItsWorktree) {
    db_.sql().exec(
        "CREATE TRIGGER refuse_workspaces BEFORE INSERT ON workspaces "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    std::string message;
    EXPECT_EQ(refusal([&] { service_.create(request("doomed", repo_)); }, &message), 500u);
    EXPECT_EQ(message, "Failed to create workspace");
    EXPECT_FALSE(branchExists("parawork/doomed"));
    EXPECT_EQ(git(repo_, {"worktree", "list", "--porcelain"}).find("doomed"), std::string::npos);
}

TEST_F(WorkspaceServiceTest, NamesAreDistinctWithinARegisteredRepository) {
    auto repository = store::fixture::makeRepository("r1", "repo");
    repository.path = repo_.string();
    store::insertRepository(db_, repository);
    auto r = request("same", repo_);
    r.repositoryId = "r1";
    service_.create(r);
    std::string message;
    EXPECT_EQ(refusal([&] { service_.create(r); }, &message), 409u);
    EXPECT_NE(message.find("already exists in this repository"), std::string::npos);
}

TEST_F(WorkspaceServiceTest, DeleteRemovesTheWorktreeAndTheRecordAndAnnouncesIt) {
    auto ws = service_.create(request("gone", repo_)).workspace;
    service_.remove(ws.id);
    EXPECT_FALSE(store::findWorkspace(db_, ws.id));
    EXPECT_FALSE(fs::exists(ws.path));
    EXPECT_FALSE(branchExists("parawork/gone"));  // deleteBranchOnRemove
    ASSERT_EQ(published_.size(), 1u);
    EXPECT_NE(published_[0].find("\"workspace_deleted\""), std::string::npos);
    EXPECT_EQ(refusal([&] { service_.remove(ws.id); }), 404u);
}

TEST_F(WorkspaceServiceTest, AStartIsPrecheckedForTheWorkspaceAndABusyAgent) {
    EXPECT_EQ(refusal([&] { service_.precheckStart("nope", true); }), 404u);
    store::insertWorkspace(db_, store::fixture::makeWorkspace("w1"));
    EXPECT_EQ(refusal([&] { service_.precheckStart("w1", true); }), 0u);
    store::insertSession(
        db_, store::fixture::makeSession("a1", "w1", core::SessionStatus::Running, 1000));
    std::string message;
    EXPECT_EQ(refusal([&] { service_.precheckStart("w1", true); }, &message), 400u);
    EXPECT_EQ(message, "Workspace already has an active session");
    EXPECT_EQ(refusal([&] { service_.precheckStart("w1", false); }), 0u);  // a command may run
    EXPECT_EQ(refusal([&] { service_.agentLaunch("no-such-agent", std::nullopt); }, &message),
              400u);
    EXPECT_EQ(message, "Agent type no-such-agent is not enabled");
}

TEST(WorkspaceSetup, TheSetupSessionRunsThePlanUnderTimeout) {
    deps::SetupPlan plan;
    plan.script = "make setup";
    plan.timeout = std::chrono::milliseconds(90'500);
    auto start = setupStartRequest("w1", plan);
    EXPECT_EQ(start.kind, core::SessionKind::Setup);
    EXPECT_EQ(start.workspaceId, "w1");
    EXPECT_EQ(start.agentType, "setup");
    EXPECT_EQ(start.argv, (std::vector<std::string>{"timeout", "--kill-after=10", "91", "/bin/sh",
                                                    "-c", "make setup"}));
}

class WorkspaceSetupGate : public store::fixture::StoreTest {
  protected:
    void SetUp() override { store::insertWorkspace(db_, store::fixture::makeWorkspace("w1")); }
    void addSetup(const std::string& id, core::SessionStatus status, std::optional<int> exit) {
        auto s = store::fixture::makeSession(id, "w1", status, 1000);
        s.kind = core::SessionKind::Setup;
        s.agentType = "setup";
        s.exitCode = exit;
        store::insertSession(db_, s);
    }
};

TEST_F(WorkspaceSetupGate, NoSetupOrASucceededOnePasses) {
    EXPECT_EQ(refusal([&] { awaitSetup(db_, "w1"); }), 0u);
    addSetup("s1", core::SessionStatus::Completed, 0);
    EXPECT_EQ(refusal([&] { awaitSetup(db_, "w1"); }), 0u);
}

TEST_F(WorkspaceSetupGate, AFailedSetupRefusesWithAPointerToItsLog) {
    addSetup("s1", core::SessionStatus::Failed, 2);
    std::string message;
    EXPECT_EQ(refusal([&] { awaitSetup(db_, "w1"); }, &message), 424u);
    EXPECT_EQ(message, "setup failed (exit 2): see `parawork logs s1`");
}

TEST_F(WorkspaceSetupGate, ARunningSetupIsWaitedFor) {
    addSetup("s1", core::SessionStatus::Running, std::nullopt);
    std::jthread finisher([this] {  // the setup ends while (or before) the gate waits
        store::SessionPatch done;
        done.status = core::SessionStatus::Failed;
        done.exitCode = 3;
        store::updateSession(db_, "s1", done);
    });
    std::string message;
    EXPECT_EQ(refusal([&] { awaitSetup(db_, "w1"); }, &message), 424u);
    EXPECT_EQ(message, "setup failed (exit 3): see `parawork logs s1`");
}

}  // namespace
}  // namespace parawork::workspace
