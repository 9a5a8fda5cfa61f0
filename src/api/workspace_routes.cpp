#include "api/workspace_routes.hpp"

#include <memory>
#include <mutex>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/body_fields.hpp"
#include "api/entity_json.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "deps/setup_plan.hpp"
#include "deps/setup_state.hpp"
#include "git/ref_names.hpp"
#include "git/repository_info.hpp"
#include "git/worktrees.hpp"
#include "project/project_config.hpp"
#include "store/repositories.hpp"
#include "store/workspaces.hpp"

namespace parawork::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

/// The workspace as GET /api/workspaces/:id shows it: the protocol's fields plus our
/// `projectConfig` (the parsed parawork.toml it was made with, or null) and `setup` (its latest
/// setup session's state, or null).
json::value detailJson(const core::Workspace& ws, store::Database& db) {
    json::value out = toJson(ws);
    json::value config = nullptr;
    if (ws.projectConfigJson) {
        boost::system::error_code ec;
        config = json::parse(*ws.projectConfigJson, ec);
        if (ec) config = nullptr;
    }
    out.as_object()["projectConfig"] = std::move(config);
    out.as_object()["setup"] = deps::toJson(deps::latestSetup(db, ws.id));
    return out;
}

/// Reads parawork.toml from `dir`; a broken file is the client's 400, with its line and column.
std::optional<std::string> projectConfigJson(const fs::path& dir) {
    auto config = project::readProjectConfig(dir);
    if (!config) return std::nullopt;
    return json::serialize(project::toJson(*config));
}

struct CreateRequest {
    std::string name;
    std::string path;
    std::optional<std::string> agentType;
    std::optional<std::string> repositoryId;
    std::optional<std::string> baseBranch;  ///< our extension: the worktree's start point
    std::optional<bool> worktree;           ///< our extension: false asks for a plain directory
    std::optional<bool> autoInstallDependencies;  ///< our extension: overrides deps.auto_install
};

CreateRequest readCreateRequest(const json::value& body) {
    CreateRequest r;
    r.name = requiredString(body, "name", 1, 255);
    r.path = requiredString(body, "path", 1, 4096);
    r.agentType = optionalString(body, "agentType", 1, 64);
    r.repositoryId = optionalString(body, "repositoryId", 1, 64);
    r.baseBranch = optionalString(body, "baseBranch", 1, git::kMaxRefNameLength);
    r.worktree = optionalBool(body, "worktree");
    r.autoInstallDependencies = optionalBool(body, "autoInstallDependencies");
    if (r.name.find_first_of(std::string_view("\0\r\n", 3)) != std::string::npos)
        throw BadRequest("name: must not contain control characters");
    return r;
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

/// A repository's workspaces have distinct names, so that `-w NAME` and `ws rm NAME` name one.
/// The name is held from the check until the workspace is recorded (a worktree is made in
/// between): of two requests for one name at once, one gets the workspace and one a 409.
class NameReservation {
  public:
    /// Takes `name` in the repository, or answers the refusal when it is taken.
    static std::optional<Response> take(store::Database& db, const std::string& repositoryId,
                                        const std::string& name,
                                        std::optional<NameReservation>& out) {
        std::lock_guard lock(mutex());
        bool taken = held().count({repositoryId, name}) > 0;
        for (const auto& other : store::listWorkspacesByRepository(db, repositoryId))
            taken = taken || other.name == name;
        if (taken)
            return fail(409, "A workspace named \"" + name +
                                 "\" already exists in this repository: choose another name, "
                                 "or remove that one first");
        held().insert({repositoryId, name});
        out.emplace(NameReservation({repositoryId, name}));
        return std::nullopt;
    }
    NameReservation(NameReservation&& other) noexcept : key_(std::move(other.key_)) {
        other.key_.reset();
    }
    NameReservation& operator=(NameReservation&&) = delete;
    ~NameReservation() {
        if (!key_) return;
        std::lock_guard lock(mutex());
        held().erase(*key_);
    }

  private:
    using Key = std::pair<std::string, std::string>;
    explicit NameReservation(Key key) : key_(std::move(key)) {}
    static std::mutex& mutex() {
        static std::mutex m;
        return m;
    }
    static std::set<Key>& held() {
        static std::set<Key> names;
        return names;
    }
    std::optional<Key> key_;
};

/// Starts a new worktree's setup session (issue 9): parawork.toml's [setup] script, or the
/// detected install commands when automatic installs are on. The request does not wait for it;
/// an agent start does (session_routes). A plain directory is the user's own checkout: nothing
/// runs there by itself.
void startSetup(const core::Workspace& ws, bool autoInstall, session::SessionService& sessions,
                const WorkspaceOptions& options) {
    if (!ws.gitWorktree) return;
    try {  // the workspace exists by now: a setup that cannot start is reported, not a 500
        std::optional<project::ProjectConfig> config;
        if (ws.projectConfigJson)
            config = project::projectConfigFromJson(json::parse(*ws.projectConfigJson));
        auto plan = deps::planSetup(config, autoInstall && options.dependencies,
                                    [&] { return options.dependencies->detect(ws.path); });
        if (!plan) return;
        auto setup = sessions.start(deps::setupStartRequest(ws.id, *plan));
        spdlog::info("workspace {}: setup session {} ({})", ws.id, setup.id, plan->source);
    } catch (const std::exception& e) {
        spdlog::error("workspace {}: cannot start its setup: {}", ws.id, e.what());
    }
}

Response createWorkspace(Request& req, store::Database& db, session::SessionService& sessions,
                         const WorkspaceOptions& options) {
    CreateRequest r = readCreateRequest(req.json);
    if (r.agentType && options.agents && !core::findAgent(*options.agents, *r.agentType))
        return fail(400, "agentType: not a configured agent: " + *r.agentType);
    if (r.baseBranch) {
        if (auto problem = git::baseRefProblem(*r.baseBranch))
            return fail(400, "baseBranch: " + *problem);
    }
    auto check = files::checkProjectPath(
        r.path, files::projectRoots(options.roots, req.transport == Transport::Unix));
    if (!check.ok()) return fail(check.status, "Invalid path: " + check.error);

    // The repository to branch from: the registered one, else the git repository at the path.
    std::optional<fs::path> repoPath;
    if (r.repositoryId) {
        auto repo = store::findRepository(db, *r.repositoryId);
        if (!repo) return fail(404, "Repository not found");
        repoPath = repo->path;
    } else if (git::isRepository(check.resolved)) {
        repoPath = check.resolved;
    }
    bool makeWorktree = repoPath && r.worktree.value_or(true);
    if (r.worktree.value_or(false) && !repoPath)
        return fail(400, "Selected directory is not a git repository");
    if (!r.repositoryId) r.repositoryId = registeredRepositoryAt(db, check.resolved);
    std::optional<NameReservation> reservedName;
    if (r.repositoryId)
        if (auto refused = NameReservation::take(db, *r.repositoryId, r.name, reservedName))
            return *refused;

    core::Workspace ws;
    ws.id = core::newUuid();
    ws.name = r.name;
    ws.agentType = r.agentType;
    ws.repositoryId = r.repositoryId;
    ws.createdAt = ws.updatedAt = core::nowMs();
    ws.lastFocusedAt = ws.createdAt;
    std::optional<git::Worktree> made;
    fs::path repoRoot;
    try {
        if (makeWorktree) {
            repoRoot = git::readRepository(*repoPath).root;
            auto config = project::readProjectConfig(repoRoot);
            if (config) ws.projectConfigJson = json::serialize(project::toJson(*config));
            git::WorktreeSpec spec;
            spec.repoRoot = repoRoot;
            spec.worktreeBase = options.worktreeBase;
            spec.slug = git::slugify(r.name);
            spec.baseRef = r.baseBranch.value_or("");
            spec.branchPrefix = options.branchPrefix;
            if (config) spec.copyFiles = config->copy;
            made = git::createWorktree(spec);
            ws.path = made->path.string();
            ws.gitWorktree = core::GitWorktree{made->path.string(), made->branch, repoRoot.string(),
                                               made->baseRef, ws.createdAt};
        } else {
            ws.path = check.resolved.string();
            ws.projectConfigJson = projectConfigJson(check.resolved);
        }
    } catch (const core::Error& e) {
        return fail(400, std::string("Cannot create the workspace: ") + e.what());
    }
    try {
        store::insertWorkspace(db, ws);
    } catch (const std::exception& e) {
        spdlog::error("workspace {}: cannot record it: {}", ws.id, e.what());
        if (made) {  // leave nothing behind: no orphan worktree or branch
            try {
                git::removeWorktree(repoRoot, made->path, made->branch, true);
            } catch (const std::exception& cleanup) {
                spdlog::error("workspace {}: cannot remove its worktree: {}", ws.id,
                              cleanup.what());
            }
        }
        return fail(500, "Failed to create workspace");
    }
    if (made)
        spdlog::info("workspace {} \"{}\": worktree {} on {} from {}", ws.id, ws.name,
                     made->path.string(), made->branch, made->baseRef);
    startSetup(ws, r.autoInstallDependencies.value_or(options.autoInstallDependencies), sessions,
               options);
    return ok(detailJson(ws, db), 201);
}

Response patchWorkspace(Request& req, store::Database& db) {
    store::WorkspacePatch patch;
    patch.name = optionalString(req.json, "name", 1, 255);
    if (auto status = optionalString(req.json, "status")) {
        patch.status = core::parseWorkspaceStatus(*status);
        if (!patch.status) return fail(400, "status: expected idle, running, completed or error");
    }
    if (auto* v = req.json.as_object().if_contains("lastFocusedAt")) {
        if (!v->is_number()) return fail(400, "lastFocusedAt: expected a number");
        patch.lastFocusedAt = static_cast<std::int64_t>(v->to_number<double>());
    }
    auto ws = store::updateWorkspace(db, req.params["id"], patch);
    return ws ? ok(toJson(*ws)) : fail(404, "Workspace not found");
}

/// Unlike the original: the workspace's sessions and terminal are stopped (and waited for)
/// before its worktree goes, and a worktree that cannot be removed keeps the workspace.
Response deleteWorkspace(Request& req, store::Database& db, session::SessionService& sessions,
                         const WorkspaceOptions& options) {
    auto ws = store::findWorkspace(db, req.params["id"]);
    if (!ws) return fail(404, "Workspace not found");
    auto left =
        sessions.stopWorkspace(ws->id, sessions.stopGrace() + std::chrono::milliseconds(3000));
    if (!left.empty())
        spdlog::warn("workspace {}: {} session(s) still ending while it is deleted", ws->id,
                     left.size());
    if (ws->gitWorktree) {
        const auto& g = *ws->gitWorktree;
        try {
            git::removeWorktree(g.baseRepoPath, g.worktreePath, g.branchName,
                                options.deleteBranchOnRemove);
        } catch (const core::Error& e) {
            return fail(409, std::string("Cannot remove the worktree (the workspace was kept): ") +
                                 e.what());
        }
    }
    store::deleteWorkspace(db, ws->id);
    // After its sessions' last events (stopWorkspace waited for them): a client that hears this
    // hears nothing more of the workspace.
    if (options.publish)
        options.publish(
            ws->id,
            json::serialize(json::object{
                {"type", "workspace_deleted"},
                {"data", json::object{{"workspaceId", ws->id}, {"timestamp", core::nowMs()}}}}));
    Response res;
    res.body = R"({"success":true})";
    return res;
}

/// GET /api/workspaces, the UI's most frequent question: the serialized answer is kept until
/// any row of the database changes (a workspace list is rebuilt ~never between two polls).
Response workspaceList(store::Database& db) {
    static std::mutex mutex;
    static std::optional<std::int64_t> cachedAt;
    static std::shared_ptr<const std::string> cached;
    auto generation = db.changeCount();  // read first: a later write makes the next call rebuild
    std::shared_ptr<const std::string> body;
    {
        std::lock_guard lock(mutex);
        if (cachedAt == generation) body = cached;
    }
    if (!body) {
        body = std::make_shared<const std::string>(json::serialize(
            json::object{{"success", true}, {"data", toJsonArray(store::listWorkspaces(db))}}));
        std::lock_guard lock(mutex);
        cachedAt = generation;
        cached = body;
    }
    Response res;
    res.body = *body;
    return res;
}

}  // namespace

void addWorkspaceRoutes(Router& router, store::Database& db, session::SessionService& sessions,
                        const WorkspaceOptions& options) {
    router.add("GET", "/api/workspaces", [&db](Request&) { return workspaceList(db); });
    router.add("POST", "/api/workspaces", [&db, &sessions, &options](Request& req) {
        return createWorkspace(req, db, sessions, options);
    });
    router.add("GET", "/api/workspaces/:id", [&db](Request& req) {
        auto ws = store::findWorkspace(db, req.params["id"]);
        return ws ? ok(detailJson(*ws, db)) : fail(404, "Workspace not found");
    });
    router.add("PATCH", "/api/workspaces/:id",
               [&db](Request& req) { return patchWorkspace(req, db); });
    router.add("DELETE", "/api/workspaces/:id", [&db, &sessions, &options](Request& req) {
        return deleteWorkspace(req, db, sessions, options);
    });
}

}  // namespace parawork::api
