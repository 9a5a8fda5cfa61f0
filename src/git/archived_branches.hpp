// An archived workspace's branch kept restorable (issue 20): a hidden ref
// refs/parawork/archived/<workspaceId> at its tip while the worktree is gone (and the branch
// perhaps deleted), and the way back: the branch made again from that ref, the worktree added at
// its old path (its uncommitted work comes back from its newest checkpoint: git/checkpoints.hpp
// moveWorkingFiles). Blocking: worker pool.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace parawork::git {

/// "refs/parawork/archived/<workspaceId>"; throws core::Error for an id that is not plain
/// letters, digits and dashes (at most 64).
std::string archivedRef(const std::string& workspaceId);

/// Points archivedRef(workspaceId) at the tip of local branch `branch` in `repo`.
void keepArchivedTip(const std::filesystem::path& repo, const std::string& workspaceId,
                     const std::string& branch);

/// Deletes archivedRef(workspaceId) when it exists (the workspace is deleted for good).
void forgetArchivedTip(const std::filesystem::path& repo, const std::string& workspaceId);

/// Makes `branch` again from archivedRef(workspaceId) when it is gone, then adds the worktree
/// at `path` with `branch` checked out. Throws core::Error when neither the branch nor the ref
/// exists, the path is taken, or git fails.
void restoreArchivedWorktree(const std::filesystem::path& repo, const std::string& workspaceId,
                             const std::string& branch, const std::filesystem::path& path);

}  // namespace parawork::git
