// Queries of the file_changes table (protocol §4.4, §11): files a session created, modified or
// deleted in its workspace, with an optional diff.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/entities.hpp"
#include "store/database.hpp"

namespace parawork::store {

/// Inserts `change` (its id is ignored: SQLite assigns one) and returns the new id. Throws
/// SQLite::Exception when the session does not exist.
std::int64_t insertFileChange(Database& db, const core::FileChange& change);

/// The session's file changes, newest first (timestamp descending, then id descending). An
/// unknown session has none.
std::vector<core::FileChange> listFileChangesBySession(Database& db, const std::string& sessionId);

}  // namespace parawork::store
