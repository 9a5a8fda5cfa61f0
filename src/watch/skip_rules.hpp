// Which directories the file watcher never enters: git's own directory, and the dependency and
// build output directories that agents and tools fill by the thousand (one list, here). Ignored
// directories (.gitignore) are skipped too; git::WorkTreePaths answers for those.
#pragma once

#include <array>
#include <filesystem>
#include <string_view>

namespace parawork::watch {

/// Directory names that are never watched, wherever they appear in a workspace.
inline constexpr std::array<std::string_view, 11> kSkippedDirectoryNames{
    ".git", "node_modules", ".venv", "venv",   "__pycache__", "target",
    "dist", "build",        ".next", ".cache", "vendor",
};

/// True for a name in kSkippedDirectoryNames (exact, case-sensitive).
bool isSkippedDirectoryName(std::string_view name);

/// True when `path` is `prefix` or lies under it; both absolute and lexically normal.
bool isWithin(const std::filesystem::path& path, const std::filesystem::path& prefix);

}  // namespace parawork::watch
