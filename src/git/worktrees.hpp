// Workspaces as git worktrees: `git worktree add` of a new branch `parawork/<slug>` under the
// configured worktree base, and its removal. The git CLI does the work because worktree
// bookkeeping and checkout hooks are git's own business. A failure is an error, never a silent
// fallback to the main checkout (DESIGN §6.1). Blocking: call from the worker pool.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::git {

/// What to create.
struct WorktreeSpec {
    /// Any path inside the repository's main checkout (or one of its worktrees).
    std::filesystem::path repoRoot;
    /// The directory that holds worktrees: each lands in <worktreeBase>/<repo-name>/<slug>.
    std::filesystem::path worktreeBase;
    /// The workspace's slug (see slugify); anything else is refused.
    std::string slug;
    /// The start point; empty means defaultBaseRef(repoRoot).
    std::string baseRef;
    /// Prepended to the slug to name the branch.
    std::string branchPrefix = "parawork/";
    /// Paths or simple globs to copy from the main checkout, besides those `.worktreeinclude`
    /// lists (parawork.toml's `copy = [".env"]`).
    std::vector<std::string> copyFiles;
    /// How long `git worktree add` (checkout and hooks included) may take.
    std::chrono::milliseconds timeout = std::chrono::minutes(2);
};

/// A created worktree.
struct Worktree {
    /// Its directory, absolute and free of symlinks.
    std::filesystem::path path;
    /// The new branch checked out in it ("parawork/my-feature", or "parawork/my-feature-2" when
    /// the first choice was taken).
    std::string branch;
    /// The start point used, as given or as chosen by default ("origin/main").
    std::string baseRef;
    /// The matched relative paths copied from the main checkout (not those git checked out).
    std::vector<std::string> copiedFiles;
};

/// Creates the branch and its worktree and copies the included files. When the directory or the
/// branch for `slug` is taken, tries `<slug>-2`, `<slug>-3`, … (same suffix for both). Throws
/// core::Error with a message for a person when anything fails (not a repository, a bad slug or
/// base ref, a refused copy path, git's own failure, a timeout); then nothing is left behind: no
/// directory, no branch, no worktree registration. Safe to call concurrently.
Worktree createWorktree(const WorktreeSpec& spec);

/// Held while running git's worktree commands (add, remove, prune) in the repository of
/// `repoRoot`: in this process one runs at a time per repository, as createWorktree and
/// removeWorktree do (a concurrent `git worktree add` fails on a half-written entry).
std::unique_lock<std::mutex> lockWorktreesOf(const std::filesystem::path& repoRoot);

/// Removes the worktree at `worktreePath` (`git worktree remove --force`, so local changes are
/// discarded) and, when `deleteBranch`, the branch (`git branch -D`). A directory that is
/// already gone is pruned from git's records; a branch already gone is fine. Throws core::Error
/// for the main checkout, a path that is not a worktree of the repository (it is left in place),
/// an invalid branch name, or git's failure (a locked worktree, for one).
void removeWorktree(const std::filesystem::path& repoRoot,
                    const std::filesystem::path& worktreePath, std::string_view branch,
                    bool deleteBranch);

}  // namespace parawork::git
