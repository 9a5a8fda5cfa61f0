// The checkpoints and commits of a workspace (issue 20, docs/review.md): what the API's
// /checkpoints and /commit routes and the CLI call. Checkpoints, restores and commits of one
// workspace run one at a time; refusals are core::ServiceError with their HTTP status. Blocking
// (git): call it from the worker pool.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "git/checkpoints.hpp"
#include "store/database.hpp"
#include "workspace/workspace_locks.hpp"

namespace parawork::review {

struct CheckpointServiceConfig {
    /// Receives (workspaceId, event JSON); must be thread-safe. May be empty.
    std::function<void(const std::string& workspaceId, std::string eventJson)> publish;
    /// Types `text` to the workspace's agent as one message; returns its session id, throws
    /// core::ServiceError (409 no agent, agent busy). May be empty (then askAgent is a 409).
    std::function<std::string(const std::string& workspaceId, const std::string& text)> tellAgent;
    /// Shared with the workspace service, so that no checkpoint runs while a worktree is removed
    /// or archived. None: the service's own (tests).
    workspace::WorkspaceLocks* locks = nullptr;
    /// What changed in the workspace's files since it was last asked (the file watcher's
    /// takeChanges): checkpoints then read only those. May be empty: every file is looked at.
    std::function<std::optional<git::WorkTreeChanges>(const std::string& workspaceId)> changes;
};

/// Snapshot indexes kept between checkpoints, the most recently used workspaces': at most this
/// many, with at most this many files in all (a 50,000-file index costs the daemon ~18 MB), the
/// latest one always.
inline constexpr std::size_t kKeptSnapshotIndexes = 8;
inline constexpr std::size_t kKeptSnapshotEntries = 200000;

struct CommitRequest {
    std::optional<std::string> message;
    bool askAgent = false;
};

/// Snapshots taken so far (checkpoints, and restores' "before restore"), by how they read the
/// worktree: /metrics' parawork_checkpoints_total.
struct SnapshotCounts {
    std::uint64_t everyFile = 0;
    std::uint64_t changedFiles = 0;
};

/// POST /commit's answer: a commit made, or the agent asked to make it.
struct CommitOutcome {
    bool asked = false;
    std::string sessionId;  ///< when asked
    std::string commit;     ///< when committed: the full id
    std::string message;
    std::size_t files = 0;
};

class CheckpointService {
  public:
    CheckpointService(store::Database& db, CheckpointServiceConfig config);

    /// Newest first. 404 no such workspace, 400 not a git repository.
    std::vector<git::Checkpoint> list(const std::string& workspaceId);
    /// A checkpoint of the present (`label` or "manual"); publishes checkpoint_created when new.
    git::CreatedCheckpoint create(const std::string& workspaceId,
                                  const std::optional<std::string>& label);
    /// From checkpoint `from` to checkpoint `to`, or to the worktree when `to` is nullopt or
    /// "worktree". 404 for a checkpoint the workspace does not have.
    git::CheckpointDiff diff(const std::string& workspaceId, const std::string& from,
                             const std::optional<std::string>& to);
    /// The workspace's files made the checkpoint's, the present saved first.
    git::RestoredCheckpoint restore(const std::string& workspaceId,
                                    const std::string& checkpointId);
    /// Commits everything (message) or asks the agent to (askAgent). 400 neither or a bad
    /// message, 409 nothing to commit, no git identity, or the commit failed (a hook said no).
    CommitOutcome commit(const std::string& workspaceId, const CommitRequest& request);
    /// An agent's turn ended: a checkpoint labelled "turn end". Errors are logged, never thrown.
    void turnEnded(const std::string& workspaceId) noexcept;
    SnapshotCounts snapshotCounts() const;

  private:
    std::filesystem::path worktreeOf(const std::string& workspaceId);
    void announce(const git::Checkpoint& checkpoint);
    /// The workspace's kept snapshot index and what changed since; call under its lock.
    struct Snapshot {
        std::shared_ptr<git::SnapshotIndex> index;
        git::IncrementalSnapshot incremental;
    };
    Snapshot snapshotOf(const std::string& workspaceId);
    /// Counts the snapshot, and lets go of the least recently used ones beyond the bounds.
    void taken(const std::string& workspaceId, const Snapshot& snapshot);

    store::Database& db_;
    CheckpointServiceConfig config_;
    workspace::WorkspaceLocks ownLocks_;
    /// The workspace service's (config.locks), else ownLocks_.
    workspace::WorkspaceLocks& locks_;
    std::mutex snapshotsMutex_;
    struct KeptSnapshot {
        std::string workspaceId;
        std::shared_ptr<git::SnapshotIndex> index;
        std::size_t entries = 0;  ///< after its latest use
    };
    /// Least recently used first.
    std::list<KeptSnapshot> snapshots_;
    std::atomic<std::uint64_t> everyFile_{0};
    std::atomic<std::uint64_t> changedFiles_{0};
};

/// A checkpoint as the API shows it: {id, ref, label, head, createdAt, workspaceId}.
boost::json::value toJson(const git::Checkpoint& checkpoint);

/// A checkpoint diff as the API shows it: {from, to, truncated, files:[…]} (GET /diff's files).
boost::json::value toJson(const git::CheckpointDiff& diff);

}  // namespace parawork::review
