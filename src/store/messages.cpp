#include "store/messages.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "core/ids.hpp"
#include "store/agent_logs.hpp"
#include "store/columns.hpp"

namespace parawork::store {
namespace {

// rowid breaks timestamp ties in insertion order: messages of one millisecond (a resume copy,
// a quick double send) keep the order they were written in.
constexpr const char* kSelectBySession =
    "SELECT id, session_id, role, content, timestamp FROM messages WHERE session_id = ? "
    "ORDER BY timestamp ASC, rowid ASC";

std::vector<core::Message> listOn(SQLite::Database& sql, const std::string& sessionId) {
    SQLite::Statement query(sql, kSelectBySession);
    query.bind(1, sessionId);
    return readRows(query, [](const SQLite::Statement& row) {
        core::Message m;
        m.id = row.getColumn(0).getString();
        m.sessionId = row.getColumn(1).getString();
        m.role = enumColumn(row.getColumn(2), core::parseMessageRole);
        m.content = row.getColumn(3).getString();
        m.timestamp = row.getColumn(4).getInt64();
        return m;
    });
}

}  // namespace

void insertMessage(SQLite::Database& sql, const core::Message& m) {
    SQLite::Statement insert(sql,
                             "INSERT INTO messages (id, session_id, role, content, timestamp) "
                             "VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, m.id);
    insert.bind(2, m.sessionId);
    insert.bind(3, std::string(core::toString(m.role)));
    insert.bind(4, m.content);
    insert.bind(5, m.timestamp);
    insert.exec();
}

void insertMessage(Database& db, const core::Message& message) {
    db.withLock([&](SQLite::Database& sql) { insertMessage(sql, message); });
}

std::vector<core::Message> listMessagesBySession(Database& db, const std::string& sessionId) {
    return db.withLock([&](SQLite::Database& sql) { return listOn(sql, sessionId); });
}

std::size_t copyMessages(SQLite::Database& sql, const std::string& fromSession,
                         const std::string& toSession) {
    std::vector<core::Message> messages = listOn(sql, fromSession);
    SQLite::Statement insert(sql,
                             "INSERT INTO messages (id, session_id, role, content, timestamp) "
                             "VALUES (?, ?, ?, ?, ?)");
    for (const core::Message& m : messages) {
        insert.reset();
        insert.bind(1, core::newUuid());
        insert.bind(2, toSession);
        insert.bind(3, std::string(core::toString(m.role)));
        insert.bind(4, m.content);
        insert.bind(5, m.timestamp);
        insert.exec();
    }
    return messages.size();
}

std::size_t copyMessages(Database& db, const std::string& fromSession,
                         const std::string& toSession) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Transaction transaction(sql);
        std::size_t copied = copyMessages(sql, fromSession, toSession);
        transaction.commit();
        return copied;
    });
}

std::vector<core::ConversationEvent> fullConversation(Database& db, const std::string& sessionId) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Transaction snapshot(sql);  // both reads see the same state
        std::vector<core::Message> messages = listOn(sql, sessionId);
        std::vector<core::AgentLog> logs = listAgentLogsInOrder(sql, sessionId);
        snapshot.commit();
        return core::mergeConversation(messages, logs);
    });
}

}  // namespace parawork::store
