#include "store/pull_requests.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "store/columns.hpp"

namespace parawork::store {

bool setWorkspacePullRequest(Database& db, const std::string& workspaceId,
                             const std::optional<std::string>& pullRequestJson) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement update(sql, "UPDATE workspaces SET pull_request = ? WHERE id = ?");
        bindOptional(update, 1, pullRequestJson);
        update.bind(2, workspaceId);
        return update.exec() > 0;
    });
}

std::vector<std::pair<std::string, std::string>> listWorkspacePullRequests(Database& db) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(sql,
                                "SELECT id, pull_request FROM workspaces WHERE pull_request IS NOT "
                                "NULL ORDER BY created_at ASC, id ASC");
        std::vector<std::pair<std::string, std::string>> list;
        while (query.executeStep())
            list.emplace_back(query.getColumn(0).getString(), query.getColumn(1).getString());
        return list;
    });
}

}  // namespace parawork::store
