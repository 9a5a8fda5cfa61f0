// Queries of the agent_logs table (protocol §4.4, §7.3): the sanitized output lines of a
// session. Lines arrive in floods, so they are written in batches and bounded per session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/entities.hpp"
#include "store/database.hpp"

namespace SQLite {
class Database;
}

namespace parawork::store {

/// One line to insert; the id is assigned by SQLite.
struct AgentLogRow {
    std::int64_t timestamp = 0;
    core::LogLevel level = core::LogLevel::Info;
    std::string message;  ///< already sanitized (session::sanitizeLogLine)
};

/// Inserts all `rows` for the session in one transaction with one prepared statement: a flood
/// of output costs one commit per batch, never one per line. All or nothing. Returns the id of
/// the last row inserted (0 for an empty batch). Throws SQLite::Exception when the session does
/// not exist.
std::int64_t insertAgentLogs(Database& db, const std::string& sessionId,
                             std::span<const AgentLogRow> rows);

/// The session's logs, newest first (timestamp descending, then id descending), at most `limit`
/// of them when given (§4.4 GET /logs). An unknown session has none.
std::vector<core::AgentLog> listAgentLogsBySession(Database& db, const std::string& sessionId,
                                                   std::optional<std::size_t> limit = {});

/// All of the session's logs in insertion order (id ascending), for the conversation, on a
/// connection the caller has locked (inside Database::withLock).
std::vector<core::AgentLog> listAgentLogsInOrder(SQLite::Database& sql,
                                                 const std::string& sessionId);

std::int64_t countAgentLogsBySession(Database& db, const std::string& sessionId);

/// Deletes all but the `keepNewest` most recently inserted (highest id) logs of the session, so
/// that a chatty session's rows stay bounded. Returns how many rows were deleted.
std::int64_t trimAgentLogs(Database& db, const std::string& sessionId, std::size_t keepNewest);

}  // namespace parawork::store
