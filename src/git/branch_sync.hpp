// Keeping a workspace branch current with its base (issue 20): how far it is ahead and behind,
// bringing the base in by rebase or merge, seeing a sync that stopped on conflicts and aborting
// it. The git CLI does the work, never interactively (GIT_EDITOR=true, no prompts); refs are
// validated and follow "--end-of-options". Blocking: call from the worker pool.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace parawork::git {

/// At most this many conflicted or uncommitted paths are reported.
inline constexpr std::size_t kMaxListedFiles = 1000;

enum class SyncMethod { Rebase, Merge };

std::string_view toString(SyncMethod method);
/// "rebase" or "merge"; nullopt for anything else.
std::optional<SyncMethod> parseSyncMethod(std::string_view text);

/// A refusal the caller can act on (uncommitted changes, a sync already in progress); the
/// service answers it as a conflict (409). Other failures are core::Error.
class SyncRefused : public core::Error {
  public:
    using core::Error::Error;
};

/// Where a workspace branch stands against its base.
struct BranchStanding {
    std::string head;        ///< HEAD's commit id ("" when unborn)
    std::string baseCommit;  ///< the base's commit id
    int ahead = 0;           ///< commits on HEAD not on the base
    int behind = 0;          ///< commits on the base not on HEAD
    bool fetched = false;    ///< a fetch was asked for, there was a remote, and it succeeded
    std::optional<std::string> fetchError;  ///< why the asked-for fetch failed
};

/// Compares HEAD of `worktree` with `base` (a validated base ref, e.g. "main" or
/// "origin/main"). With `fetch`, first runs `git fetch <remote>` when `base` names a branch of a
/// configured remote ("origin/main" → origin); a failed fetch is reported, not thrown.
BranchStanding branchStanding(const std::filesystem::path& worktree, const std::string& base,
                              bool fetch);

/// The paths with uncommitted changes (staged, unstaged or untracked), at most kMaxListedFiles.
std::vector<std::string> uncommittedFiles(const std::filesystem::path& worktree);

/// A sync that stopped on conflicts and waits to be finished or aborted.
struct SyncInProgress {
    SyncMethod method = SyncMethod::Rebase;
    std::vector<std::string> conflictedFiles;
};

/// The rebase or merge in progress in `worktree` (rebase-merge, rebase-apply or MERGE_HEAD in
/// its git directory), or nullopt.
std::optional<SyncInProgress> syncInProgress(const std::filesystem::path& worktree);

enum class SyncResult { UpToDate, Synced, Conflicts };
std::string_view toString(SyncResult result);

struct SyncOutcome {
    SyncResult result = SyncResult::UpToDate;
    std::string head;  ///< HEAD afterwards (mid-sync on conflicts)
    std::vector<std::string> conflictedFiles;
};

/// Brings `base` into the branch checked out in `worktree`: up-to-date when the base is already
/// in it, else rebased onto it or merged. Conflicts leave the sync in progress (see
/// syncInProgress / abortSync). Throws SyncRefused with uncommitted changes or a sync in
/// progress, core::Error for git's other failures.
SyncOutcome syncWithBase(const std::filesystem::path& worktree, const std::string& base,
                         SyncMethod method);

/// Aborts the sync in progress (rebase --abort / merge --abort) and checks that HEAD is back
/// where it was before; returns HEAD. Throws SyncRefused when none is in progress.
std::string abortSync(const std::filesystem::path& worktree);

}  // namespace parawork::git
