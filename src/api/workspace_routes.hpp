// The workspace endpoints (protocol §4.3): a workspace is a git worktree on its own branch
// (`parawork/<slug>`) made from a repository, or a plain directory when asked for one. Unlike the
// original, a failed worktree is an error rather than a silent fallback to the main checkout, and
// deleting a workspace stops its sessions before its worktree goes.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "api/router.hpp"
#include "core/agents.hpp"
#include "deps/dependency_service.hpp"
#include "files/path_rules.hpp"
#include "session/session_service.hpp"
#include "store/database.hpp"

namespace parawork::api {

struct WorkspaceOptions {
    std::filesystem::path worktreeBase;
    std::string branchPrefix = "parawork/";
    bool deleteBranchOnRemove = true;
    files::Roots roots;
    /// The configured agent profiles: a workspace's agentType must name one.
    const std::vector<core::AgentProfile>* agents = nullptr;
    /// Run the detected install commands as a new worktree's setup when its parawork.toml has no
    /// [setup] script (config deps.auto_install; a create request's autoInstallDependencies wins).
    bool autoInstallDependencies = false;
    /// Detects what an automatic setup installs; none means no automatic install.
    deps::DependencyService* dependencies = nullptr;
    /// A `{type, data}` event for the workspace's subscribers (`workspace_deleted`).
    std::function<void(const std::string& workspaceId, std::string eventJson)> publish;
};

void addWorkspaceRoutes(Router& router, store::Database& db, session::SessionService& sessions,
                        const WorkspaceOptions& options);

}  // namespace parawork::api
