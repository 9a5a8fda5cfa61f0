#include "workspace/setup_gate.hpp"

#include <atomic>

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>

#include "core/error.hpp"
#include "deps/setup_state.hpp"
#include "project/project_config.hpp"
#include "store/workspaces.hpp"

namespace parawork::workspace {
namespace {

/// Requests that may wait for a setup at once: each holds a worker thread while it waits.
constexpr int kMaxSetupWaiters = 1;
/// What a setup's own `timeout` may take beyond the setup's limit to end it (--kill-after).
constexpr std::chrono::seconds kSetupEndGrace{15};

}  // namespace

session::StartRequest setupStartRequest(const std::string& workspaceId,
                                        const deps::SetupPlan& plan) {
    session::StartRequest start;
    start.workspaceId = workspaceId;
    start.kind = core::SessionKind::Setup;
    start.agentType = "setup";
    start.name = "setup";
    // Whole seconds, rounded up: `timeout` signals the script's whole process group at the end.
    auto seconds = (plan.timeout.count() + 999) / 1000;
    start.argv = {"timeout", "--kill-after=10", std::to_string(seconds), "/bin/sh",
                  "-c",      plan.script};
    return start;
}

// The request does not wait for the setup; an agent start does (awaitSetup).
void startSetup(const core::Workspace& ws, bool autoInstall, deps::DependencyService* dependencies,
                session::SessionService& sessions) {
    if (!ws.gitWorktree) return;
    try {  // the workspace exists by now: a setup that cannot start is reported, not a 500
        std::optional<project::ProjectConfig> config;
        if (ws.projectConfigJson)
            config = project::projectConfigFromJson(boost::json::parse(*ws.projectConfigJson));
        auto plan = deps::planSetup(config, autoInstall && dependencies,
                                    [&] { return dependencies->detect(ws.path); });
        if (!plan) return;
        auto setup = sessions.start(setupStartRequest(ws.id, *plan));
        spdlog::info("workspace {}: setup session {} ({})", ws.id, setup.id, plan->source);
    } catch (const std::exception& e) {
        spdlog::error("workspace {}: cannot start its setup: {}", ws.id, e.what());
    }
}

void awaitSetup(store::Database& db, const std::string& workspaceId) {
    static std::atomic<int> waiters{0};
    auto state = deps::latestSetup(db, workspaceId);
    if (!state) return;
    if (state->running()) {
        struct Slot {  // released on every path
            bool held = waiters.fetch_add(1) < kMaxSetupWaiters;
            ~Slot() { waiters.fetch_sub(1); }
        } slot;
        if (!slot.held)
            throw core::ServiceError(409, "setup is still running: see `parawork logs " +
                                              state->sessionId +
                                              " -f`, and start the agent when it has finished");
        auto workspace = store::findWorkspace(db, workspaceId);
        auto bound = (workspace ? deps::setupTimeoutOf(*workspace) : deps::kDefaultSetupTimeout) +
                     kSetupEndGrace;
        state = deps::waitForSetup(db, workspaceId, bound);
    }
    if (auto problem = deps::setupProblem(*state)) throw core::ServiceError(424, *problem);
}

}  // namespace parawork::workspace
