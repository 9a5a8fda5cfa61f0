// Registers the routes that show the resource monitor (src/monitor) through the API room's
// resource and metrics routes, which know the monitor only by these views.
#pragma once

#include "api/request_stats.hpp"
#include "api/router.hpp"
#include "monitor/resource_monitor.hpp"
#include "store/database.hpp"

namespace parawork::daemon {

/// GET /api/sessions/:id/resources, GET /api/resources and GET /metrics.
void addMonitorRoutes(api::Router& router, store::Database& db,
                      const api::RequestStats& requestStats, monitor::ResourceMonitor& monitor);

}  // namespace parawork::daemon
