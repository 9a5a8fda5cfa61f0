#include "workspace/project_defaults.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>

#include "store/workspaces.hpp"

namespace parawork::workspace {

std::optional<project::ProjectConfig> storedProjectConfig(store::Database& db,
                                                          const std::string& workspaceId) {
    auto workspace = store::findWorkspace(db, workspaceId);
    if (!workspace || !workspace->projectConfigJson) return std::nullopt;
    try {
        return project::projectConfigFromJson(boost::json::parse(*workspace->projectConfigJson));
    } catch (const std::exception& e) {
        spdlog::warn("workspace {}: stored project config ignored: {}", workspaceId, e.what());
        return std::nullopt;
    }
}

}  // namespace parawork::workspace
