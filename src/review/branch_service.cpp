// The branch part of review and ship: each method finds the workspace, checks what the contract
// refuses, takes a checkpoint before anything that moves a branch, and calls the git room. The
// git room's refusals become 409s; its other failures 500s with git's message.
#include "review/branch_service.hpp"

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "git/archived_branches.hpp"
#include "git/repository_info.hpp"
#include "git/worktrees.hpp"
#include "project/project_config.hpp"
#include "review/merge_conflict.hpp"
#include "store/workspaces.hpp"
#include "workspace/workspace_lookup.hpp"

namespace parawork::review {
namespace {

using core::ServiceError;

/// Runs a git-room call: its refusals answer 409, its other failures 500.
template <class Call>
auto gitCall(Call&& call) {
    try {
        return std::forward<Call>(call)();
    } catch (const git::MergeRefused& e) {
        if (e.why == git::MergeRefusal::Conflicts) throw MergeConflict(e.what(), e.conflictedFiles);
        throw ServiceError(409, e.what());
    } catch (const git::SyncRefused& e) {
        throw ServiceError(409, e.what());
    } catch (const core::Error& e) {
        throw ServiceError(500, e.what());
    }
}

std::string fileList(const std::vector<std::string>& files) {
    std::string out;
    for (const auto& f : files) out += "\n- " + f;
    return out;
}

void validateMergeMessage(const std::string& message) {
    if (auto problem = git::mergeMessageProblem(message))
        throw ServiceError(400, "message: " + *problem);
}

}  // namespace

std::string baseRefOf(const core::Workspace& workspace) {
    return workspace.gitWorktree->baseBranch.value_or("origin/main");
}

std::string localBaseBranch(const core::Workspace& workspace) {
    const auto& g = *workspace.gitWorktree;
    std::string base = baseRefOf(workspace);
    if (git::hasReference(g.baseRepoPath, "refs/heads/" + base)) return base;
    if (auto slash = base.find('/');
        slash != std::string::npos && git::hasReference(g.baseRepoPath, "refs/remotes/" + base)) {
        std::string local = base.substr(slash + 1);
        if (git::hasReference(g.baseRepoPath, "refs/heads/" + local)) return local;
    }
    throw ServiceError(
        409, "The base \"" + base + "\" has no local branch to merge into: create it first");
}

BranchService::BranchService(store::Database& db, workspace::WorkspaceService& workspaces,
                             BranchServiceConfig config)
    : db_(db), workspaces_(workspaces), config_(std::move(config)) {}

core::Workspace BranchService::activeWorktree(const std::string& workspaceId) {
    return workspace::requireWorkspace(db_, workspaceId,
                                       {.notArchived = true, .ownBranch = true, .directory = true});
}

std::optional<git::Checkpoint> BranchService::takeCheckpoint(const std::string& workspaceId,
                                                             const std::string& label) {
    if (!config_.checkpoint) return std::nullopt;
    return config_.checkpoint(workspaceId, label);
}

BranchStatus BranchService::status(const std::string& workspaceId, bool fetch) {
    core::Workspace ws = activeWorktree(workspaceId);
    return gitCall([&] {
        BranchStatus s{ws.gitWorktree->branchName, baseRefOf(ws), {}, 0, std::nullopt};
        s.standing = git::branchStanding(ws.path, s.base, fetch);
        s.uncommittedFiles = git::uncommittedFiles(ws.path).size();
        s.sync = git::syncInProgress(ws.path);
        return s;
    });
}

SyncAnswer BranchService::sync(const std::string& workspaceId, git::SyncMethod method, bool fetch) {
    core::Workspace ws = activeWorktree(workspaceId);
    std::string base = baseRefOf(ws);
    gitCall([&] {
        if (git::syncInProgress(ws.path))
            throw git::SyncRefused("A sync is in progress: finish or abort it first");
        auto dirty = git::uncommittedFiles(ws.path);
        if (!dirty.empty())
            throw git::SyncRefused("The workspace has " + std::to_string(dirty.size()) +
                                   " uncommitted file(s): commit or discard them first");
        if (fetch) git::branchStanding(ws.path, base, true);  // a failed fetch syncs what is here
        return 0;
    });
    SyncAnswer answer{{}, method, std::nullopt};
    std::string label = "before sync (" + std::string(git::toString(method)) + ")";
    answer.checkpoint = takeCheckpoint(ws.id, label);
    answer.outcome = gitCall([&] { return git::syncWithBase(ws.path, base, method); });
    return answer;
}

std::string BranchService::abortSync(const std::string& workspaceId) {
    core::Workspace ws = activeWorktree(workspaceId);
    return gitCall([&] { return git::abortSync(ws.path); });
}

std::string BranchService::askAgentToResolve(const std::string& workspaceId) {
    core::Workspace ws = activeWorktree(workspaceId);
    auto progress = gitCall([&] { return git::syncInProgress(ws.path); });
    if (!progress) throw ServiceError(409, "No sync is in progress: nothing to resolve");
    if (!config_.tellAgent) throw ServiceError(409, "No agent can be asked here");
    bool rebase = progress->method == git::SyncMethod::Rebase;
    std::string text =
        "Syncing this branch with " + baseRefOf(ws) + " by " +
        std::string(git::toString(progress->method)) +
        " stopped on conflicts in these files:" + fileList(progress->conflictedFiles) +
        "\nResolve the conflicts, `git add` the files, then run " +
        (rebase ? "`git rebase --continue`" : "`git commit --no-edit`") + ". Do not abort.";
    return config_.tellAgent(ws.id, text);
}

MergeCheckAnswer BranchService::checkMerge(const std::string& workspaceId) {
    core::Workspace ws = activeWorktree(workspaceId);
    std::string base = localBaseBranch(ws);
    return gitCall([&] {
        return MergeCheckAnswer{
            git::checkMerge(ws.gitWorktree->baseRepoPath, ws.gitWorktree->branchName, base), base};
    });
}

std::optional<git::MergeMode> BranchService::defaultMode(const core::Workspace& ws) {
    try {
        if (auto project = project::readProjectConfig(ws.gitWorktree->baseRepoPath);
            project && project->mergeMode)
            return git::parseMergeMode(*project->mergeMode);
    } catch (const core::Error& e) {
        spdlog::warn("workspace {}: parawork.toml is not read for merge_mode: {}", ws.id, e.what());
    }
    return config_.defaultMergeMode;
}

MergeAnswer BranchService::merge(const std::string& workspaceId, const MergeOptions& options) {
    validateMergeMessage(options.message);
    core::Workspace ws = activeWorktree(workspaceId);
    std::string base = localBaseBranch(ws);
    if (gitCall([&] { return git::syncInProgress(ws.path); }))
        throw ServiceError(409, "A sync is in progress in the workspace: finish or abort it first");
    takeCheckpoint(ws.id, "before merge into " + base);
    git::MergeRequest request{.repo = ws.gitWorktree->baseRepoPath,
                              .branch = ws.gitWorktree->branchName,
                              .base = base,
                              .mode = options.mode ? options.mode : defaultMode(ws),
                              .message = options.message,
                              .beforeUpdate = {}};
    MergeAnswer answer{gitCall([&] { return git::mergeIntoBase(request); }), base};
    if (options.archive) archive(ws.id, std::nullopt);
    return answer;
}

core::Workspace BranchService::archive(const std::string& workspaceId,
                                       std::optional<bool> deleteBranch) {
    core::Workspace ws = activeWorktree(workspaceId);
    const auto& g = *ws.gitWorktree;
    workspaces_.stopSessions(ws.id, "archived");
    takeCheckpoint(ws.id, "archived");
    // No other checkpoint (a late turn end) runs while the worktree goes.
    auto lock = workspaces_.locks().lock(ws.id);
    gitCall([&] {
        git::keepArchivedTip(g.baseRepoPath, ws.id, g.branchName);
        git::removeWorktree(g.baseRepoPath, g.worktreePath, g.branchName,
                            deleteBranch.value_or(config_.deleteBranchOnArchive));
        return 0;
    });
    store::setWorkspaceArchivedAt(db_, ws.id, core::nowMs());
    return *store::findWorkspace(db_, ws.id);
}

core::Workspace BranchService::unarchive(const std::string& workspaceId) {
    auto ws = workspace::requireWorkspace(db_, workspaceId);
    if (!ws.archivedAt || !ws.gitWorktree) throw ServiceError(409, "Workspace is not archived");
    const auto& g = *ws.gitWorktree;
    auto lock = workspaces_.locks().lock(ws.id);
    gitCall([&] {
        git::restoreArchivedWorktree(g.baseRepoPath, ws.id, g.branchName, g.worktreePath);
        // The newest checkpoint (taken when it was archived) holds its uncommitted work.
        auto checkpoints = git::listCheckpoints(g.baseRepoPath, ws.id);
        if (!checkpoints.empty())
            git::moveWorkingFiles(g.worktreePath, "HEAD", checkpoints.front().tree);
        return 0;
    });
    store::setWorkspaceArchivedAt(db_, ws.id, std::nullopt);
    return *store::findWorkspace(db_, ws.id);
}

}  // namespace parawork::review
