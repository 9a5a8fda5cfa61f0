// Dependency status (issue 9, DESIGN §6.2): GET /api/workspaces/:id/dependencies answers what the
// workspace's projects need, whether it is installed, the tools with their versions, and the
// state of the workspace's setup. A report that differs from the last one is also published as
// a `dependency_status` event (deps::DependencyService).
#pragma once

#include "api/router.hpp"
#include "deps/dependency_service.hpp"
#include "store/database.hpp"

namespace parawork::api {

void addDependencyRoutes(Router& router, store::Database& db,
                         deps::DependencyService& dependencies);

}  // namespace parawork::api
