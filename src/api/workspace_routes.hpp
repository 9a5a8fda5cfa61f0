// The workspace endpoints (protocol §4.3). For now a workspace is a plain directory; git
// worktrees, repositories and agent profiles come with the workspaces issue.
#pragma once

#include "api/router.hpp"
#include "session/session_service.hpp"
#include "store/database.hpp"

namespace parawork::api {

void addWorkspaceRoutes(Router& router, store::Database& db, session::SessionService& sessions);

}  // namespace parawork::api
