// The monitor's part of GET /metrics: the sampling mechanism and, per followed running
// session, its latest figures and limits as gauges labelled by session and workspace.
#pragma once

#include "core/prometheus_text.hpp"
#include "monitor/resource_monitor.hpp"

namespace parawork::monitor {

void writeMetrics(ResourceMonitor& monitor, core::PrometheusText& out);

}  // namespace parawork::monitor
