// A workspace's parawork.toml as stored with it (issue 4): what a session start takes from it —
// environment, declared ports, limits.
#pragma once

#include <optional>
#include <string>

#include "project/project_config.hpp"
#include "store/database.hpp"

namespace parawork::workspace {

/// The workspace's stored project config; nullopt when it has none (or the workspace is gone).
/// A stored value that no longer parses is treated as none and logged.
std::optional<project::ProjectConfig> storedProjectConfig(store::Database& db,
                                                          const std::string& workspaceId);

}  // namespace parawork::workspace
