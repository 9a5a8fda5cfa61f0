// Setup: the plan chosen for a new workspace, the install script (run for real with fake tools
// on PATH), and the setup state read from the workspace's setup sessions.
#include <cstdlib>

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include "deps/dependency_detector.hpp"
#include "deps/setup_plan.hpp"
#include "deps/setup_state.hpp"
#include "deps_fixture.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::deps {
namespace {

using namespace std::chrono_literals;
using fixture::Workspace;

/// The report with the workspace's own bin/ (fake tools) as PATH.
DependencyReport detectWithFakeTools(const Workspace& ws) {
    ToolVersions tools;
    DetectOptions options;
    options.pathVariable = (ws.root() / "bin").string();
    return detectDependencies(ws.root(), options, tools);
}

TEST(DepsSetupPlan, TheConfigScriptWinsAndCarriesItsTimeout) {
    project::ProjectConfig config;
    config.setupScript = "make setup";
    config.setupTimeoutMs = 90'500;
    bool detected = false;
    auto plan = planSetup(config, true, [&] {
        detected = true;
        return DependencyReport{};
    });
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->script, "make setup");
    EXPECT_EQ(plan->source, "parawork.toml");
    EXPECT_EQ(plan->timeout, 90'500ms);
    EXPECT_FALSE(detected);  // no walk when the script is given
}

TEST(DepsSetupPlan, NothingWithoutScriptOrAutoInstall) {
    EXPECT_FALSE(planSetup(std::nullopt, false, [] { return DependencyReport{}; }));
    EXPECT_FALSE(planSetup(project::ProjectConfig{}, false, [] { return DependencyReport{}; }));
}

TEST(DepsSetupPlan, AutoInstallRunsTheDetectedCommandsOfWhatIsNotInstalled) {
    Workspace ws;
    ws.write("package.json", "{}", 100s);
    ws.write("package-lock.json", "{}", 100s);
    ws.write("tools/it's/requirements.txt", "", 100s);
    ws.write("done/package.json", "{}", 100s);
    ws.write("done/node_modules/.package-lock.json", "{}", 10s);
    auto plan = planSetup(std::nullopt, true, [&] { return detectWithFakeTools(ws); });
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->source, "autoInstallDependencies");
    EXPECT_EQ(plan->timeout, kDefaultSetupTimeout);
    EXPECT_EQ(plan->script,
              "printf '%s\\n' '[parawork:stage] npm ci in .'\n"
              "(cd '.' && npm ci) || exit $?\n"
              "printf '%s\\n' '[parawork:stage] python3 -m venv .venv && .venv/bin/pip install -r "
              "requirements.txt in tools/it'\\''s'\n"
              "(cd 'tools/it'\\''s' && python3 -m venv .venv && .venv/bin/pip install -r "
              "requirements.txt) || exit $?\n");
}

TEST(DepsSetupPlan, AutoInstallWithEverythingInstalledIsNoSetup) {
    Workspace ws;
    ws.write("package.json", "{}", 100s);
    ws.write("node_modules/.package-lock.json", "{}", 10s);
    EXPECT_FALSE(planSetup(std::nullopt, true, [&] { return detectWithFakeTools(ws); }));
}

TEST(DepsSetupPlan, TheInstallScriptRunsAndStopsAtTheFirstFailure) {
    Workspace ws;
    ws.write("a/package.json", "{}", 100s);
    ws.write("b/package.json", "{}", 100s);
    // A fake npm that installs by writing npm's own record.
    ws.script("bin/npm", "mkdir -p node_modules && echo {} > node_modules/.package-lock.json");
    auto script = installScript(detectWithFakeTools(ws));
    auto run = [&](const std::string& text) {
        std::string command = "cd " + shellQuote(ws.root().string()) + " && PATH=" +
                              shellQuote((ws.root() / "bin").string() + ":/usr/bin:/bin") +
                              " /bin/sh -c " + shellQuote(text) + " >/dev/null";
        return std::system(command.c_str());
    };
    EXPECT_EQ(run(script), 0);
    auto after = detectWithFakeTools(ws);
    ASSERT_EQ(after.projects.size(), 2u);
    EXPECT_EQ(after.projects[0].state, InstallState::Installed);
    EXPECT_EQ(after.projects[1].state, InstallState::Installed);

    Workspace failing;
    failing.write("a/package.json", "{}");
    failing.write("b/package.json", "{}");
    failing.script("bin/npm", "touch ran-here; exit 7");
    auto failingScript = installScript(detectWithFakeTools(failing));
    std::string command = "cd " + shellQuote(failing.root().string()) + " && PATH=" +
                          shellQuote((failing.root() / "bin").string() + ":/usr/bin:/bin") +
                          " /bin/sh -c " + shellQuote(failingScript) + " >/dev/null";
    int status = std::system(command.c_str());
    EXPECT_EQ(WEXITSTATUS(status), 7);
    EXPECT_TRUE(std::filesystem::exists(failing.root() / "a/ran-here"));
    EXPECT_FALSE(std::filesystem::exists(failing.root() / "b/ran-here"));
}

class DepsSetupState : public store::fixture::StoreTest {
  protected:
    void SetUp() override { store::insertWorkspace(db_, store::fixture::makeWorkspace("w1")); }
    void addSetup(const std::string& id, core::SessionStatus status, std::int64_t at,
                  std::optional<int> exitCode) {
        auto s = store::fixture::makeSession(id, "w1", status, at);
        s.kind = core::SessionKind::Setup;
        s.agentType = "setup";
        s.exitCode = exitCode;
        store::insertSession(db_, s);
    }
};

TEST_F(DepsSetupState, NoSetupIsNull) {
    EXPECT_FALSE(latestSetup(db_, "w1"));
    EXPECT_EQ(boost::json::serialize(toJson(latestSetup(db_, "w1"))), "null");
}

TEST_F(DepsSetupState, TheLatestSetupCounts) {
    addSetup("s1", core::SessionStatus::Failed, 1000, 1);
    auto failed = latestSetup(db_, "w1");
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->status, "failed");
    EXPECT_EQ(setupProblem(*failed), "setup failed (exit 1): see `parawork logs s1`");
    addSetup("s2", core::SessionStatus::Completed, 2000, 0);
    auto state = latestSetup(db_, "w1");
    EXPECT_EQ(state->sessionId, "s2");
    EXPECT_EQ(state->status, "succeeded");
    EXPECT_FALSE(setupProblem(*state));
    EXPECT_EQ(
        boost::json::serialize(toJson(state)),
        R"({"sessionId":"s2","status":"succeeded","exitCode":0,"startedAt":2000,"completedAt":null})");
}

TEST_F(DepsSetupState, TimedOutAndRunning) {
    addSetup("s1", core::SessionStatus::Failed, 1000, kSetupTimedOutExit);
    EXPECT_EQ(setupProblem(*latestSetup(db_, "w1")), "setup timed out: see `parawork logs s1`");
    addSetup("s2", core::SessionStatus::Running, 2000, std::nullopt);
    auto running = waitForSetup(db_, "w1", 0ms);
    EXPECT_TRUE(running->running());
    EXPECT_EQ(setupProblem(*running), "setup is still running: see `parawork logs s2`");
}

}  // namespace
}  // namespace parawork::deps
