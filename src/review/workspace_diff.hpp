// The workspace diff (our extension, DESIGN §6.2): a workspace's changes against its base —
// committed, staged, unstaged and untracked — as files with line counts and a unified diff each,
// bounded as a whole. GET /api/workspaces/:id/diff and the MCP `diff` tool both answer it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "store/database.hpp"

namespace parawork::review {

/// Bytes of diff text in one answer; later files come with `diff: null, diffTruncated: true`.
inline constexpr std::size_t kMaxWorkspaceDiffBytes = std::size_t{4} << 20;
/// Below this many bytes left of the total, later diffs are left out rather than cut to a stub.
inline constexpr std::size_t kMinDiffBudget = std::size_t{16} << 10;
/// Bytes of one file's diff.
inline constexpr std::size_t kMaxFileDiffBytes = std::size_t{1} << 20;
/// Files whose diff is computed in one answer (each is a comparison of its own); ask for the
/// others with a path filter.
inline constexpr std::size_t kMaxDiffedFiles = 500;

/// What to compare: the base (default: the workspace's base branch, else HEAD) and one file.
struct DiffRequest {
    std::optional<std::string> base;
    std::optional<std::string> path;  ///< relative to the working tree
};

/// {baseRef, baseCommit, truncated, files: [{path, changeType, insertions, deletions, binary,
/// diff (string|null), diffTruncated}]}. Throws core::ServiceError: the workspace's refusals
/// (workspace::requireWorkspace), 400 for a bad base or path ("base: …", "path: …") or a base
/// that names no commit.
boost::json::object workspaceDiff(store::Database& db, const std::string& workspaceId,
                                  const DiffRequest& request);

}  // namespace parawork::review
