// What a workspace needs installed before an agent can work in it (issue 9): each project found
// in it (a manifest of one ecosystem: npm, pip, Cargo, ...), whether its dependencies are
// installed, and the tools those ecosystems need. Plain data; detection is dependency_detector.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace parawork::deps {

/// Whether a project's dependencies are in place, judged from files only (no tool is run).
enum class InstallState {
    Installed,  ///< the installed tree's own record is at least as new as the manifest and lock
    Missing,    ///< nothing installed yet
    Stale,      ///< installed, but the manifest or lockfile changed since
    Unknown,    ///< installed outside the workspace (a global cache) or no record to compare with
};

std::string_view installStateName(InstallState state);

/// One project of one ecosystem: a manifest (and maybe a lockfile) in a directory.
struct Project {
    std::string ecosystem;  ///< npm pnpm yarn bun pip poetry uv pipenv pdm go cargo bundler ...
    std::string language;   ///< node python go rust ruby java php cpp elixir dotnet
    std::string directory;  ///< relative to the workspace, "." for its root
    std::string manifest;   ///< relative to the workspace
    std::optional<std::string> lockfile;  ///< relative to the workspace
    InstallState state = InstallState::Unknown;
    std::string reason;              ///< why `state`, for a person
    std::string installCommand;      ///< run in `directory`
    std::vector<std::string> tools;  ///< the programs installCommand needs
    bool operator==(const Project&) const = default;
};

/// A version a file asks for, e.g. "18" from .nvmrc or ">=18.0.0" from package.json engines.
struct VersionHint {
    std::string wanted;
    std::string source;  ///< the file it came from, relative to the workspace
    bool operator==(const VersionHint&) const = default;
};

/// One program a project needs.
struct ToolStatus {
    std::string name;
    bool found = false;
    std::string path;
    std::optional<std::string> version;  ///< "18.19.0"; nullopt when it could not be read
    std::optional<std::string> problem;  ///< why the version could not be read
    std::optional<VersionHint> hint;
    std::optional<bool> satisfied;  ///< whether version meets hint; nullopt: cannot tell
    bool operator==(const ToolStatus&) const = default;
};

struct DependencyReport {
    std::vector<Project> projects;
    std::vector<ToolStatus> tools;
    /// The directory walk stopped at its bound: some nested projects may be missing.
    bool truncated = false;
    bool operator==(const DependencyReport&) const = default;
};

/// The workspace as a whole: its worst project's state ("missing" before "stale" before
/// "unknown"), "installed" when all are, "none" when it has no projects.
std::string_view overallStateName(const DependencyReport& report);

/// The JSON form the API answers (camelCase; state as its name).
boost::json::value toJson(const DependencyReport& report);

}  // namespace parawork::deps
