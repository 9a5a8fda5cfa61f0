#include "daemon/monitor_routes.hpp"

#include "api/metrics_routes.hpp"
#include "api/resource_routes.hpp"
#include "monitor/resource_json.hpp"
#include "monitor/resource_metrics.hpp"

namespace parawork::daemon {

void addMonitorRoutes(api::Router& router, store::Database& db,
                      const api::RequestStats& requestStats, monitor::ResourceMonitor& monitor) {
    api::ResourceViews views;
    views.session = [&monitor](const std::string& id,
                               bool measurePss) -> std::optional<boost::json::object> {
        auto resources = monitor.resources(id, measurePss);
        if (!resources) return std::nullopt;
        return monitor::toJson(*resources, true);
    };
    views.overview = [&monitor] { return monitor::overviewJson(monitor); };
    api::addResourceRoutes(router, db, std::move(views));
    api::addMetricsRoutes(router, db, requestStats, [&monitor](core::PrometheusText& out) {
        monitor::writeMetrics(monitor, out);
    });
}

}  // namespace parawork::daemon
