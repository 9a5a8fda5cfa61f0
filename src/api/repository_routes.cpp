#include "api/repository_routes.hpp"

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>

#include "api/body_fields.hpp"
#include "api/entity_json.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "git/ref_names.hpp"
#include "git/repository_info.hpp"
#include "store/repositories.hpp"
#include "store/workspaces.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

Response createRepository(Request& req, store::Database& db, const files::Roots& roots) {
    core::Repository repo;
    repo.name = requiredString(req.json, "name", 1, 255);
    auto path = requiredString(req.json, "path", 1, 4096);
    auto check =
        files::checkProjectPath(path, files::projectRoots(roots, req.transport == Transport::Unix));
    if (!check.ok()) return fail(check.status, "Invalid path: " + check.error);
    std::optional<git::RepositoryInfo> info;
    try {
        if (git::isRepository(check.resolved)) info = git::readRepository(check.resolved);
    } catch (const core::Error& e) {
        spdlog::info("repository {}: {}", check.resolved.string(), e.what());
    }
    if (!info) return fail(400, "Selected directory is not a git repository");
    // Stored resolved, so the same directory reached through a symlink is one repository.
    repo.path = check.resolved.string();
    if (store::findRepositoryByPath(db, repo.path)) return fail(409, "Repository already added");
    repo.id = core::newUuid();
    repo.defaultBranch = info->defaultBranch;
    repo.remoteUrl = info->originUrl;
    repo.createdAt = repo.updatedAt = core::nowMs();
    try {
        store::insertRepository(db, repo);
    } catch (const SQLite::Exception& e) {
        // Two registrations of one path at once: the UNIQUE constraint decides.
        if (store::findRepositoryByPath(db, repo.path))
            return fail(409, "Repository already added");
        throw;
    }
    return ok(toJson(repo), 201);
}

Response patchRepository(Request& req, store::Database& db) {
    store::RepositoryPatch patch;
    patch.name = optionalString(req.json, "name", 1, 255);
    patch.defaultBranch = optionalString(req.json, "defaultBranch", 1, git::kMaxRefNameLength);
    if (patch.defaultBranch) {
        if (auto problem = git::branchNameProblem(*patch.defaultBranch))
            return fail(400, "defaultBranch: " + *problem);
    }
    if (const auto* url = req.json.as_object().if_contains("remoteUrl")) {
        if (url->is_null())
            patch.remoteUrl.emplace(std::nullopt);
        else
            patch.remoteUrl.emplace(optionalString(req.json, "remoteUrl", 0, 4096));
    }
    auto repo = store::updateRepository(db, req.params["id"], patch);
    return repo ? ok(toJson(*repo)) : fail(404, "Repository not found");
}

/// Our extension: the local branches, for choosing a workspace's base.
Response listBranches(Request& req, store::Database& db) {
    auto repo = store::findRepository(db, req.params["id"]);
    if (!repo) return fail(404, "Repository not found");
    try {
        json::array names;
        for (auto& branch : git::listLocalBranches(repo->path)) names.emplace_back(branch);
        return ok(json::object{{"defaultBranch", repo->defaultBranch}, {"branches", names}});
    } catch (const core::Error& e) {
        return fail(409, std::string("Cannot read the repository: ") + e.what());
    }
}

}  // namespace

void addRepositoryRoutes(Router& router, store::Database& db, const files::Roots& roots) {
    router.add("GET", "/api/repositories",
               [&db](Request&) { return ok(toJsonArray(store::listRepositories(db))); });
    router.add("POST", "/api/repositories",
               [&db, &roots](Request& req) { return createRepository(req, db, roots); });
    router.add("GET", "/api/repositories/:id", [&db](Request& req) {
        auto repo = store::findRepository(db, req.params["id"]);
        return repo ? ok(toJson(*repo)) : fail(404, "Repository not found");
    });
    router.add("GET", "/api/repositories/:id/workspaces", [&db](Request& req) {
        if (!store::findRepository(db, req.params["id"])) return fail(404, "Repository not found");
        return ok(toJsonArray(store::listWorkspacesByRepository(db, req.params["id"])));
    });
    router.add("GET", "/api/repositories/:id/branches",
               [&db](Request& req) { return listBranches(req, db); });
    router.add("PATCH", "/api/repositories/:id",
               [&db](Request& req) { return patchRepository(req, db); });
    // As the original: the workspaces stay (repositoryId becomes null) and so do their worktrees.
    router.add("DELETE", "/api/repositories/:id", [&db](Request& req) {
        if (!store::deleteRepository(db, req.params["id"]))
            return fail(404, "Repository not found");
        Response res;
        res.body = R"({"success":true})";
        return res;
    });
}

}  // namespace parawork::api
