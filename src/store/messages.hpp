// Queries of the messages table (protocol §4.4, §10): the user's prompts and messages to a
// session, and the full conversation that merges them with the session's agent-log lines.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/entities.hpp"
#include "store/database.hpp"

namespace SQLite {
class Database;
}

namespace parawork::store {

/// Inserts `message` as given (the caller sets id and timestamp). Throws SQLite::Exception when
/// the session does not exist.
void insertMessage(Database& db, const core::Message& message);
/// The same on a connection the caller has locked (inside Database::withLock).
void insertMessage(SQLite::Database& sql, const core::Message& message);

/// The session's messages, oldest first (timestamp ascending, then insertion order). An unknown
/// session has none.
std::vector<core::Message> listMessagesBySession(Database& db, const std::string& sessionId);

/// Copies every message of `fromSession` into `toSession` with fresh UUIDs and the same role,
/// content and timestamp, in order (resume, §4.4). Returns how many were copied. One
/// transaction: all or nothing.
std::size_t copyMessages(Database& db, const std::string& fromSession,
                         const std::string& toSession);
/// The same on a connection the caller has locked, inside the caller's transaction.
std::size_t copyMessages(SQLite::Database& sql, const std::string& fromSession,
                         const std::string& toSession);

/// The session's messages and agent logs as one timeline (§4.4, core::mergeConversation):
/// ascending by timestamp, messages before logs on ties, logs of equal timestamp in insertion
/// order. Read in one transaction, so a concurrent insert cannot tear it.
std::vector<core::ConversationEvent> fullConversation(Database& db, const std::string& sessionId);

}  // namespace parawork::store
