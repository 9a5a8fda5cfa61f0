// GET /metrics (issue 8): the Prometheus text exposition of the daemon's figures (sessions by
// status, HTTP requests and their latency) and what other rooms add (per-session resources),
// behind the same token as the API (security.cpp).
#pragma once

#include <functional>

#include "api/request_stats.hpp"
#include "api/router.hpp"
#include "core/prometheus_text.hpp"
#include "store/database.hpp"

namespace parawork::api {

void addMetricsRoutes(Router& router, store::Database& db, const RequestStats& requests,
                      std::function<void(core::PrometheusText&)> more);

}  // namespace parawork::api
