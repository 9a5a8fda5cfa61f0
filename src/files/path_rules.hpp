// Which paths the file APIs, repositories and workspaces may use: the original's rules (protocol
// §5) plus allowed roots — a path is resolved to its real path (symlinks followed) and must lie
// at or below a configured root, compared by whole components.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::files {

/// Canonical absolute directories the file APIs may touch.
struct Roots {
    std::vector<std::filesystem::path> dirs;
};

/// The refusal of a path outside the roots; it says how to allow one (issue 17 §5).
inline constexpr std::string_view kOutsideRoots =
    "Path is outside the allowed directories (allow it with files.allowed_roots in config.toml or "
    "PARAWORK_FILES_ALLOWED_ROOTS, then `parawork restart`)";

/// Resolves the configured roots (realpath; missing ones dropped with no error); `configured`
/// empty → {home}.
Roots makeRoots(const std::vector<std::string>& configured, const std::string& home);

struct PathCheck {
    std::filesystem::path resolved;  ///< the realpath when ok
    unsigned status = 400;           ///< 400, 403 or 404 when not ok
    std::string error;               ///< the reason, empty when ok
    bool ok() const { return error.empty(); }
};

/// Protocol §5.1 (repository and workspace paths; reasons without the "Invalid path: " prefix)
/// plus the roots rule.
PathCheck checkProjectPath(std::string_view path, const Roots& roots);

/// Protocol §5.2 (browse/list; "~" expanded from `home`) plus the roots rule.
PathCheck checkBrowsePath(std::string_view path, const Roots& roots, const std::string& home);

/// The roots for a repository's or workspace's path: `configured`, or every directory when the
/// request comes from the daemon user's own CLI (the unix socket, whose 0600 permissions admit
/// that user only): a local user may use any directory of their own. The system directories
/// stay refused either way; remote clients stay inside `configured`.
const Roots& projectRoots(const Roots& configured, bool fromOwnersSocket);

/// True when `real` (already canonical) is a root or below one, component-wise.
bool isWithinRoots(const std::filesystem::path& real, const Roots& roots);

}  // namespace parawork::files
