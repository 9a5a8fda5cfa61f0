// The daemon's SQLite database (DESIGN §3): one connection, WAL journal, foreign keys on,
// migrated to the latest schema when opened. Never overwrites a file it does not recognise.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <utility>

#include <SQLiteCpp/Database.h>

namespace parawork::store {

/// One open, migrated database. The daemon's worker threads share this single connection:
/// SQLite serialises calls on a connection, but a multi-statement unit (a transaction, a
/// statement stepped over rows) must not interleave with another thread's, so use withLock()
/// for every access from more than one thread. Movable; a moved-from Database is empty.
class Database {
  public:
    /// Opens (creating if missing) the database at `file`, sets journal_mode=WAL,
    /// foreign_keys=ON, busy_timeout=5000 and synchronous=NORMAL, and runs the migrations.
    /// Throws core::Error when the file is not a SQLite database or its schema is newer than
    /// this build knows; in both cases the file is left untouched.
    static Database open(const std::filesystem::path& file);

    /// The connection, for single-threaded use (start-up, tests).
    SQLite::Database& sql() { return *db_; }

    /// The schema version (PRAGMA user_version).
    int schemaVersion();

    /// Runs f(SQLite::Database&) while holding the connection's mutex and returns its result.
    template <class F>
    auto withLock(F&& f) {
        std::lock_guard<std::mutex> lock(*mutex_);
        return std::forward<F>(f)(*db_);
    }

    const std::filesystem::path& path() const { return path_; }

    /// A number that changes whenever any row of the database changes (SQLite's total change
    /// count on this, the daemon's only, connection): answers built from the database can be
    /// cached until it moves.
    std::int64_t changeCount();

  private:
    Database(std::filesystem::path path, std::unique_ptr<SQLite::Database> db)
        : path_(std::move(path)), db_(std::move(db)), mutex_(std::make_unique<std::mutex>()) {}

    std::filesystem::path path_;
    std::unique_ptr<SQLite::Database> db_;
    std::unique_ptr<std::mutex> mutex_;  // on the heap so that Database can move
};

}  // namespace parawork::store
