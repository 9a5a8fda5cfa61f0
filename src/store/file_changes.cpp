#include "store/file_changes.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <set>

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

std::vector<std::int64_t> insertFileChanges(Database& db, std::span<const core::FileChange> changes,
                                            std::size_t keepNewestPerSession) {
    if (changes.empty()) return {};
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Transaction transaction(sql);
        SQLite::Statement insert(sql,
                                 "INSERT INTO file_changes (session_id, file_path, change_type, "
                                 "diff, timestamp) VALUES (?, ?, ?, ?, ?)");
        std::vector<std::int64_t> ids;
        std::set<std::string> sessions;
        for (const core::FileChange& change : changes) {
            insert.reset();
            insert.bindNoCopy(1, change.sessionId);  // `changes` outlives the step
            insert.bindNoCopy(2, change.filePath);
            insert.bindNoCopy(3, core::toString(change.changeType).data());  // static storage
            bindOptional(insert, 4, change.diff);
            insert.bind(5, change.timestamp);
            insert.exec();
            ids.push_back(sql.getLastInsertRowid());
            sessions.insert(change.sessionId);
        }
        // The cut-off is the id of the newest row that goes; the index on session_id (which
        // carries the rowid) finds it without a sort. No such row: nothing to trim.
        SQLite::Statement trim(sql,
                               "DELETE FROM file_changes WHERE session_id = ?1 AND id <= "
                               "(SELECT id FROM file_changes WHERE session_id = ?1 "
                               "ORDER BY id DESC LIMIT 1 OFFSET ?2)");
        trim.bind(2, static_cast<std::int64_t>(keepNewestPerSession));
        for (const std::string& session : sessions) {
            trim.reset();
            trim.bind(1, session);
            trim.exec();
        }
        transaction.commit();
        return ids;
    });
}

std::int64_t countFileChangesBySession(Database& db, const std::string& sessionId) {
    return db.withLock(
        [&](SQLite::Database& sql) { return countRowsOfSession(sql, "file_changes", sessionId); });
}

std::vector<core::FileChange> listFileChangesBySession(Database& db, const std::string& sessionId) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(sql,
                                "SELECT id, session_id, file_path, change_type, diff, timestamp "
                                "FROM file_changes WHERE session_id = ? "
                                "ORDER BY timestamp DESC, id DESC");
        query.bind(1, sessionId);
        return readRows(query, [](const SQLite::Statement& row) {
            core::FileChange c;
            c.id = row.getColumn(0).getInt64();
            c.sessionId = row.getColumn(1).getString();
            c.filePath = row.getColumn(2).getString();
            c.changeType = enumColumn(row.getColumn(3), core::parseChangeType);
            c.diff = optionalString(row.getColumn(4));
            c.timestamp = row.getColumn(5).getInt64();
            return c;
        });
    });
}

}  // namespace parawork::store
