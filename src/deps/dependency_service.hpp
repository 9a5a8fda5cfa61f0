// The daemon's dependency scanner (DESIGN §3): answers GET /api/workspaces/:id/dependencies,
// keeps the last report of each workspace, and publishes `dependency_status` to the
// workspace's subscribers whenever a report differs from the one before (a setup that ended,
// an install done by hand and noticed by the next GET). Blocking: call it from the worker pool.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <boost/json/object.hpp>

#include "core/entities.hpp"
#include "deps/dependency_detector.hpp"
#include "store/database.hpp"

namespace parawork::deps {

class DependencyService {
  public:
    /// Receives (workspaceId, event JSON); must be thread-safe.
    using Publish = std::function<void(const std::string& workspaceId, std::string eventJson)>;

    DependencyService(store::Database& db, DetectOptions options, Publish publish);

    /// The report of `workspace` as the API answers it: {workspaceId, status, projects, tools,
    /// truncated, setup}. Publishes dependency_status when it changed.
    boost::json::object report(const core::Workspace& workspace);
    /// Detection only (no setup state, nothing published): what a setup would install.
    DependencyReport detect(const std::string& directory);
    /// A session ended: when it was a setup, its workspace's report is refreshed (and
    /// published: the setup's state changed).
    void sessionEnded(const core::Session& session);

  private:
    store::Database& db_;
    DetectOptions options_;
    Publish publish_;
    ToolVersions tools_;
    std::mutex mutex_;
    std::map<std::string, std::string> lastReports_;  ///< workspace id -> serialized report
};

}  // namespace parawork::deps
