// The filesystem endpoints of the parawork surface (protocol §4.6): the directory picker
// (fs/browse), the file explorer (fs/list) and the repository finder (fs/search-repos), confined
// to the allowed roots (src/files/path_rules.hpp, DESIGN §7).
#pragma once

#include <string>

#include "api/router.hpp"
#include "files/path_rules.hpp"

namespace parawork::api {

/// `roots`: resolved at start-up (files::makeRoots); `home`: the daemon user's home directory,
/// what "~" means (the first root instead when home lies outside the roots).
void addFsRoutes(Router& router, files::Roots roots, std::string home);

}  // namespace parawork::api
