// The JSON forms of the monitor's figures: the `resource_sample` and `limit_warning` events and
// GET /api/sessions/:id/resources (docs/api.md, "Resources").
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "monitor/resource_monitor.hpp"

namespace parawork::monitor {

boost::json::object toJson(const ResourceSample& sample);
/// Limits as set (null when unset) and how each is held ("cgroup" or "watchdog").
boost::json::object limitsJson(const SessionResources& resources);
/// {sessionId, workspaceId, mechanism, running, current, peaks, limits, limitReason} and, when
/// `withRecent`, the ring of recent samples.
boost::json::object toJson(const SessionResources& resources, bool withRecent);

/// GET /api/resources: {mechanism, sessions: [toJson(..., false)]}.
boost::json::object overviewJson(ResourceMonitor& monitor);

std::string sampleEvent(const SessionResources& resources, const ResourceSample& sample);
std::string limitWarningEvent(const SessionResources& resources, const std::string& limit,
                              double used, double max);

}  // namespace parawork::monitor
