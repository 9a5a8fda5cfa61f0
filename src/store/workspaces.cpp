#include "store/workspaces.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "store/columns.hpp"

namespace parawork::store {
namespace {

constexpr const char* kSelect =
    "SELECT id, repository_id, name, path, status, agent_type, created_at, updated_at, "
    "last_focused_at, git_worktree_path, git_branch_name, git_base_repo_path, git_base_branch, "
    "git_created_at, project_config_json, notifications_muted, pull_request, archived_at FROM "
    "workspaces ";

// §4.3: oldest first; the id breaks ties the way the original does.
constexpr const char* kOrder = " ORDER BY created_at ASC, id ASC";

core::Workspace readWorkspace(SQLite::Statement& row) {
    core::Workspace w;
    w.id = row.getColumn(0).getString();
    w.repositoryId = optionalString(row.getColumn(1));
    w.name = row.getColumn(2).getString();
    w.path = row.getColumn(3).getString();
    w.status = enumColumn(row.getColumn(4), core::parseWorkspaceStatus);
    w.agentType = optionalString(row.getColumn(5));
    w.createdAt = row.getColumn(6).getInt64();
    w.updatedAt = row.getColumn(7).getInt64();
    w.lastFocusedAt = optionalInt64(row.getColumn(8));
    auto worktreePath = optionalString(row.getColumn(9));
    auto branchName = optionalString(row.getColumn(10));
    auto baseRepoPath = optionalString(row.getColumn(11));
    // §13: a workspace reports worktree metadata only when these three are all set.
    if (worktreePath && branchName && baseRepoPath)
        w.gitWorktree =
            core::GitWorktree{*worktreePath, *branchName, *baseRepoPath,
                              optionalString(row.getColumn(12)), optionalInt64(row.getColumn(13))};
    w.projectConfigJson = optionalString(row.getColumn(14));
    w.notificationsMuted = row.getColumn(15).getInt() != 0;
    w.pullRequestJson = optionalString(row.getColumn(16));
    w.archivedAt = optionalInt64(row.getColumn(17));
    return w;
}

std::vector<core::Workspace> readAll(SQLite::Statement& query) {
    std::vector<core::Workspace> list;
    while (query.executeStep()) list.push_back(readWorkspace(query));
    return list;
}

std::optional<core::Workspace> findOn(SQLite::Database& sql, const std::string& id) {
    SQLite::Statement query(sql, std::string(kSelect) + "WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    return readWorkspace(query);
}

}  // namespace

void insertWorkspace(Database& db, const core::Workspace& w) {
    db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement insert(
            sql,
            "INSERT INTO workspaces (id, repository_id, name, path, status, agent_type, "
            "created_at, updated_at, last_focused_at, git_worktree_path, git_branch_name, "
            "git_base_repo_path, git_base_branch, git_created_at, project_config_json, "
            "notifications_muted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, w.id);
        bindOptional(insert, 2, w.repositoryId);
        insert.bind(3, w.name);
        insert.bind(4, w.path);
        insert.bind(5, std::string(core::toString(w.status)));
        bindOptional(insert, 6, w.agentType);
        insert.bind(7, w.createdAt);
        insert.bind(8, w.updatedAt);
        bindOptional(insert, 9, w.lastFocusedAt);
        if (w.gitWorktree) {
            insert.bind(10, w.gitWorktree->worktreePath);
            insert.bind(11, w.gitWorktree->branchName);
            insert.bind(12, w.gitWorktree->baseRepoPath);
            bindOptional(insert, 13, w.gitWorktree->baseBranch);
            bindOptional(insert, 14, w.gitWorktree->createdAt);
        }  // else the unbound parameters are NULL
        bindOptional(insert, 15, w.projectConfigJson);
        insert.bind(16, w.notificationsMuted ? 1 : 0);
        insert.exec();
    });
}

std::optional<core::Workspace> findWorkspace(Database& db, const std::string& id) {
    return db.withLock([&](SQLite::Database& sql) { return findOn(sql, id); });
}

std::vector<core::Workspace> listWorkspaces(Database& db) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(sql, std::string(kSelect) + kOrder);
        return readAll(query);
    });
}

std::vector<core::Workspace> listWorkspaces(Database& db, bool archived) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(
            sql, std::string(kSelect) +
                     (archived ? "WHERE archived_at IS NOT NULL" : "WHERE archived_at IS NULL") +
                     kOrder);
        return readAll(query);
    });
}

bool setWorkspaceArchivedAt(Database& db, const std::string& id,
                            std::optional<std::int64_t> archivedAt, std::int64_t now) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement update(
            sql, "UPDATE workspaces SET archived_at = ?, updated_at = ? WHERE id = ?");
        bindOptional(update, 1, archivedAt);
        update.bind(2, now);
        update.bind(3, id);
        return update.exec() > 0;
    });
}

std::vector<core::Workspace> listWorkspacesByRepository(Database& db,
                                                        const std::string& repositoryId) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(sql, std::string(kSelect) + "WHERE repository_id = ?" + kOrder);
        query.bind(1, repositoryId);
        return readAll(query);
    });
}

std::optional<core::Workspace> updateWorkspace(SQLite::Database& sql, const std::string& id,
                                               const WorkspacePatch& patch, std::int64_t now) {
    std::optional<core::Workspace> current = findOn(sql, id);
    if (!current) return std::nullopt;
    core::Workspace next = *current;
    if (patch.name) next.name = *patch.name;
    if (patch.status) next.status = *patch.status;
    if (patch.agentType) next.agentType = *patch.agentType;
    if (patch.lastFocusedAt) next.lastFocusedAt = *patch.lastFocusedAt;
    if (patch.notificationsMuted) next.notificationsMuted = *patch.notificationsMuted;
    if (next.name == current->name && next.status == current->status &&
        next.agentType == current->agentType && next.lastFocusedAt == current->lastFocusedAt &&
        next.notificationsMuted == current->notificationsMuted)
        return current;  // nothing really changed: updated_at stays (§13)
    next.updatedAt = now;
    SQLite::Statement update(sql,
                             "UPDATE workspaces SET name = ?, status = ?, agent_type = ?, "
                             "last_focused_at = ?, updated_at = ?, notifications_muted = ? "
                             "WHERE id = ?");
    update.bind(1, next.name);
    update.bind(2, std::string(core::toString(next.status)));
    bindOptional(update, 3, next.agentType);
    bindOptional(update, 4, next.lastFocusedAt);
    update.bind(5, next.updatedAt);
    update.bind(6, next.notificationsMuted ? 1 : 0);
    update.bind(7, id);
    update.exec();
    return next;
}

std::optional<core::Workspace> updateWorkspace(Database& db, const std::string& id,
                                               const WorkspacePatch& patch, std::int64_t now) {
    return db.withLock([&](SQLite::Database& sql) {
        // One transaction, so that the read and the write see the same row.
        SQLite::Transaction transaction(sql, SQLite::TransactionBehavior::IMMEDIATE);
        auto result = updateWorkspace(sql, id, patch, now);
        transaction.commit();
        return result;
    });
}

bool deleteWorkspace(Database& db, const std::string& id) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement remove(sql, "DELETE FROM workspaces WHERE id = ?");
        remove.bind(1, id);
        return remove.exec() > 0;
    });
}

}  // namespace parawork::store
