// Opening is careful about user data: the file's header is checked before SQLite may write to it,
// and the schema version before any pragma that changes the file (such as the WAL switch).
#include "store/database.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include <SQLiteCpp/Statement.h>

#include "core/error.hpp"
#include "store/migrations.hpp"

namespace parawork::store {
namespace {

/// Every SQLite 3 database file starts with these 16 bytes (https://sqlite.org/fileformat.html).
constexpr char kSqliteHeader[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                    'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

/// Creates an empty database file readable by us only. SQLite gives its -wal and -shm files the
/// database's permissions, so they stay private too; an empty file is a new database to SQLite.
void createPrivateFile(const std::filesystem::path& file) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return;  // someone was faster; it is checked like any other file
        core::throwErrno("cannot create database " + file.string());
    }
    ::close(fd);
}

/// Refuses an existing non-empty file that is not SQLite, before SQLite gets to touch it.
void checkExistingFile(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        if (errno != ENOENT) core::throwErrno("cannot open database " + file.string());
        createPrivateFile(file);
        return;
    }
    if (!S_ISREG(st.st_mode))
        throw core::Error("database " + file.string() + " is not a regular file");
    if (st.st_size == 0) return;  // SQLite treats an empty file as a new database
    char header[sizeof kSqliteHeader] = {};
    std::ifstream in(file, std::ios::binary);
    if (!in) core::throwErrno("cannot read database " + file.string());
    in.read(header, sizeof header);
    if (in.gcount() != sizeof header || std::memcmp(header, kSqliteHeader, sizeof header) != 0)
        throw core::Error("file " + file.string() +
                          " is not a SQLite database, so parawork will not touch it; move it "
                          "away or use another PARAWORK_HOME");
}

void checkVersion(SQLite::Database& db, const std::filesystem::path& file) {
    int version = userVersion(db);
    if (version > latestSchemaVersion())
        throw core::Error("database " + file.string() + " has schema version " +
                          std::to_string(version) + " but this parawork knows " +
                          std::to_string(latestSchemaVersion()) +
                          "; upgrade parawork or use another PARAWORK_HOME");
}

void setPragmas(SQLite::Database& db) {
    // journal_mode answers with the mode now in effect; it stays "delete" only where WAL is
    // impossible (no shared memory), which SQLite handles correctly, just with less concurrency.
    SQLite::Statement(db, "PRAGMA journal_mode = WAL").executeStep();
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA synchronous = NORMAL");
    db.setBusyTimeout(5000);
}

}  // namespace

Database Database::open(const std::filesystem::path& file) {
    checkExistingFile(file);  // and creates it, mode 0600, when missing
    try {
        auto db = std::make_unique<SQLite::Database>(
            file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOFOLLOW);
        // Another process (an old daemon) may hold a write lock for a moment.
        db->setBusyTimeout(5000);
        checkVersion(*db, file);
        setPragmas(*db);
        migrate(*db);
        return Database(file, std::move(db));
    } catch (const SQLite::Exception& e) {
        throw core::Error("cannot open database " + file.string() + ": " + e.what());
    }
}

int Database::schemaVersion() {
    return withLock([](SQLite::Database& db) { return userVersion(db); });
}

std::int64_t Database::changeCount() {
    return withLock([](SQLite::Database& sql) { return sqlite3_total_changes64(sql.getHandle()); });
}

}  // namespace parawork::store
