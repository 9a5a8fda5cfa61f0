// One detector per language family: each looks at the files of one directory and returns the
// projects it finds there, with their install state. The walk over a workspace's directories is
// dependency_detector's; these never leave the directory they are given (except to read a
// global cache's location).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "deps/dependency_report.hpp"

namespace parawork::deps {

/// Where ecosystems keep what they install outside a project (from the daemon's environment).
struct CacheDirs {
    std::filesystem::path goModCache;       ///< GOMODCACHE, else $GOPATH/pkg/mod, else ~/go/pkg/mod
    std::filesystem::path cargoHome;        ///< CARGO_HOME, else ~/.cargo
    std::filesystem::path mavenRepository;  ///< ~/.m2/repository
    std::filesystem::path gradleHome;       ///< GRADLE_USER_HOME, else ~/.gradle
    bool operator==(const CacheDirs&) const = default;
};

/// The directory being looked at: its absolute path and its path relative to the workspace.
struct ProjectDir {
    std::filesystem::path path;
    std::string relative;  ///< "." for the workspace's root
    /// An ancestor is a Node workspace root (package.json "workspaces", pnpm-workspace.yaml):
    /// its install covers this package, which is then not reported on its own.
    bool insideNodeWorkspace = false;

    /// `name` relative to the workspace.
    std::string file(const std::string& name) const;
};

/// npm, pnpm, yarn (1 and 2+), bun.
std::vector<Project> detectNodeProjects(const ProjectDir& dir);
/// Whether `dir` is the root of a Node monorepo (package.json "workspaces", pnpm-workspace.yaml).
bool isNodeWorkspaceRoot(const std::filesystem::path& dir);
/// uv, poetry, pdm, pipenv, pip (requirements*.txt) and a plain pyproject.toml.
std::vector<Project> detectPythonProjects(const ProjectDir& dir);
/// Go modules, Cargo, Bundler, Maven, Gradle, Composer, CMake with Conan or vcpkg, Mix, .NET.
std::vector<Project> detectOtherProjects(const ProjectDir& dir, const CacheDirs& caches);

}  // namespace parawork::deps
