// Registers the routes that show the resource monitor (src/monitor), and the checkpoints'
// counts, through the API room's resource and metrics routes, which know them only by these
// views.
#pragma once

#include "api/request_stats.hpp"
#include "api/router.hpp"
#include "monitor/resource_monitor.hpp"
#include "review/checkpoint_service.hpp"
#include "store/database.hpp"

namespace parawork::daemon {

/// GET /api/sessions/:id/resources, GET /api/resources and GET /metrics.
void addMonitorRoutes(api::Router& router, store::Database& db,
                      const api::RequestStats& requestStats, monitor::ResourceMonitor& monitor,
                      const review::CheckpointService& checkpoints);

}  // namespace parawork::daemon
