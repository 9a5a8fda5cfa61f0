// The cheap install checks every ecosystem shares (platform-notes "Dependencies"): an installed
// tree leaves a record (node_modules/.package-lock.json, vendor/composer/installed.json, ...)
// that each install rewrites, so a manifest or lockfile newer than that record means the tree
// is stale. Only file times are compared: no tool is run.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "deps/dependency_report.hpp"

namespace parawork::deps {

struct StateVerdict {
    InstallState state = InstallState::Unknown;
    std::string reason;
};

/// A project directory and the names, relative to it, used in verdict reasons.
struct StampCheck {
    std::filesystem::path dir;
    /// Files whose changes need a new install (manifest, lockfile); absent ones are skipped.
    std::vector<std::string> sources;
    /// The installed tree's record; its absence means Missing.
    std::string record;
};

/// Missing when the record is absent, Stale when a source is newer, else Installed.
StateVerdict stampState(const StampCheck& check);

/// The modification time of `path` (symlinks followed); nullopt when it does not exist.
std::optional<std::filesystem::file_time_type> modifiedAt(const std::filesystem::path& path);

bool isFile(const std::filesystem::path& path);
bool isDirectory(const std::filesystem::path& path);

/// The first of `names` that exists in `dir` as a file, or nullopt.
std::optional<std::string> firstFile(const std::filesystem::path& dir,
                                     const std::vector<std::string>& names);

/// Reads a small text file (at most `limit` bytes); nullopt when it cannot be read.
std::optional<std::string> readSmallFile(const std::filesystem::path& path,
                                         std::size_t limit = 1u << 20);

}  // namespace parawork::deps
