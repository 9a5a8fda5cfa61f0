// POST /api/sessions/:id/exec (docs/api.md): runs one command to completion in a session's
// working directory and answers its stdout, stderr and exit status — `parawork exec`, vmux's
// `exec` on this machine. Any session whose directory still exists qualifies, running or not:
// the command runs beside the session, in its workspace, not inside its terminal.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "api/router.hpp"
#include "session/exec_runner.hpp"
#include "store/database.hpp"

namespace parawork::api {

using WorkspaceEnvironment = session::WorkspaceEnvironment;

/// How many commands run at once for `workerThreads` API workers: a run occupies one worker
/// for its whole length, so the rest of the API keeps one.
int execConcurrency(int workerThreads);

/// The route over a runner shared with other edges (the MCP `exec` tool): the running bound
/// is then theirs together.
void addExecRoutes(Router& router, session::ExecRunner& runner);

/// The route over a runner of its own: at most execConcurrency(workerThreads) run at once, more
/// are answered 429.
/// `workspaceEnvironment` gives what every session of a workspace gets (its port block's PORT
/// and PARAWORK_PORTS), as in the session itself.
void addExecRoutes(Router& router, store::Database& db, int workerThreads,
                   WorkspaceEnvironment workspaceEnvironment);

}  // namespace parawork::api
