// Resources of sessions (issue 8): GET /api/sessions/:id/resources (current sample, recent
// ones, peaks, limits, the sampling mechanism and the startup figures) and GET /api/resources
// (every followed session, for `parawork top`). The monitor lives in src/monitor; the daemon
// hands its JSON views in, so that this room does not depend on it.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "api/router.hpp"
#include "store/database.hpp"

namespace parawork::api {

struct ResourceViews {
    /// One session as the monitor follows it (nullopt: not followed). `measurePss`: read PSS now.
    std::function<std::optional<boost::json::object>(const std::string& sessionId, bool measurePss)>
        session;
    /// {mechanism, sessions: [...]} without the rings of recent samples.
    std::function<boost::json::object()> overview;
};

void addResourceRoutes(Router& router, store::Database& db, ResourceViews views);

}  // namespace parawork::api
