// Merging a workspace branch back into its base without touching any worktree (issue 20): the
// result is computed with `git merge-tree --write-tree` and `git commit-tree`, then the base
// moves — by `git merge --ff-only` in the worktree that has it checked out (refused when that
// worktree has local changes), else by a compare-and-swap `git update-ref`, so a base that moved
// meanwhile is refused and nothing changes. Blocking: call from the worker pool.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace parawork::git {

enum class MergeMode { FastForward, Merge, Squash };

std::string_view toString(MergeMode mode);  ///< "ff", "merge", "squash"
/// "ff", "merge" or "squash"; nullopt for anything else.
std::optional<MergeMode> parseMergeMode(std::string_view text);

/// Why a merge was refused; the service answers each as a conflict (409).
enum class MergeRefusal { Conflicts, FastForwardImpossible, NothingToMerge, BaseMoved, BaseDirty };

class MergeRefused : public core::Error {
  public:
    MergeRefused(MergeRefusal why, const std::string& message,
                 std::vector<std::string> conflictedFiles = {})
        : core::Error(message), why(why), conflictedFiles(std::move(conflictedFiles)) {}
    MergeRefusal why;
    std::vector<std::string> conflictedFiles;
};

/// What merging `branch` into `base` would give.
struct MergeCheck {
    bool clean = false;          ///< no conflicts
    bool fastForward = false;    ///< the base is an ancestor of the branch
    bool alreadyMerged = false;  ///< the branch is an ancestor of the base
    std::vector<std::string> conflictedFiles;
    std::string baseCommit;
    std::string head;  ///< the branch's tip
    std::string tree;  ///< the merged tree (when clean)
};

/// Computes the merge of local branches `branch` into `base` in the repository at `repo` with
/// merge-tree; nothing is written but objects. Throws core::Error for invalid names, a missing
/// branch or git's failure.
MergeCheck checkMerge(const std::filesystem::path& repo, const std::string& branch,
                      const std::string& base);

struct MergeRequest {
    std::filesystem::path repo;  ///< any checkout of the repository
    std::string branch;          ///< the workspace branch (a local branch)
    std::string base;            ///< the local branch to merge into
    /// nullopt: fast-forward when possible, else a merge commit.
    std::optional<MergeMode> mode;
    std::string message;  ///< empty: a default naming the branch
    /// Runs after the result is computed and before the base moves (tests race the base here).
    std::function<void()> beforeUpdate;
};

struct MergeOutcome {
    MergeMode mode = MergeMode::Merge;
    std::string baseCommit;          ///< the base's new commit
    std::string previousBaseCommit;  ///< the base's commit before
};

/// Merges `branch` into `base` as described above. Throws MergeRefused for conflicts, an
/// impossible fast-forward, nothing to merge, a base that moved, or a base checked out with
/// local changes (the message says where and what to do); core::Error for bad input (invalid
/// names, a message with control characters) and git's failures.
MergeOutcome mergeIntoBase(const MergeRequest& request);

/// The longest merge message accepted.
inline constexpr std::size_t kMaxMergeMessageBytes = 16 * 1024;

/// Why `message` is not acceptable as a merge message (too long, a control character other than
/// newline and tab); nullopt when it is.
std::optional<std::string> mergeMessageProblem(const std::string& message);

}  // namespace parawork::git
