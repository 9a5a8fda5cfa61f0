// The filesystem endpoints of the parawork surface (protocol §4.6): the directory picker
// (fs/browse), the file explorer (fs/list) and the repository finder (fs/search-repos), confined
// to the allowed roots (src/files/path_rules.hpp, DESIGN §7).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/router.hpp"
#include "files/path_rules.hpp"

namespace parawork::api {

/// `roots`: resolved at start-up (files::makeRoots); `home`: the daemon user's home directory,
/// what "~" means (the first root instead when home lies outside the roots). `daemonsOwnDirs`
/// answers directories that browse and list also allow, whatever the roots: the worktree base
/// and every workspace's path (the daemon made them, or its owner chose them).
void addFsRoutes(Router& router, files::Roots roots, std::string home,
                 std::function<std::vector<std::string>()> daemonsOwnDirs = {});

}  // namespace parawork::api
