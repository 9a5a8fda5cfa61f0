#include "api/metrics_routes.hpp"

#include <map>
#include <string>

#include <SQLiteCpp/Statement.h>

#include "api/security.hpp"

namespace parawork::api {
namespace {

/// Sessions per status; every status appears, zero when none has it.
std::map<std::string, std::int64_t> sessionsByStatus(store::Database& db) {
    std::map<std::string, std::int64_t> counts{
        {"starting", 0}, {"running", 0}, {"completed", 0}, {"failed", 0}};
    db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(sql, "SELECT status, COUNT(*) FROM sessions GROUP BY status");
        while (query.executeStep())
            counts[query.getColumn(0).getString()] = query.getColumn(1).getInt64();
    });
    return counts;
}

/// Live (starting or running) sessions per activity state; every live state appears, zero when
/// none has it. Its own family, not a `state` label on parawork_sessions: a sum over that family
/// would count each session twice.
std::map<std::string, std::int64_t> liveSessionsByState(store::Database& db) {
    std::map<std::string, std::int64_t> counts{
        {"starting", 0}, {"working", 0}, {"waiting", 0}, {"idle", 0}};
    db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(
            sql,
            "SELECT COALESCE(activity_state, 'starting'), COUNT(*) FROM sessions "
            "WHERE status IN ('starting', 'running') GROUP BY 1");
        while (query.executeStep())
            counts[query.getColumn(0).getString()] = query.getColumn(1).getInt64();
    });
    return counts;
}

}  // namespace

void addMetricsRoutes(Router& router, store::Database& db, const RequestStats& requests,
                      std::function<void(core::PrometheusText&)> more) {
    router.add("GET", std::string(kMetricsPath), [&db, &requests, more](Request&) {
        core::PrometheusText out;
        out.family("parawork_sessions", "gauge", "Sessions recorded, by status.");
        for (const auto& [status, count] : sessionsByStatus(db))
            out.sample("parawork_sessions", {{"status", status}}, static_cast<double>(count));
        out.family("parawork_session_states", "gauge",
                   "Live sessions by what their agent does (working, waiting, idle, starting).");
        for (const auto& [state, count] : liveSessionsByState(db))
            out.sample("parawork_session_states", {{"state", state}}, static_cast<double>(count));
        requests.write(out);
        if (more) more(out);
        Response res = text(200, out.text());
        res.contentType = std::string(core::kPrometheusContentType);
        return res;
    });
}

}  // namespace parawork::api
