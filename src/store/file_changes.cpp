#include "store/file_changes.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "store/columns.hpp"

namespace parawork::store {

std::int64_t insertFileChange(Database& db, const core::FileChange& change) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement insert(sql,
                                 "INSERT INTO file_changes (session_id, file_path, change_type, "
                                 "diff, timestamp) VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, change.sessionId);
        insert.bind(2, change.filePath);
        insert.bind(3, std::string(core::toString(change.changeType)));
        bindOptional(insert, 4, change.diff);
        insert.bind(5, change.timestamp);
        insert.exec();
        return sql.getLastInsertRowid();
    });
}

std::vector<core::FileChange> listFileChangesBySession(Database& db, const std::string& sessionId) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(sql,
                                "SELECT id, session_id, file_path, change_type, diff, timestamp "
                                "FROM file_changes WHERE session_id = ? "
                                "ORDER BY timestamp DESC, id DESC");
        query.bind(1, sessionId);
        std::vector<core::FileChange> changes;
        while (query.executeStep()) {
            core::FileChange c;
            c.id = query.getColumn(0).getInt64();
            c.sessionId = query.getColumn(1).getString();
            c.filePath = query.getColumn(2).getString();
            c.changeType = enumColumn(query.getColumn(3), core::parseChangeType);
            c.diff = optionalString(query.getColumn(4));
            c.timestamp = query.getColumn(5).getInt64();
            changes.push_back(std::move(c));
        }
        return changes;
    });
}

}  // namespace parawork::store
