#include "workspace/workspace_service.hpp"

#include <utility>

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/hook_install.hpp"
#include "core/ids.hpp"
#include "git/archived_branches.hpp"
#include "git/checkpoints.hpp"
#include "git/ref_names.hpp"
#include "git/repository_info.hpp"
#include "git/worktrees.hpp"
#include "project/project_config.hpp"
#include "store/repositories.hpp"
#include "store/sessions.hpp"
#include "workspace/name_reservation.hpp"
#include "workspace/project_defaults.hpp"
#include "workspace/setup_gate.hpp"

namespace parawork::workspace {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using core::ServiceError;

/// Reads parawork.toml from `dir` (a broken file is the client's 400, with its line and column).
std::optional<std::string> projectConfigJson(const fs::path& dir) {
    auto config = project::readProjectConfig(dir);
    if (!config) return std::nullopt;
    return json::serialize(project::toJson(*config));
}

/// A deleted workspace's hidden refs in its repository (issue 20): its checkpoints and, when it
/// was archived, its branch's kept tip. The workspace goes even when they cannot (logged).
void forgetReviewRefs(const fs::path& repo, const std::string& workspaceId) {
    try {
        if (!git::isRepository(repo)) return;
        git::deleteCheckpoints(repo, workspaceId);
        git::forgetArchivedTip(repo, workspaceId);
    } catch (const std::exception& e) {
        spdlog::warn("workspace {}: its checkpoints stay in {}: {}", workspaceId, repo.string(),
                     e.what());
    }
}

/// The registered repository that the git repository at `path` belongs to (its main checkout),
/// if any: a workspace made there without a repositoryId is linked to it (issue 17 §7).
std::optional<std::string> registeredRepositoryAt(store::Database& db, const fs::path& path) {
    try {
        if (!git::isRepository(path)) return std::nullopt;
        auto info = git::readRepository(path);
        const auto& main = info.mainRoot.empty() ? info.root : info.mainRoot;
        if (auto repo = store::findRepositoryByPath(db, main.string())) return repo->id;
    } catch (const core::Error&) {
        // Not readable as a repository: the workspace is made without a link, as before.
    }
    return std::nullopt;
}

/// The profile if one by that name exists and is enabled.
const core::AgentProfile* enabledAgent(const std::vector<core::AgentProfile>& agents,
                                       const std::string& name) {
    const auto* profile = core::findAgent(agents, name);
    return profile && profile->enabled ? profile : nullptr;
}

/// What a create makes on disk: the worktree (none for a plain directory) and its repository.
struct Made {
    std::optional<git::Worktree> worktree;
    fs::path repoRoot;
};

/// The request's own checks, in the original's order; returns the resolved path.
fs::path checkCreate(const CreateRequest& r, const WorkspaceConfig& config) {
    if (r.name.find_first_of(std::string_view("\0\r\n", 3)) != std::string::npos)
        throw ServiceError(400, "name: must not contain control characters");
    if (r.agentType && config.agents && !core::findAgent(*config.agents, *r.agentType))
        throw ServiceError(400, "agentType: not a configured agent: " + *r.agentType);
    if (r.baseBranch) {
        if (auto problem = git::baseRefProblem(*r.baseBranch))
            throw ServiceError(400, "baseBranch: " + *problem);
    }
    auto check =
        files::checkProjectPath(r.path, files::projectRoots(config.roots, r.fromOwnersSocket));
    if (!check.ok()) throw ServiceError(check.status, "Invalid path: " + check.error);
    return check.resolved;
}

/// Gives `ws` its directory: a new worktree of `repoPath` when asked for, else `resolved`.
Made makeDirectory(core::Workspace& ws, const std::optional<fs::path>& repoPath,
                   const fs::path& resolved, const CreateRequest& r,
                   const WorkspaceConfig& config) {
    Made made;
    try {
        if (!repoPath) {
            ws.path = resolved.string();
            ws.projectConfigJson = projectConfigJson(resolved);
            return made;
        }
        made.repoRoot = git::readRepository(*repoPath).root;
        auto project = project::readProjectConfig(made.repoRoot);
        if (project) ws.projectConfigJson = json::serialize(project::toJson(*project));
        git::WorktreeSpec spec;
        spec.repoRoot = made.repoRoot;
        spec.worktreeBase = config.worktreeBase;
        spec.slug = git::slugify(r.name);
        spec.baseRef = r.baseBranch.value_or("");
        spec.branchPrefix = config.branchPrefix;
        if (project) spec.copyFiles = project->copy;
        made.worktree = git::createWorktree(spec);
        ws.path = made.worktree->path.string();
        ws.gitWorktree = core::GitWorktree{ws.path, made.worktree->branch, made.repoRoot.string(),
                                           made.worktree->baseRef, ws.createdAt};
    } catch (const core::Error& e) {
        throw ServiceError(400, std::string("Cannot create the workspace: ") + e.what());
    }
    return made;
}

/// Records `ws`; when that fails, removes what was made for it and answers 500.
void record(store::Database& db, const core::Workspace& ws, const Made& made) {
    try {
        store::insertWorkspace(db, ws);
    } catch (const std::exception& e) {
        spdlog::error("workspace {}: cannot record it: {}", ws.id, e.what());
        if (made.worktree) {  // leave nothing behind: no orphan worktree or branch
            try {
                git::removeWorktree(made.repoRoot, made.worktree->path, made.worktree->branch,
                                    true);
            } catch (const std::exception& cleanup) {
                spdlog::error("workspace {}: cannot remove its worktree: {}", ws.id,
                              cleanup.what());
            }
        }
        throw ServiceError(500, "Failed to create workspace");
    }
    if (made.worktree)
        spdlog::info("workspace {} \"{}\": worktree {} on {} from {}", ws.id, ws.name,
                     made.worktree->path.string(), made.worktree->branch, made.worktree->baseRef);
}

void refuseWhenAgentActive(store::Database& db, const std::string& workspaceId) {
    for (const auto& s : store::listActiveSessionsInWorkspace(db, workspaceId))
        if (s.kind == core::SessionKind::Agent)
            throw ServiceError(400, "Workspace already has an active session");
}

}  // namespace

WorkspaceService::WorkspaceService(store::Database& db, session::SessionService& sessions,
                                   WorkspaceConfig config)
    : db_(db),
      sessions_(sessions),
      config_(std::move(config)),
      hookFiles_(config_.hookCommand, config_.agentHooksDir) {}

const std::vector<core::AgentProfile>& WorkspaceService::agents() const {
    static const std::vector<core::AgentProfile> none;
    return config_.agents ? *config_.agents : none;
}

WorkspaceDetail WorkspaceService::create(CreateRequest r) {
    fs::path resolved = checkCreate(r, config_);
    // The repository to branch from: the registered one, else the git repository at the path.
    std::optional<fs::path> repoPath;
    if (r.repositoryId) {
        auto repo = store::findRepository(db_, *r.repositoryId);
        if (!repo) throw ServiceError(404, "Repository not found");
        repoPath = repo->path;
    } else if (git::isRepository(resolved)) {
        repoPath = resolved;
    }
    bool makeWorktree = repoPath && r.worktree.value_or(true);
    if (r.worktree.value_or(false) && !repoPath)
        throw ServiceError(400, "Selected directory is not a git repository");
    if (!r.repositoryId) r.repositoryId = registeredRepositoryAt(db_, resolved);
    std::optional<NameReservation> reservedName;
    if (r.repositoryId) reservedName.emplace(NameReservation::take(db_, *r.repositoryId, r.name));

    core::Workspace ws;
    ws.id = core::newUuid();
    ws.name = r.name;
    ws.agentType = r.agentType;
    ws.repositoryId = r.repositoryId;
    ws.createdAt = ws.updatedAt = core::nowMs();
    ws.lastFocusedAt = ws.createdAt;
    auto made = makeDirectory(ws, makeWorktree ? repoPath : std::nullopt, resolved, r, config_);
    record(db_, ws, made);
    if (config_.created) config_.created(ws.id);
    startSetup(ws, r.autoInstallDependencies.value_or(config_.autoInstallDependencies),
               config_.dependencies, sessions_);
    return {ws, deps::latestSetup(db_, ws.id)};
}

std::optional<core::Workspace> WorkspaceService::find(const std::string& id) {
    return store::findWorkspace(db_, id);
}

std::optional<WorkspaceDetail> WorkspaceService::detail(const std::string& id) {
    auto ws = store::findWorkspace(db_, id);
    if (!ws) return std::nullopt;
    return WorkspaceDetail{*ws, deps::latestSetup(db_, ws->id)};
}

std::vector<core::Workspace> WorkspaceService::list(bool archived) {
    return store::listWorkspaces(db_, archived);
}

std::int64_t WorkspaceService::changeCount() {
    return db_.changeCount();
}

std::optional<core::Workspace> WorkspaceService::update(const std::string& id,
                                                        const store::WorkspacePatch& patch) {
    return store::updateWorkspace(db_, id, patch);
}

// Unlike the original: the workspace's sessions and terminal are stopped (and waited for)
// before its worktree goes, and a worktree that cannot be removed keeps the workspace.
void WorkspaceService::remove(const std::string& id) {
    auto ws = store::findWorkspace(db_, id);
    if (!ws) throw ServiceError(404, "Workspace not found");
    stopSessions(ws->id, "deleted");
    // No checkpoint (an ended agent's turn-end one, say) runs while the worktree goes.
    auto guard = locks_.lock(ws->id);
    if (ws->gitWorktree && !ws->archivedAt) {
        const auto& g = *ws->gitWorktree;
        try {
            git::removeWorktree(g.baseRepoPath, g.worktreePath, g.branchName,
                                config_.deleteBranchOnRemove);
        } catch (const core::Error& e) {
            throw ServiceError(
                409,
                std::string("Cannot remove the worktree (the workspace was kept): ") + e.what());
        }
    }
    forgetReviewRefs(ws->gitWorktree ? ws->gitWorktree->baseRepoPath : ws->path, ws->id);
    store::deleteWorkspace(db_, ws->id);
    if (config_.deleted) config_.deleted(ws->id);
    // After its sessions' last events (stopWorkspace waited for them): a client that hears this
    // hears nothing more of the workspace.
    if (config_.publish)
        config_.publish(
            ws->id,
            json::serialize(json::object{
                {"type", "workspace_deleted"},
                {"data", json::object{{"workspaceId", ws->id}, {"timestamp", core::nowMs()}}}}));
}

void WorkspaceService::stopSessions(const std::string& id, std::string_view why) {
    auto left =
        sessions_.stopWorkspace(id, sessions_.stopGrace() + std::chrono::milliseconds(3000));
    if (!left.empty())
        spdlog::warn("workspace {}: {} session(s) still ending while it is {}", id, left.size(),
                     why);
}

// The original's order of checks (§4.4): the workspace, then an active agent session, then the
// body. (SessionService::start checks both again, atomically with the insert.)
void WorkspaceService::precheckStart(const std::string& workspaceId, bool agent) {
    auto ws = store::findWorkspace(db_, workspaceId);
    if (!ws) throw ServiceError(404, "Workspace not found");
    // Its directory is gone while archived (issue 20).
    if (ws->archivedAt) throw ServiceError(409, "Workspace is archived: unarchive it first");
    if (agent) refuseWhenAgentActive(db_, workspaceId);
}

core::AgentLaunch WorkspaceService::agentLaunch(const std::string& agentType,
                                                const std::optional<std::string>& initialPrompt) {
    const auto* profile = enabledAgent(agents(), agentType);
    if (!profile) throw ServiceError(400, "Agent type " + agentType + " is not enabled");
    return launchOf(*profile, initialPrompt, false);
}

core::AgentLaunch WorkspaceService::launchOf(const core::AgentProfile& profile,
                                             const std::optional<std::string>& prompt,
                                             bool resume) {
    auto launch = core::agentLaunch(profile, prompt, resume);
    try {
        hookFiles_.install(profile, launch);
    } catch (const core::Error& e) {
        // Without its hooks the agent still runs; its state comes from the other layers.
        spdlog::warn("agent {} starts without hooks: {}", profile.name, e.what());
    }
    core::addMcpArgs(launch, profile, config_.mcpCommand);
    return launch;
}

// An agent starts after its workspace's setup (issue 9).
core::Session WorkspaceService::startSession(session::StartRequest start, bool ignoreSetup) {
    // parawork.toml: [env] under the request's own; [run] ports when this is the [run] command.
    if (auto project = storedProjectConfig(db_, start.workspaceId)) {
        for (const auto& [name, value] : project->env) start.env.try_emplace(name, value);
        if (start.ports.empty() && project->command && *project->command == start.argv)
            for (int port : project->ports) start.ports.push_back(static_cast<std::uint16_t>(port));
    }
    if (start.kind == core::SessionKind::Agent && !ignoreSetup) awaitSetup(db_, start.workspaceId);
    return sessions_.start(start);
}

// Unlike the original, the agent continues its own previous conversation where its profile
// knows how (claude --continue, codex resume --last, ...); a command session runs its command
// again.
core::Session WorkspaceService::resumeSession(const std::string& originalId) {
    auto original = store::findSession(db_, originalId);
    if (!original) throw ServiceError(404, "Session not found");
    if (original->kind == core::SessionKind::Terminal)
        throw ServiceError(400, "A user terminal cannot be resumed; start a new one");
    refuseWhenAgentActive(db_, original->workspaceId);
    if (!store::findWorkspace(db_, original->workspaceId))
        throw ServiceError(404, "Workspace not found");
    session::StartRequest start;
    start.workspaceId = original->workspaceId;
    start.kind = original->kind;
    start.agentType = original->agentType;
    start.resumeOf = original->id;
    start.name = original->name;
    if (const auto* profile = enabledAgent(agents(), original->agentType)) {
        start.argv = launchOf(*profile, std::nullopt, true).argv;
    } else if (original->command && !original->command->empty() &&
               !core::findAgent(agents(), original->agentType)) {
        start.argv = *original->command;
        if (original->cwd) start.cwd = *original->cwd;
        if (original->env) start.env = *original->env;
    } else {
        throw ServiceError(400, "Agent not enabled");
    }
    return sessions_.start(start);
}

}  // namespace parawork::workspace
