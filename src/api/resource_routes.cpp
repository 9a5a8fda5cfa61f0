#include "api/resource_routes.hpp"

#include "store/sessions.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

json::value sinceStart(const core::Session& s, const std::optional<std::int64_t>& at) {
    if (!at || !s.startedAt) return nullptr;
    return *at - *s.startedAt;
}

/// What the session's row says: the startup figures (ms after startedAt) and, for a session
/// the monitor no longer follows, its recorded peaks.
json::object fromRow(const core::Session& s, std::optional<json::object> followed) {
    json::object out;
    if (followed) {
        out = std::move(*followed);
    } else {
        bool limited = s.exitReason && s.exitReason->starts_with("limit:");
        out = json::object{{"sessionId", s.id},
                           {"workspaceId", s.workspaceId},
                           {"mechanism", nullptr},
                           {"running", false},
                           {"current", nullptr},
                           {"recent", json::array()},
                           {"peakMemoryMb", s.peakMemoryMb.value_or(0)},
                           {"peakCpuPercent", s.peakCpuPercent.value_or(0)},
                           {"lastPssBytes", nullptr},
                           {"limits", nullptr},
                           {"limitReason", limited ? json::value(*s.exitReason) : nullptr}};
    }
    json::object startup{{"startedAt", s.startedAt ? json::value(*s.startedAt) : nullptr},
                         {"spawnMs", out.contains("spawnMs") ? out["spawnMs"] : nullptr},
                         {"firstOutputMs", sinceStart(s, s.firstOutputAt)},
                         {"readyMs", sinceStart(s, s.readyAt)}};
    out.erase("spawnMs");
    out["startup"] = std::move(startup);
    out["status"] = core::toString(s.status);
    return out;
}

}  // namespace

void addResourceRoutes(Router& router, store::Database& db, ResourceViews views) {
    router.add("GET", "/api/sessions/:id/resources", [&db, views](Request& req) {
        auto session = store::findSession(db, req.params["id"]);
        if (!session) return fail(404, "Session not found");
        auto pss = req.queryParam("pss");
        bool measurePss = pss && (*pss == "1" || *pss == "true");
        if (pss && !measurePss && *pss != "0" && *pss != "false")
            return fail(400, "pss: expected 1, true, 0 or false");
        return ok(fromRow(*session, views.session(session->id, measurePss)));
    });
    router.add("GET", "/api/resources", [views](Request&) { return ok(views.overview()); });
}

}  // namespace parawork::api
