#include "api/workspace_routes.hpp"

#include "api/body_fields.hpp"
#include "api/entity_json.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"

namespace parawork::api {
namespace {

Response createWorkspace(Request& req, store::Database& db) {
    core::Workspace ws;
    ws.name = requiredString(req.json, "name", 1, 255);
    auto path = requiredString(req.json, "path", 1, 4096);
    if (!std::filesystem::path(path).is_absolute())
        return fail(400, "Invalid path: must be absolute");
    std::error_code ec;
    auto real = std::filesystem::canonical(path, ec);
    if (ec || !std::filesystem::is_directory(real))
        return fail(400, "Invalid path: not an existing directory");
    ws.id = core::newUuid();
    ws.path = real.string();
    ws.agentType = optionalString(req.json, "agentType", 1, 64);
    ws.repositoryId = optionalString(req.json, "repositoryId", 1, 64);
    ws.createdAt = ws.updatedAt = core::nowMs();
    ws.lastFocusedAt = ws.createdAt;
    store::insertWorkspace(db, ws);
    return ok(toJson(ws), 201);
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

}  // namespace

void addWorkspaceRoutes(Router& router, store::Database& db, session::SessionService& sessions) {
    router.add("GET", "/api/workspaces",
               [&db](Request&) { return ok(toJsonArray(store::listWorkspaces(db))); });
    router.add("POST", "/api/workspaces", [&db](Request& req) { return createWorkspace(req, db); });
    router.add("GET", "/api/workspaces/:id", [&db](Request& req) {
        auto ws = store::findWorkspace(db, req.params["id"]);
        return ws ? ok(toJson(*ws)) : fail(404, "Workspace not found");
    });
    router.add("PATCH", "/api/workspaces/:id",
               [&db](Request& req) { return patchWorkspace(req, db); });
    // Unlike the original, deleting a workspace stops its agents first (DESIGN §6.1).
    router.add("DELETE", "/api/workspaces/:id", [&db, &sessions](Request& req) {
        auto ws = store::findWorkspace(db, req.params["id"]);
        if (!ws) return fail(404, "Workspace not found");
        for (const auto& s : store::listActiveSessionsInWorkspace(db, ws->id)) sessions.stop(s.id);
        store::deleteWorkspace(db, ws->id);
        Response res;
        res.body = R"({"success":true})";
        return res;
    });
}

}  // namespace parawork::api
