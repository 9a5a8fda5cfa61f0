// Queries of the file_changes table (protocol §4.4, §11): files a session created, modified or
// deleted in its workspace, with an optional diff.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/entities.hpp"
#include "store/database.hpp"

namespace parawork::store {

/// Inserts `change` (its id is ignored: SQLite assigns one) and returns the new id. Throws
/// SQLite::Exception when the session does not exist.
std::int64_t insertFileChange(Database& db, const core::FileChange& change);

/// Inserts all `changes` (of any sessions) in one transaction, then trims each of their sessions
/// to its `keepNewestPerSession` most recently inserted rows, so a session that touches a flood
/// of files keeps bounded rows. All or nothing. Returns the new ids, in order. Throws
/// SQLite::Exception when a session does not exist.
std::vector<std::int64_t> insertFileChanges(Database& db, std::span<const core::FileChange> changes,
                                            std::size_t keepNewestPerSession);

std::int64_t countFileChangesBySession(Database& db, const std::string& sessionId);

/// The session's file changes, newest first (timestamp descending, then id descending). An
/// unknown session has none.
std::vector<core::FileChange> listFileChangesBySession(Database& db, const std::string& sessionId);

}  // namespace parawork::store
