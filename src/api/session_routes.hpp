// The session endpoints of the parawork surface (protocol §4.4) and our extensions: arbitrary
// commands, output by offset, resize, signals. Agents start from their profiles (core/agents.hpp):
// the initial prompt reaches the agent, and a resume continues the agent's own conversation.
#pragma once

#include <vector>

#include "api/router.hpp"
#include "core/agents.hpp"
#include "session/session_service.hpp"
#include "store/database.hpp"

namespace parawork::api {

/// `agents`: the configured profiles (they outlive the router).
void addSessionRoutes(Router& router, store::Database& db, session::SessionService& sessions,
                      const std::vector<core::AgentProfile>& agents);

}  // namespace parawork::api
