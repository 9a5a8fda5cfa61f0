// The one lookup of a workspace for an operation (see workspace_lookup.hpp).
#include "workspace/workspace_lookup.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "git/repository_info.hpp"
#include "store/workspaces.hpp"

namespace parawork::workspace {

core::Workspace requireWorkspace(store::Database& db, const std::string& workspaceId,
                                 WorkspaceNeeds needs) {
    auto workspace = store::findWorkspace(db, workspaceId);
    if (!workspace) throw core::ServiceError(404, "Workspace not found");
    if (needs.notArchived && workspace->archivedAt)
        throw core::ServiceError(409, "Workspace is archived: unarchive it first");
    if (needs.ownBranch && !workspace->gitWorktree)
        throw core::ServiceError(400, "Workspace has no branch of its own (it is not a worktree)");
    if (needs.directory || needs.repository) {
        std::error_code ec;
        if (!std::filesystem::is_directory(workspace->path, ec))
            throw core::ServiceError(400, "Workspace directory does not exist");
    }
    if (needs.repository && !git::isRepository(workspace->path))
        throw core::ServiceError(400, "Workspace is not a git repository");
    return std::move(*workspace);
}

}  // namespace parawork::workspace
