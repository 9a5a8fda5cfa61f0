// The workspace endpoints (protocol §4.3): a workspace is a git worktree on its own branch
// (`parawork/<slug>`) made from a repository, or a plain directory when asked for one. Unlike the
// original, a failed worktree is an error rather than a silent fallback to the main checkout, and
// deleting a workspace stops its sessions before its worktree goes. The rules live in
// workspace::WorkspaceService; these routes read the request and shape the answer.
#pragma once

#include "api/router.hpp"
#include "workspace/workspace_service.hpp"

namespace parawork::api {

void addWorkspaceRoutes(Router& router, workspace::WorkspaceService& workspaces);

}  // namespace parawork::api
