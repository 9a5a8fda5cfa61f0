// The service over git/checkpoints and git/commit: finding the workspace's working tree, the
// per-workspace lock, the refusals' statuses, the events and the JSON of checkpoints.
#include "review/checkpoint_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "core/error.hpp"
#include "core/utf8_text.hpp"
#include "git/commit.hpp"
#include "git/repository_info.hpp"
#include "store/workspaces.hpp"
#include "workspace/workspace_lookup.hpp"

namespace parawork::review {
namespace {

namespace json = boost::json;
using core::ServiceError;

constexpr std::size_t kMaxLabelBytes = 1024;

[[noreturn]] void refuseCommit(const git::CommitRefused& e) {
    using Reason = git::CommitRefused::Reason;
    throw ServiceError(e.reason == Reason::InvalidMessage ? 400 : 409, e.what());
}

std::string agentCommitPrompt(const std::optional<std::string>& message) {
    std::string text =
        "Please commit all of your changes now (git add -A, then git commit) with a clear "
        "commit message describing them.";
    if (message) text += " Use this commit message: " + *message;
    return text;
}

}  // namespace

CheckpointService::CheckpointService(store::Database& db, CheckpointServiceConfig config)
    : db_(db), config_(std::move(config)), locks_(config_.locks ? *config_.locks : ownLocks_) {}

std::filesystem::path CheckpointService::worktreeOf(const std::string& workspaceId) {
    auto workspace = workspace::requireWorkspace(db_, workspaceId, {.repository = true});
    git::validateCheckpointWorkspaceId(workspaceId);  // our own ids: UUIDs
    return git::readRepository(workspace.path).root;
}

void CheckpointService::announce(const git::Checkpoint& checkpoint) {
    if (!config_.publish) return;
    config_.publish(
        checkpoint.workspaceId,
        json::serialize(json::object{{"type", "checkpoint_created"},
                                     {"data", json::object{{"workspaceId", checkpoint.workspaceId},
                                                           {"checkpoint", toJson(checkpoint)}}}}));
}

CheckpointService::Snapshot CheckpointService::snapshotOf(const std::string& workspaceId) {
    std::shared_ptr<git::SnapshotIndex> index;
    {
        std::lock_guard lock(snapshotsMutex_);
        auto it = std::find_if(snapshots_.begin(), snapshots_.end(),
                               [&](const auto& kept) { return kept.workspaceId == workspaceId; });
        if (it != snapshots_.end())
            snapshots_.splice(snapshots_.end(), snapshots_, it);
        else
            snapshots_.push_back({workspaceId, std::make_shared<git::SnapshotIndex>(), 0});
        if (snapshots_.size() > kKeptSnapshotIndexes) snapshots_.pop_front();
        index = snapshots_.back().index;
    }
    // Taken after the workspace's lock: changes taken by one checkpoint are applied by it.
    std::optional<git::WorkTreeChanges> changes;
    if (config_.changes) changes = config_.changes(workspaceId);
    return Snapshot{index, git::IncrementalSnapshot{*index, std::move(changes)}};
}

void CheckpointService::taken(const std::string& workspaceId, const Snapshot& snapshot) {
    switch (snapshot.index->lastScan()) {
        case git::SnapshotScan::Full:
            ++everyFile_;
            break;
        case git::SnapshotScan::Incremental:
            ++changedFiles_;
            break;
        case git::SnapshotScan::None:
            break;
    }
    std::size_t entries = snapshot.index->entries();  // under the workspace's lock: not in use
    std::lock_guard lock(snapshotsMutex_);
    std::size_t total = 0;
    for (KeptSnapshot& kept : snapshots_) {
        if (kept.workspaceId == workspaceId) kept.entries = entries;
        total += kept.entries;
    }
    while (snapshots_.size() > 1 &&
           (snapshots_.size() > kKeptSnapshotIndexes || total > kKeptSnapshotEntries)) {
        total -= snapshots_.front().entries;
        snapshots_.pop_front();  // a checkpoint using it keeps it until it ends
    }
}

SnapshotCounts CheckpointService::snapshotCounts() const {
    return {everyFile_.load(), changedFiles_.load()};
}

std::vector<git::Checkpoint> CheckpointService::list(const std::string& workspaceId) {
    return git::listCheckpoints(worktreeOf(workspaceId), workspaceId);
}

git::CreatedCheckpoint CheckpointService::create(const std::string& workspaceId,
                                                 const std::optional<std::string>& label) {
    if (label && label->size() > kMaxLabelBytes)
        throw ServiceError(400, "label: at most 1024 bytes");
    git::CreatedCheckpoint made;
    {
        // The workspace is read under the lock: it may have gone (or been archived) meanwhile.
        auto lock = locks_.lock(workspaceId);
        auto worktree = worktreeOf(workspaceId);
        Snapshot snapshot = snapshotOf(workspaceId);
        made = git::createCheckpoint(worktree, workspaceId, label.value_or("manual"),
                                     &snapshot.incremental);
        taken(workspaceId, snapshot);
        spdlog::debug("workspace {}: checkpoint, {} ({} entries)", workspaceId,
                      snapshot.index->lastScan() == git::SnapshotScan::Incremental
                          ? "the changed files read"
                          : "every file read",
                      snapshot.index->entries());
    }
    if (made.created) announce(made.checkpoint);
    return made;
}

git::CheckpointDiff CheckpointService::diff(const std::string& workspaceId, const std::string& from,
                                            const std::optional<std::string>& to) {
    auto worktree = worktreeOf(workspaceId);
    auto find = [&](const std::string& id) {
        auto found = git::findCheckpoint(worktree, workspaceId, id);
        if (!found) throw ServiceError(404, "Checkpoint not found: " + core::toValidUtf8(id));
        return *found;
    };
    git::Checkpoint fromCheckpoint = find(from);
    std::optional<git::Checkpoint> toCheckpoint;
    if (to && *to != "worktree") toCheckpoint = find(*to);
    return git::diffCheckpoints(worktree, fromCheckpoint, toCheckpoint);
}

git::RestoredCheckpoint CheckpointService::restore(const std::string& workspaceId,
                                                   const std::string& checkpointId) {
    git::RestoredCheckpoint restored;
    {
        auto lock = locks_.lock(workspaceId);
        auto worktree = worktreeOf(workspaceId);
        auto target = git::findCheckpoint(worktree, workspaceId, checkpointId);
        if (!target)
            throw ServiceError(404, "Checkpoint not found: " + core::toValidUtf8(checkpointId));
        Snapshot snapshot = snapshotOf(workspaceId);
        restored = git::restoreCheckpoint(worktree, workspaceId, *target, &snapshot.incremental);
        taken(workspaceId, snapshot);
    }
    if (restored.savedCreated) announce(restored.saved);
    return restored;
}

CommitOutcome CheckpointService::commit(const std::string& workspaceId,
                                        const CommitRequest& request) {
    auto worktree = worktreeOf(workspaceId);
    if (request.message) {
        if (auto problem = git::commitMessageProblem(*request.message))
            throw ServiceError(400, "message: " + *problem);
    }
    CommitOutcome outcome;
    if (request.askAgent) {
        if (!config_.tellAgent) throw ServiceError(409, "No agent to ask in this workspace");
        outcome.asked = true;
        outcome.sessionId = config_.tellAgent(workspaceId, agentCommitPrompt(request.message));
        return outcome;
    }
    if (!request.message) throw ServiceError(400, "Give a message or askAgent");
    auto lock = locks_.lock(workspaceId);
    worktree = worktreeOf(workspaceId);  // again, under the lock
    try {
        git::CommitResult result = git::commitAll(worktree, *request.message);
        outcome.commit = result.commit;
        outcome.message = result.message;
        outcome.files = result.files;
    } catch (const git::CommitRefused& e) {
        refuseCommit(e);
    } catch (const core::Error& e) {
        throw ServiceError(409, e.what());  // a hook said no, say
    }
    return outcome;
}

void CheckpointService::turnEnded(const std::string& workspaceId) noexcept {
    try {
        create(workspaceId, "turn end");
    } catch (const ServiceError& e) {
        spdlog::debug("workspace {}: no turn-end checkpoint: {}", workspaceId, e.what());
    } catch (const std::exception& e) {
        spdlog::warn("workspace {}: cannot checkpoint the turn's end: {}", workspaceId, e.what());
    } catch (...) {
        spdlog::warn("workspace {}: cannot checkpoint the turn's end", workspaceId);
    }
}

json::value toJson(const git::Checkpoint& checkpoint) {
    return json::object{
        {"id", checkpoint.id},
        {"ref", checkpoint.ref},
        {"label", core::toValidUtf8(checkpoint.label)},
        {"head", checkpoint.head ? json::value(*checkpoint.head) : json::value(nullptr)},
        {"createdAt", checkpoint.createdAt},
        {"workspaceId", checkpoint.workspaceId},
    };
}

json::value toJson(const git::CheckpointDiff& diff) {
    json::array files;
    for (const git::CheckpointFileDiff& file : diff.files) {
        files.push_back(json::object{
            {"path", core::toValidUtf8(file.change.path)},
            {"changeType", git::changeTypeName(file.change.type)},
            {"insertions", file.change.insertions},
            {"deletions", file.change.deletions},
            {"binary", file.change.binary},
            {"diff", file.diff ? json::value(core::toValidUtf8(*file.diff)) : json::value(nullptr)},
            {"diffTruncated", file.diffTruncated},
        });
    }
    return json::object{{"from", diff.from},
                        {"to", diff.to},
                        {"truncated", diff.truncated},
                        {"files", std::move(files)}};
}

}  // namespace parawork::review
