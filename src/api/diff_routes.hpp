// The workspace diff (our extension, DESIGN §6.2): GET /api/workspaces/:id/diff answers the
// workspace's changes against its base — committed, staged, unstaged and untracked — as files
// with line counts and a unified diff each, bounded as a whole.
#pragma once

#include <cstddef>

#include "api/router.hpp"
#include "store/database.hpp"

namespace parawork::api {

/// Bytes of diff text in one answer; later files come with `diff: null, diffTruncated: true`.
inline constexpr std::size_t kMaxWorkspaceDiffBytes = std::size_t{4} << 20;
/// Below this many bytes left of the total, later diffs are left out rather than cut to a stub.
inline constexpr std::size_t kMinDiffBudget = std::size_t{16} << 10;
/// Bytes of one file's diff.
inline constexpr std::size_t kMaxFileDiffBytes = std::size_t{1} << 20;
/// Files whose diff is computed in one answer (each is a comparison of its own); ask for the
/// others with `?path=`.
inline constexpr std::size_t kMaxDiffedFiles = 500;

void addDiffRoutes(Router& router, store::Database& db);

}  // namespace parawork::api
