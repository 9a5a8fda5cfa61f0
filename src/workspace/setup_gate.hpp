// A workspace's setup (issue 9) from the workspace's side: the session that runs a setup plan,
// starting it for a new worktree, and the gate an agent start passes (it waits for a running
// setup, and is refused after one that failed).
#pragma once

#include <optional>
#include <string>

#include "core/entities.hpp"
#include "deps/dependency_service.hpp"
#include "deps/setup_plan.hpp"
#include "session/session_service.hpp"
#include "store/database.hpp"

namespace parawork::workspace {

/// The session that runs `plan` in `workspaceId`.
session::StartRequest setupStartRequest(const std::string& workspaceId,
                                        const deps::SetupPlan& plan);

/// Starts a new worktree's setup session: parawork.toml's [setup] script, or the detected
/// install commands when `autoInstall` is on and `dependencies` can detect them. Nothing runs in
/// a plain directory. A setup that cannot start is logged: the workspace exists by then.
void startSetup(const core::Workspace& ws, bool autoInstall, deps::DependencyService* dependencies,
                session::SessionService& sessions);

/// The setup gate of an agent start: returns at once without a setup, waits (bounded by the
/// setup's timeout) while one runs. Throws core::ServiceError 409 when too many starts wait
/// already, 424 when the setup failed or timed out (with a pointer to its log).
void awaitSetup(store::Database& db, const std::string& workspaceId);

}  // namespace parawork::workspace
