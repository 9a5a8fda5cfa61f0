// The repository endpoints (protocol §4.2): registering git repositories, reading their default
// branch and origin, and the workspaces made from them.
#pragma once

#include "api/router.hpp"
#include "files/path_rules.hpp"
#include "store/database.hpp"

namespace parawork::api {

void addRepositoryRoutes(Router& router, store::Database& db, const files::Roots& roots);

}  // namespace parawork::api
