// The one lookup of a workspace for an operation, with what that operation needs of it (its
// directory, a git repository, a branch of its own, not archived): every service and route that
// acts on a workspace asks here, so that each refusal has one status and one message.
#pragma once

#include <string>

#include "core/entities.hpp"

namespace parawork::store {
class Database;
}

namespace parawork::workspace {

/// What an operation needs of a workspace beyond its record. Checked in this order, after the
/// record itself (404 "Workspace not found").
struct WorkspaceNeeds {
    bool notArchived = false;  ///< 409 "Workspace is archived: unarchive it first"
    bool ownBranch = false;    ///< 400 "Workspace has no branch of its own (it is not a worktree)"
    bool directory = false;    ///< 400 "Workspace directory does not exist"
    bool repository = false;   ///< 400 "Workspace is not a git repository" (and the directory)
};

/// The workspace, or a core::ServiceError saying which need it does not meet.
core::Workspace requireWorkspace(store::Database& db, const std::string& workspaceId,
                                 WorkspaceNeeds needs = {});

}  // namespace parawork::workspace
