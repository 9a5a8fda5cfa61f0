// Checkpoints: the state of a working tree (tracked and untracked files, not ignored ones) kept
// as a commit on a hidden ref, refs/parawork/checkpoints/<workspaceId>/<time>, whose parent is
// HEAD. Made from an index of their own (git/snapshot_index), so the branch, HEAD, the real index
// and the files are never touched; restoring one rewrites only the working files that differ.
// Blocking (git CLI).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git/changes.hpp"
#include "git/snapshot_index.hpp"

namespace parawork::git {

/// Checkpoints kept per workspace; making one more deletes the oldest refs.
inline constexpr std::size_t kMaxCheckpointsPerWorkspace = 200;
/// Bytes of a label kept (longer ones are cut at a character boundary).
inline constexpr std::size_t kMaxCheckpointLabelBytes = 200;
/// Bytes of diff text in one checkpoint diff; later files come without their diff.
inline constexpr std::size_t kMaxCheckpointDiffBytes = std::size_t{4} << 20;
/// Bytes of one file's diff in a checkpoint diff.
inline constexpr std::size_t kMaxCheckpointFileDiffBytes = std::size_t{1} << 20;
/// Files whose diff text is computed in one checkpoint diff.
inline constexpr std::size_t kMaxCheckpointDiffedFiles = 500;

struct Checkpoint {
    /// The checkpoint commit's full id.
    std::string id;
    std::string ref;
    std::string label;
    /// HEAD when it was taken; nullopt when HEAD was unborn.
    std::optional<std::string> head;
    /// The checkpoint's tree.
    std::string tree;
    /// Milliseconds since the epoch.
    std::int64_t createdAt = 0;
    std::string workspaceId;
};

struct CreatedCheckpoint {
    Checkpoint checkpoint;
    /// False: nothing changed since the newest checkpoint (same tree, same HEAD), returned.
    bool created = false;
};

/// One file of a checkpoint diff: the change, and its diff text unless it was left out.
struct CheckpointFileDiff {
    FileChange change;
    std::optional<std::string> diff;
    bool diffTruncated = false;
};

struct CheckpointDiff {
    std::string from;
    /// A checkpoint id, or "worktree".
    std::string to;
    bool truncated = false;
    std::vector<CheckpointFileDiff> files;
};

struct RestoredCheckpoint {
    Checkpoint restored;
    /// The present, checkpointed before the files were rewritten.
    Checkpoint saved;
    /// False when the present was the newest checkpoint already.
    bool savedCreated = false;
};

/// A snapshot index kept from one checkpoint of a workspace to the next, and what changed in the
/// working tree since it was last used: a checkpoint then reads only the changed files.
struct IncrementalSnapshot {
    SnapshotIndex& index;
    std::optional<WorkTreeChanges> changes;
};

/// Throws core::Error unless `workspaceId` is a UUID (it becomes a ref component).
void validateCheckpointWorkspaceId(std::string_view workspaceId);

/// Checkpoints the working tree `worktree` (its root) for the workspace; `label` is cleaned
/// (control characters become spaces, bounded). Every file is looked at, unless `incremental`
/// says what changed. Throws core::Error when git fails.
CreatedCheckpoint createCheckpoint(const std::filesystem::path& worktree,
                                   std::string_view workspaceId, std::string_view label,
                                   IncrementalSnapshot* incremental = nullptr);

/// The workspace's checkpoints, newest first (at most kMaxCheckpointsPerWorkspace).
std::vector<Checkpoint> listCheckpoints(const std::filesystem::path& worktree,
                                        std::string_view workspaceId);

/// The workspace's checkpoint `id` (the full id, or an unambiguous prefix of at least 4 hex
/// digits); nullopt when it has none such.
std::optional<Checkpoint> findCheckpoint(const std::filesystem::path& worktree,
                                         std::string_view workspaceId, std::string_view id);

/// The changes from checkpoint `from` to checkpoint `to`, or to the working tree as it is now
/// when `to` is nullopt; bounded by the kMaxCheckpoint* limits above.
CheckpointDiff diffCheckpoints(const std::filesystem::path& worktree, const Checkpoint& from,
                               const std::optional<Checkpoint>& to);

/// Checkpoints the present (label "before restore"), then makes the working files exactly the
/// checkpoint's: files that differ are rewritten, files it lacks are removed (ignored files are
/// not touched), the rest is left alone. HEAD, the branch and the index are not touched.
RestoredCheckpoint restoreCheckpoint(const std::filesystem::path& worktree,
                                     std::string_view workspaceId, const Checkpoint& target,
                                     IncrementalSnapshot* incremental = nullptr);

/// Makes the working files go from tree-ish `from` (what they are now) to tree-ish `to`: files
/// that differ are written, files `to` lacks are removed, the rest (and ignored files) left
/// alone. HEAD, the branch and the index are not touched. restoreCheckpoint's second half, and
/// how an unarchived worktree gets its uncommitted work back (from "HEAD" to its checkpoint).
void moveWorkingFiles(const std::filesystem::path& worktree, const std::string& from,
                      const std::string& to);

/// Deletes every checkpoint ref of the workspace; returns how many.
std::size_t deleteCheckpoints(const std::filesystem::path& worktree, std::string_view workspaceId);

}  // namespace parawork::git
