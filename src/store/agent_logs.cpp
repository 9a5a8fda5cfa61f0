#include "store/agent_logs.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "store/columns.hpp"

namespace parawork::store {
namespace {

/// The columns agentLogRow reads, in its order.
constexpr const char* kSelectAgentLogs =
    "SELECT id, session_id, timestamp, level, message FROM agent_logs ";

/// The one mapping of an agent_logs row (selected with kSelectAgentLogs) to the entity.
core::AgentLog agentLogRow(const SQLite::Statement& query) {
    core::AgentLog l;
    l.id = query.getColumn(0).getInt64();
    l.sessionId = query.getColumn(1).getString();
    l.timestamp = query.getColumn(2).getInt64();
    l.level = enumColumn(query.getColumn(3), core::parseLogLevel);
    l.message = query.getColumn(4).getString();
    return l;
}

}  // namespace

std::int64_t insertAgentLogs(Database& db, const std::string& sessionId,
                             std::span<const AgentLogRow> rows) {
    if (rows.empty()) return 0;
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Transaction transaction(sql);
        SQLite::Statement insert(sql,
                                 "INSERT INTO agent_logs (session_id, timestamp, level, message) "
                                 "VALUES (?, ?, ?, ?)");
        insert.bind(1, sessionId);  // bindings survive reset(): bound once for the batch
        for (const AgentLogRow& row : rows) {
            insert.reset();
            insert.bind(2, row.timestamp);
            insert.bindNoCopy(3, core::toString(row.level).data());  // static storage
            insert.bindNoCopy(4, row.message);                       // `rows` outlives the step
            insert.exec();
        }
        std::int64_t lastId = sql.getLastInsertRowid();
        transaction.commit();
        return lastId;
    });
}

std::vector<core::AgentLog> listAgentLogsBySession(Database& db, const std::string& sessionId,
                                                   std::optional<std::size_t> limit) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(
            sql, std::string(kSelectAgentLogs) +
                     "WHERE session_id = ? ORDER BY timestamp DESC, id DESC LIMIT ?");
        query.bind(1, sessionId);
        // LIMIT -1 is SQLite's "no limit".
        query.bind(2, limit ? static_cast<std::int64_t>(*limit) : std::int64_t{-1});
        return readRows(query, agentLogRow);
    });
}

std::vector<core::AgentLog> listAgentLogsInOrder(SQLite::Database& sql,
                                                 const std::string& sessionId) {
    SQLite::Statement query(sql,
                            std::string(kSelectAgentLogs) + "WHERE session_id = ? ORDER BY id ASC");
    query.bind(1, sessionId);
    return readRows(query, agentLogRow);
}

std::int64_t countAgentLogsBySession(Database& db, const std::string& sessionId) {
    return db.withLock(
        [&](SQLite::Database& sql) { return countRowsOfSession(sql, "agent_logs", sessionId); });
}

std::int64_t trimAgentLogs(Database& db, const std::string& sessionId, std::size_t keepNewest) {
    return db.withLock([&](SQLite::Database& sql) -> std::int64_t {
        // The cut-off is the id of the newest row that goes; the index on session_id (which
        // carries the rowid) finds it without a sort. No such row: nothing to trim.
        SQLite::Statement remove(sql,
                                 "DELETE FROM agent_logs WHERE session_id = ?1 AND id <= "
                                 "(SELECT id FROM agent_logs WHERE session_id = ?1 "
                                 "ORDER BY id DESC LIMIT 1 OFFSET ?2)");
        remove.bind(1, sessionId);
        remove.bind(2, static_cast<std::int64_t>(keepNewest));
        return remove.exec();
    });
}

}  // namespace parawork::store
