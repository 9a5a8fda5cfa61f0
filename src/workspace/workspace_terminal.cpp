// WorkspaceService's user terminal: one login shell per workspace (§4.5).
#include <string_view>

#include "core/error.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "workspace/workspace_service.hpp"

namespace parawork::workspace {

std::optional<core::Session> WorkspaceService::activeTerminal(const std::string& workspaceId) {
    for (auto& s : store::listActiveSessionsInWorkspace(db_, workspaceId))
        if (s.kind == core::SessionKind::Terminal) return std::move(s);
    return std::nullopt;
}

OpenedTerminal WorkspaceService::openTerminal(const session::StartRequest& start) {
    if (!store::findWorkspace(db_, start.workspaceId))
        throw core::ServiceError(404, "Workspace not found");
    if (auto existing = activeTerminal(start.workspaceId)) return {existing->id, true};
    try {
        return {sessions_.start(start).id, false};
    } catch (const core::ServiceError& e) {
        // Another request started one meanwhile: the store admits one per workspace.
        if (auto existing = activeTerminal(start.workspaceId)) return {existing->id, true};
        if (e.status != 500) throw;
        std::string_view why = e.what();
        auto colon = why.find(": ");
        if (colon != std::string_view::npos) why.remove_prefix(colon + 2);
        throw core::ServiceError(500, "Failed to start terminal: " + std::string(why));
    }
}

bool WorkspaceService::closeTerminal(const std::string& workspaceId) {
    auto terminal = activeTerminal(workspaceId);
    if (!terminal) return false;
    // SIGTERM and SIGHUP now, SIGKILL after the grace; it stays active until it has exited.
    sessions_.stop(terminal->id);
    return true;
}

}  // namespace parawork::workspace
