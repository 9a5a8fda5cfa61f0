#include "api/workspace_routes.hpp"

#include <memory>
#include <mutex>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/body_fields.hpp"
#include "api/entity_json.hpp"
#include "api/service_answer.hpp"
#include "git/ref_names.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

/// The workspace as GET /api/workspaces/:id shows it: the protocol's fields plus our
/// `projectConfig` (the parsed parawork.toml it was made with, or null) and `setup` (its latest
/// setup session's state, or null).
json::value detailJson(const workspace::WorkspaceDetail& detail) {
    const auto& ws = detail.workspace;
    json::value out = toJson(ws);
    json::value config = nullptr;
    if (ws.projectConfigJson) {
        boost::system::error_code ec;
        config = json::parse(*ws.projectConfigJson, ec);
        if (ec) config = nullptr;
    }
    out.as_object()["projectConfig"] = std::move(config);
    out.as_object()["setup"] = deps::toJson(detail.setup);
    return out;
}

workspace::CreateRequest readCreateRequest(const Request& req) {
    const auto& body = req.json;
    workspace::CreateRequest r;
    r.name = requiredString(body, "name", 1, 255);
    r.path = requiredString(body, "path", 1, 4096);
    r.agentType = optionalString(body, "agentType", 1, 64);
    r.repositoryId = optionalString(body, "repositoryId", 1, 64);
    r.baseBranch = optionalString(body, "baseBranch", 1, git::kMaxRefNameLength);
    r.worktree = optionalBool(body, "worktree");
    r.autoInstallDependencies = optionalBool(body, "autoInstallDependencies");
    r.fromOwnersSocket = req.transport == Transport::Unix;
    return r;
}

Response patchWorkspace(Request& req, workspace::WorkspaceService& workspaces) {
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
    if (auto* v = req.json.as_object().if_contains("notificationsMuted")) {
        if (!v->is_bool()) return fail(400, "notificationsMuted: expected true or false");
        patch.notificationsMuted = v->as_bool();
    }
    auto ws = workspaces.update(req.params["id"], patch);
    return ws ? ok(toJson(*ws)) : fail(404, "Workspace not found");
}

/// GET /api/workspaces, the UI's most frequent question: the serialized answer is kept until
/// any row of the database changes (a workspace list is rebuilt ~never between two polls).
Response workspaceList(workspace::WorkspaceService& workspaces) {
    static std::mutex mutex;
    static std::optional<std::int64_t> cachedAt;
    static std::shared_ptr<const std::string> cached;
    auto generation = workspaces.changeCount();  // first: a later write makes the next rebuild
    std::shared_ptr<const std::string> body;
    {
        std::lock_guard lock(mutex);
        if (cachedAt == generation) body = cached;
    }
    if (!body) {
        body = std::make_shared<const std::string>(json::serialize(
            json::object{{"success", true}, {"data", toJsonArray(workspaces.list())}}));
        std::lock_guard lock(mutex);
        cachedAt = generation;
        cached = body;
    }
    Response res;
    res.body = *body;
    return res;
}

}  // namespace

void addWorkspaceRoutes(Router& router, workspace::WorkspaceService& workspaces) {
    router.add("GET", "/api/workspaces", [&workspaces](Request& req) {
        // Archived workspaces only when asked for (issue 20): the original UI never sees them.
        if (req.queryParam("archived") == "1") return ok(toJsonArray(workspaces.list(true)));
        return workspaceList(workspaces);
    });
    router.add("POST", "/api/workspaces", [&workspaces](Request& req) {
        auto request = readCreateRequest(req);
        return answering([&] { return ok(detailJson(workspaces.create(request)), 201); });
    });
    router.add("GET", "/api/workspaces/:id", [&workspaces](Request& req) {
        auto detail = workspaces.detail(req.params["id"]);
        return detail ? ok(detailJson(*detail)) : fail(404, "Workspace not found");
    });
    router.add("PATCH", "/api/workspaces/:id",
               [&workspaces](Request& req) { return patchWorkspace(req, workspaces); });
    router.add("DELETE", "/api/workspaces/:id", [&workspaces](Request& req) {
        return answering([&] {
            workspaces.remove(req.params["id"]);
            Response res;
            res.body = R"({"success":true})";
            return res;
        });
    });
}

}  // namespace parawork::api
