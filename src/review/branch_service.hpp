// A workspace branch's way back to its base (issue 20, docs/review.md "Branch"): where it
// stands against the base, syncing with it (rebase or merge; conflicts shown, aborted or handed
// to the agent), merging it back (ff, merge or squash, computed without touching a worktree),
// and archiving (sessions stopped, a checkpoint, the worktree removed, the branch kept under a
// hidden ref) and unarchiving. Every sync and merge takes a checkpoint first. Refusals are
// core::ServiceError with the HTTP status the API answers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.hpp"
#include "git/branch_sync.hpp"
#include "git/checkpoints.hpp"
#include "git/merge_back.hpp"
#include "store/database.hpp"
#include "workspace/workspace_service.hpp"

namespace parawork::review {

struct BranchServiceConfig {
    /// Takes a checkpoint of the workspace labelled `label` (the checkpoints part; may throw
    /// ServiceError). None: no checkpoint is taken.
    std::function<git::Checkpoint(const std::string& workspaceId, const std::string& label)>
        checkpoint;
    /// Types `text` to the workspace's agent as one message and returns its session id; throws
    /// ServiceError (409 no agent, agent busy). None: asking answers 409.
    std::function<std::string(const std::string& workspaceId, const std::string& text)> tellAgent;
    /// The daemon's default merge mode (config `merge_mode`); a repository's parawork.toml
    /// `[review] merge_mode` wins. None of both: ff when possible, else a merge commit.
    std::optional<git::MergeMode> defaultMergeMode;
    /// Keeps archived branches by default on archive (else deleted, restorable from the hidden
    /// ref).
    bool deleteBranchOnArchive = false;
};

/// GET /branch.
struct BranchStatus {
    std::string branch;
    std::string base;
    git::BranchStanding standing;
    std::size_t uncommittedFiles = 0;
    std::optional<git::SyncInProgress> sync;
};

/// POST /sync.
struct SyncAnswer {
    git::SyncOutcome outcome;
    git::SyncMethod method = git::SyncMethod::Rebase;
    std::optional<git::Checkpoint> checkpoint;  ///< the checkpoint taken first
};

/// GET /merge/check.
struct MergeCheckAnswer {
    git::MergeCheck check;
    std::string base;
};

struct MergeOptions {
    std::optional<git::MergeMode> mode;
    std::string message;
    bool archive = false;
};

/// POST /merge.
struct MergeAnswer {
    git::MergeOutcome outcome;
    std::string base;
};

class BranchService {
  public:
    BranchService(store::Database& db, workspace::WorkspaceService& workspaces,
                  BranchServiceConfig config);

    BranchStatus status(const std::string& workspaceId, bool fetch);
    /// 409 with uncommitted changes or a sync in progress.
    SyncAnswer sync(const std::string& workspaceId, git::SyncMethod method, bool fetch);
    /// Returns HEAD after the abort; 409 when no sync is in progress.
    std::string abortSync(const std::string& workspaceId);
    /// Asks the agent to resolve the conflicts of the sync in progress; its session id.
    std::string askAgentToResolve(const std::string& workspaceId);
    MergeCheckAnswer checkMerge(const std::string& workspaceId);
    /// 409 for conflicts, an impossible fast-forward, a base that moved, a dirty checked-out base.
    MergeAnswer merge(const std::string& workspaceId, const MergeOptions& options);
    core::Workspace archive(const std::string& workspaceId, std::optional<bool> deleteBranch);
    core::Workspace unarchive(const std::string& workspaceId);

  private:
    /// The active worktree workspace, else 404 / 409.
    core::Workspace activeWorktree(const std::string& workspaceId);
    std::optional<git::Checkpoint> takeCheckpoint(const std::string& workspaceId,
                                                  const std::string& label);
    std::optional<git::MergeMode> defaultMode(const core::Workspace& workspace);

    store::Database& db_;
    workspace::WorkspaceService& workspaces_;
    BranchServiceConfig config_;
};

/// The local branch a workspace merges into: its base when that is a local branch, else the
/// local branch of a remote-tracking base ("origin/main" → "main"). 409 when there is none.
std::string localBaseBranch(const core::Workspace& workspace);

/// The workspace's base ref as recorded (GitWorktree::baseBranch; "origin/main" when unset).
std::string baseRefOf(const core::Workspace& workspace);

}  // namespace parawork::review
