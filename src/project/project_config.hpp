// A repository's own settings for parawork: `parawork.toml` at its root (docs/project-config.md).
// Files to copy into each new worktree, environment, a default command and its ports, resource
// limits, and a setup script. Read when a workspace is made and kept with it (as JSON) so the
// rooms that act on it (sessions, ports, limits, setup) see what the workspace was made with.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace parawork::project {

inline constexpr std::string_view kFileName = "parawork.toml";
inline constexpr std::size_t kMaxFileBytes = 256 * 1024;

struct Limits {
    std::optional<std::uint64_t> memoryBytes;
    std::optional<double> cpuPercent;  ///< of one core: 150 = one and a half cores
    std::optional<std::int64_t> timeoutMs;
    std::optional<std::int64_t> pids;
    bool operator==(const Limits&) const = default;
};

struct ProjectConfig {
    /// Paths or globs copied from the main checkout into new worktrees ([worktree] copy).
    std::vector<std::string> copy;
    /// Added to every session's environment ([env]).
    std::map<std::string, std::string> env;
    /// The default command, an argv ([run] command).
    std::optional<std::vector<std::string>> command;
    /// Ports the default command serves ([run] ports).
    std::vector<int> ports;
    Limits limits;
    /// A shell script run in a new workspace before the agent starts ([setup] script).
    std::optional<std::string> setupScript;
    std::optional<std::int64_t> setupTimeoutMs;
    /// How a workspace branch merges back by default: "ff", "merge" or "squash" ([review]
    /// merge_mode); none: fast-forward when possible, else a merge commit.
    std::optional<std::string> mergeMode;
    bool operator==(const ProjectConfig&) const = default;
};

/// Parses the text of a parawork.toml. Throws core::Error "<fileName>:<line>:<col>: <key>:
/// <problem>" for a syntax error, an unknown key (with a suggestion), a wrong type or an
/// invalid value.
ProjectConfig parseProjectConfig(std::string_view text, std::string_view fileName);

/// Reads `<dir>/parawork.toml`; nullopt when there is none. Throws core::Error as
/// parseProjectConfig, and for a file that is not regular or larger than kMaxFileBytes.
std::optional<ProjectConfig> readProjectConfig(const std::filesystem::path& dir);

/// The JSON form (camelCase keys; absent settings omitted), as stored with a workspace and
/// shown by the API.
boost::json::value toJson(const ProjectConfig& config);
/// The inverse of toJson. Throws core::Error for JSON that toJson would not produce.
ProjectConfig projectConfigFromJson(const boost::json::value& json);

}  // namespace parawork::project
