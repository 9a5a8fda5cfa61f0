// POST /api/sessions/:id/exec (docs/api.md): runs one command to completion in a session's
// working directory and answers its stdout, stderr and exit status — `parawork exec`, vmux's
// `exec` on this machine. Any session whose directory still exists qualifies, running or not:
// the command runs beside the session, in its workspace, not inside its terminal.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "api/router.hpp"
#include "store/database.hpp"

namespace parawork::api {

using WorkspaceEnvironment =
    std::function<std::map<std::string, std::string>(const std::string& workspaceId)>;

/// A command's run occupies one worker for its whole length, so at most
/// clamp(workerThreads - 1, 1, 4) run at once and the rest of the API keeps a worker; more
/// are answered 429.
/// `workspaceEnvironment` gives what every session of a workspace gets (its port block's PORT
/// and PARAWORK_PORTS), as in the session itself.
void addExecRoutes(Router& router, store::Database& db, int workerThreads,
                   WorkspaceEnvironment workspaceEnvironment);

}  // namespace parawork::api
