#include "daemon/monitor_routes.hpp"

#include "api/metrics_routes.hpp"
#include "api/resource_routes.hpp"
#include "monitor/resource_json.hpp"
#include "monitor/resource_metrics.hpp"

namespace parawork::daemon {

void addMonitorRoutes(api::Router& router, store::Database& db,
                      const api::RequestStats& requestStats, monitor::ResourceMonitor& monitor,
                      const review::CheckpointService& checkpoints) {
    api::ResourceViews views;
    views.session = [&monitor](const std::string& id,
                               bool measurePss) -> std::optional<boost::json::object> {
        auto resources = monitor.resources(id, measurePss);
        if (!resources) return std::nullopt;
        return monitor::toJson(*resources, true);
    };
    views.overview = [&monitor] { return monitor::overviewJson(monitor); };
    api::addResourceRoutes(router, db, std::move(views));
    api::addMetricsRoutes(router, db, requestStats,
                          [&monitor, &checkpoints](core::PrometheusText& out) {
                              monitor::writeMetrics(monitor, out);
                              review::SnapshotCounts counts = checkpoints.snapshotCounts();
                              out.family("parawork_checkpoints_total", "counter",
                                         "Worktree snapshots taken (checkpoints), by what was "
                                         "read: every file, or the changed files only.");
                              out.sample("parawork_checkpoints_total", {{"read", "every_file"}},
                                         static_cast<double>(counts.everyFile));
                              out.sample("parawork_checkpoints_total", {{"read", "changed_files"}},
                                         static_cast<double>(counts.changedFiles));
                          });
}

}  // namespace parawork::daemon
