// Queries of the workspaces table (protocol §4.3, §13): focus units, each a git worktree or a
// plain directory, with their worktree metadata.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/entities.hpp"
#include "store/database.hpp"

namespace SQLite {
class Database;
}

namespace parawork::store {

/// Inserts `workspace` as given (the caller sets id, status and timestamps). Throws
/// SQLite::Exception on a constraint failure, e.g. a repositoryId that does not exist.
void insertWorkspace(Database& db, const core::Workspace& workspace);

std::optional<core::Workspace> findWorkspace(Database& db, const std::string& id);

/// All workspaces, oldest first: created_at ascending, then id (§4.3).
std::vector<core::Workspace> listWorkspaces(Database& db);

/// The archived workspaces (`archived`) or the active ones, in the same order.
std::vector<core::Workspace> listWorkspaces(Database& db, bool archived);

/// Marks the workspace archived at `archivedAt`, or active again (nullopt). False: no such
/// workspace.
bool setWorkspaceArchivedAt(Database& db, const std::string& id,
                            std::optional<std::int64_t> archivedAt,
                            std::int64_t now = core::nowMs());

/// The repository's workspaces, in the same order as listWorkspaces.
std::vector<core::Workspace> listWorkspacesByRepository(Database& db,
                                                        const std::string& repositoryId);

/// The fields that may change after creation; an empty optional leaves the field alone.
struct WorkspacePatch {
    std::optional<std::string> name;
    std::optional<core::WorkspaceStatus> status;
    /// Outer empty: unchanged; inner empty: set to null. Likewise lastFocusedAt.
    std::optional<std::optional<std::string>> agentType;
    std::optional<std::optional<std::int64_t>> lastFocusedAt;
    std::optional<bool> notificationsMuted;
};

/// Applies `patch` and returns the workspace as it now is, or nullopt when there is none with
/// this id. updated_at becomes `now` only when some field really changed (§13).
std::optional<core::Workspace> updateWorkspace(Database& db, const std::string& id,
                                               const WorkspacePatch& patch,
                                               std::int64_t now = core::nowMs());

/// The same on a connection the caller has locked (inside Database::withLock), for use within
/// the caller's transaction.
std::optional<core::Workspace> updateWorkspace(SQLite::Database& sql, const std::string& id,
                                               const WorkspacePatch& patch, std::int64_t now);

/// Deletes the workspace; its sessions, and through them their messages, agent logs and file
/// changes, go with it (ON DELETE CASCADE). Returns false when there was no such workspace.
bool deleteWorkspace(Database& db, const std::string& id);

}  // namespace parawork::store
