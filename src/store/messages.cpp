#include "store/messages.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "core/ids.hpp"
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
    std::vector<core::Message> messages;
    while (query.executeStep()) {
        core::Message m;
        m.id = query.getColumn(0).getString();
        m.sessionId = query.getColumn(1).getString();
        m.role = enumColumn(query.getColumn(2), core::parseMessageRole);
        m.content = query.getColumn(3).getString();
        m.timestamp = query.getColumn(4).getInt64();
        messages.push_back(std::move(m));
    }
    return messages;
}

/// All of the session's agent logs in insertion order, for the conversation.
std::vector<core::AgentLog> logsAscendingOn(SQLite::Database& sql, const std::string& sessionId) {
    SQLite::Statement query(sql,
                            "SELECT id, session_id, timestamp, level, message FROM agent_logs "
                            "WHERE session_id = ? ORDER BY id ASC");
    query.bind(1, sessionId);
    std::vector<core::AgentLog> logs;
    while (query.executeStep()) {
        core::AgentLog l;
        l.id = query.getColumn(0).getInt64();
        l.sessionId = query.getColumn(1).getString();
        l.timestamp = query.getColumn(2).getInt64();
        l.level = enumColumn(query.getColumn(3), core::parseLogLevel);
        l.message = query.getColumn(4).getString();
        logs.push_back(std::move(l));
    }
    return logs;
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
        std::vector<core::AgentLog> logs = logsAscendingOn(sql, sessionId);
        snapshot.commit();
        return core::mergeConversation(messages, logs);
    });
}

}  // namespace parawork::store
