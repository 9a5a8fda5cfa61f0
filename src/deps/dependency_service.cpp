#include "deps/dependency_service.hpp"

#include <boost/json/serialize.hpp>

#include "deps/setup_state.hpp"
#include "store/workspaces.hpp"

namespace parawork::deps {

namespace json = boost::json;

DependencyService::DependencyService(store::Database& db, DetectOptions options, Publish publish)
    : db_(db), options_(std::move(options)), publish_(std::move(publish)) {}

DependencyReport DependencyService::detect(const std::string& directory) {
    return detectDependencies(directory, options_, tools_);
}

json::object DependencyService::report(const core::Workspace& workspace) {
    json::object out{{"workspaceId", workspace.id}};
    json::value detected = toJson(detect(workspace.path));
    for (const auto& [key, value] : detected.as_object()) out[key] = value;
    out["setup"] = toJson(latestSetup(db_, workspace.id));
    std::string serialized = json::serialize(out);
    bool changed = false;
    {
        std::lock_guard lock(mutex_);
        auto& last = lastReports_[workspace.id];
        changed = last != serialized;
        last = serialized;
    }
    if (changed && publish_)
        publish_(workspace.id,
                 json::serialize(json::object{{"type", "dependency_status"}, {"data", out}}));
    return out;
}

void DependencyService::sessionEnded(const core::Session& session) {
    if (session.kind != core::SessionKind::Setup) return;
    if (auto workspace = store::findWorkspace(db_, session.workspaceId)) report(*workspace);
}

}  // namespace parawork::deps
