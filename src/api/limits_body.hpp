// A session's limits at start (issue 8): the workspace's parawork.toml [limits], under the
// run's own `limits: {memory: "2G", cpu: "150%", timeout: "2h", pids: 512}`.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "core/resource_limits.hpp"
#include "store/database.hpp"

namespace parawork::api {

/// The body's `limits` (absent or null: none). Throws BadRequest naming the field for an
/// unknown key, a wrong type or a value core/quantities does not accept.
core::ResourceLimits requestLimits(const boost::json::value& body);

/// The workspace's project limits overridden by the body's.
core::ResourceLimits sessionLimits(const boost::json::value& body, store::Database& db,
                                   const std::string& workspaceId);

}  // namespace parawork::api
