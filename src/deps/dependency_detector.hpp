// Detection over a whole workspace: a bounded breadth-first walk finds every directory with a
// manifest (monorepos), skipping installed trees and build output (node_modules, .venv, target,
// .git, ...); each directory goes to the language detectors; then the tools the projects need
// are looked up with their versions and checked against the workspace's version hints.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "deps/dependency_report.hpp"
#include "deps/project_detectors.hpp"
#include "deps/tool_versions.hpp"

namespace parawork::deps {

struct DetectOptions {
    std::size_t maxDepth = 4;           ///< directories below the root that are looked at
    std::size_t maxDirectories = 2000;  ///< directories read before the walk stops (truncated)
    std::size_t maxProjects = 200;      ///< projects reported before the walk stops (truncated)
    std::string pathVariable;           ///< where tools are looked up (PATH)
    CacheDirs caches;
};

/// The report for the workspace at `root`. Reads files only, except for the tools' version
/// commands (cached in `tools`).
DependencyReport detectDependencies(const std::filesystem::path& root, const DetectOptions& options,
                                    ToolVersions& tools);

/// The cache directories from an environment lookup (HOME, GOMODCACHE, GOPATH, CARGO_HOME,
/// GRADLE_USER_HOME).
CacheDirs cacheDirsFrom(const std::function<std::optional<std::string>(const std::string&)>& env);

}  // namespace parawork::deps
