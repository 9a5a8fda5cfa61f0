// The session endpoints of the parawork surface (protocol §4.4) and our extensions: arbitrary
// commands, output by offset, resize, signals. Agents start from their profiles (core/agents.hpp):
// the initial prompt reaches the agent, and a resume continues the agent's own conversation.
// The rules live in the services; these routes read the request and shape the answer.
#pragma once

#include "api/router.hpp"
#include "session/session_service.hpp"
#include "store/database.hpp"
#include "workspace/workspace_service.hpp"

namespace parawork::api {

/// The rules of starting a session in a workspace are `workspaces`' (workspace::WorkspaceService).
void addSessionRoutes(Router& router, store::Database& db, session::SessionService& sessions,
                      workspace::WorkspaceService& workspaces);

}  // namespace parawork::api
