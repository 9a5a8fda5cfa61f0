// The database schema as an ordered list of migrations, tracked with PRAGMA user_version.
// Rules: never edit a released migration, only append one; each runs in its own transaction
// together with its user_version bump, so a crash leaves the schema at a whole version.
#pragma once

#include <string_view>
#include <vector>

namespace SQLite {
class Database;
}

namespace parawork::store {

struct Migration {
    int version;  ///< 1, 2, ...: the user_version after it ran
    std::string_view description;
    std::string_view sql;  ///< constant DDL, possibly several statements
};

/// All migrations, in version order.
const std::vector<Migration>& migrations();

/// The schema version this build creates and understands.
int latestSchemaVersion();

/// The database's PRAGMA user_version.
int userVersion(SQLite::Database& db);

/// Applies every migration above the current user_version and up to `targetVersion` (tests use
/// a lower target to build old databases). Throws core::Error naming the failed migration; the
/// failing migration is rolled back, earlier ones stay.
void migrate(SQLite::Database& db, int targetVersion = latestSchemaVersion());

}  // namespace parawork::store
