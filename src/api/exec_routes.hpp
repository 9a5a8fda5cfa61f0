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

/// How many commands run at once for `workerThreads` API workers: a run occupies one worker
/// for its whole length, so the rest of the API keeps one.
int execConcurrency(int workerThreads);

/// POST /api/sessions/:id/exec over the daemon's runner, which the MCP `exec` tool shares: at
/// most execConcurrency(workerThreads) run at once, more are answered 429.
void addExecRoutes(Router& router, session::ExecRunner& runner);

}  // namespace parawork::api
