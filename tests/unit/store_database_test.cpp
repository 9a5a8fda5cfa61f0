// Unit tests of the store: opening, pragmas, migrations, refusing files it must not touch, and
// the original schema's foreign keys and checks.
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "unit_support/read_file.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::store {
namespace {

using test::readFile;
using test::TempDir;

namespace fs = std::filesystem;

void writeBytes(const fs::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary) << bytes;
}

std::string pragmaText(SQLite::Database& db, const std::string& name) {
    SQLite::Statement query(db, "PRAGMA " + name);
    query.executeStep();
    return query.getColumn(0).getString();
}

int count(SQLite::Database& db, const std::string& table) {
    SQLite::Statement query(db, "SELECT count(*) FROM " + table);
    query.executeStep();
    return query.getColumn(0).getInt();
}

/// A repository, a workspace, a session and one row in each session table.
void insertSampleRows(SQLite::Database& db) {
    db.exec(
        "INSERT INTO repositories (id, name, path, created_at, updated_at) "
        "VALUES ('r1', 'repo', '/src/repo', 1, 1);"
        "INSERT INTO workspaces (id, repository_id, name, path, status, created_at, updated_at) "
        "VALUES ('w1', 'r1', 'ws', '/src/ws', 'idle', 1, 1);"
        "INSERT INTO sessions (id, workspace_id, agent_type, status) "
        "VALUES ('s1', 'w1', 'claude-code', 'running');"
        "INSERT INTO messages (id, session_id, role, content, timestamp) "
        "VALUES ('m1', 's1', 'user', 'hi', 2);"
        "INSERT INTO file_changes (session_id, file_path, change_type, timestamp) "
        "VALUES ('s1', 'a.txt', 'created', 3);"
        "INSERT INTO agent_logs (session_id, timestamp, level, message) "
        "VALUES ('s1', 4, 'info', 'started');");
}

TEST(StoreDatabase, MigrationsAreNumberedInOrder) {
    int expected = 1;
    for (const Migration& m : migrations()) EXPECT_EQ(m.version, expected++);
    EXPECT_EQ(latestSchemaVersion(), 11);
}

TEST(StoreDatabase, FreshDatabaseHasLatestSchemaWalAndForeignKeys) {
    TempDir dir;
    Database db = Database::open(dir.path() / "parawork.db");
    EXPECT_EQ(db.schemaVersion(), latestSchemaVersion());
    EXPECT_EQ(pragmaText(db.sql(), "journal_mode"), "wal");
    EXPECT_EQ(pragmaText(db.sql(), "foreign_keys"), "1");
    EXPECT_EQ(pragmaText(db.sql(), "busy_timeout"), "5000");
    EXPECT_EQ(pragmaText(db.sql(), "synchronous"), "1");  // NORMAL
    for (const char* table : {"repositories", "workspaces", "sessions", "messages", "file_changes",
                              "agent_logs", "settings"})
        EXPECT_TRUE(db.sql().tableExists(table)) << table;
}

TEST(StoreDatabase, FreshDatabaseFilesAreReadableByUsOnly) {
    TempDir dir;
    fs::path file = dir.path() / "parawork.db";
    Database db = Database::open(file);
    db.sql().exec("INSERT INTO settings (key, value) VALUES ('k', 'v')");  // makes the -wal
    for (const std::string& name : {file.string(), file.string() + "-wal"}) {
        struct stat st {};
        ASSERT_EQ(::stat(name.c_str(), &st), 0) << name;
        EXPECT_EQ(st.st_mode & 0777, 0600u) << name;
    }
}

TEST(StoreDatabase, ReopeningIsANoOp) {
    TempDir dir;
    fs::path file = dir.path() / "parawork.db";
    int objects = 0;
    {
        Database db = Database::open(file);
        insertSampleRows(db.sql());
        objects = count(db.sql(), "sqlite_master");
    }
    Database db = Database::open(file);
    EXPECT_EQ(db.schemaVersion(), latestSchemaVersion());
    EXPECT_EQ(count(db.sql(), "sqlite_master"), objects);
    EXPECT_EQ(count(db.sql(), "sessions"), 1);
    EXPECT_EQ(count(db.sql(), "agent_logs"), 1);
}

TEST(StoreDatabase, UpgradesVersion1To2WithoutLosingRows) {
    TempDir dir;
    fs::path file = dir.path() / "parawork.db";
    {
        SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        migrate(raw, 1);
        ASSERT_EQ(userVersion(raw), 1);
        ASSERT_FALSE(raw.tableExists("settings"));
        insertSampleRows(raw);
    }
    Database db = Database::open(file);
    EXPECT_EQ(db.schemaVersion(), latestSchemaVersion());
    EXPECT_TRUE(db.sql().tableExists("settings"));
    for (const char* table :
         {"repositories", "workspaces", "sessions", "messages", "file_changes", "agent_logs"})
        EXPECT_EQ(count(db.sql(), table), 1) << table;
    SQLite::Statement query(db.sql(),
                            "SELECT agent_type, name, command_json, cwd, exit_code, exit_signal, "
                            "exit_reason, host_pid, first_output_at, ready_at, peak_memory_mb, "
                            "peak_cpu_percent FROM sessions WHERE id = ?");
    query.bind(1, "s1");
    ASSERT_TRUE(query.executeStep());
    EXPECT_EQ(query.getColumn(0).getString(), "claude-code");
    for (int i = 1; i < query.getColumnCount(); ++i) EXPECT_TRUE(query.getColumn(i).isNull());
}

TEST(StoreDatabase, UpgradesVersion3To4WithAgentKindAndNoProjectConfig) {
    TempDir dir;
    fs::path file = dir.path() / "parawork.db";
    {
        SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        migrate(raw, 3);
        insertSampleRows(raw);
    }
    Database db = Database::open(file);
    SQLite::Statement kind(db.sql(), "SELECT kind FROM sessions WHERE id = 's1'");
    ASSERT_TRUE(kind.executeStep());
    EXPECT_EQ(kind.getColumn(0).getString(), "agent");  // every older session was an agent's
    SQLite::Statement config(db.sql(), "SELECT project_config_json FROM workspaces");
    ASSERT_TRUE(config.executeStep());
    EXPECT_TRUE(config.getColumn(0).isNull());
    EXPECT_THROW(db.sql().exec("UPDATE sessions SET kind = 'other'"), SQLite::Exception);
}

TEST(StoreDatabase, UpgradesVersion2To3WithoutLosingRows) {
    TempDir dir;
    fs::path file = dir.path() / "parawork.db";
    {
        SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        migrate(raw, 2);
        ASSERT_EQ(userVersion(raw), 2);
        insertSampleRows(raw);
        raw.exec(
            "UPDATE sessions SET name = 'agent', command_json = '[\"claude\"]', "
            "exit_code = 0 WHERE id = 's1'");
    }
    Database db = Database::open(file);
    EXPECT_EQ(db.schemaVersion(), latestSchemaVersion());
    for (const char* table :
         {"repositories", "workspaces", "sessions", "messages", "file_changes", "agent_logs"})
        EXPECT_EQ(count(db.sql(), table), 1) << table;
    SQLite::Statement query(db.sql(),
                            "SELECT name, command_json, exit_code, env_json, log_offset "
                            "FROM sessions WHERE id = 's1'");
    ASSERT_TRUE(query.executeStep());
    EXPECT_EQ(query.getColumn(0).getString(), "agent");
    EXPECT_EQ(query.getColumn(1).getString(), "[\"claude\"]");
    EXPECT_EQ(query.getColumn(2).getInt(), 0);
    EXPECT_TRUE(query.getColumn(3).isNull());
    EXPECT_EQ(query.getColumn(4).getInt64(), 0);  // existing rows start parsing at the beginning
}

TEST(StoreDatabase, RefusesANewerSchemaAndLeavesTheFileAlone) {
    TempDir dir;
    fs::path file = dir.path() / "parawork.db";
    {
        SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec("CREATE TABLE future (x); PRAGMA user_version = " +
                 std::to_string(latestSchemaVersion() + 1));
    }
    std::string before = readFile(file);
    try {
        Database::open(file);
        FAIL() << "a newer schema was accepted";
    } catch (const core::Error& e) {
        EXPECT_EQ(std::string(e.what()), "database " + file.string() + " has schema version " +
                                             std::to_string(latestSchemaVersion() + 1) +
                                             " but this parawork knows " +
                                             std::to_string(latestSchemaVersion()) +
                                             "; upgrade parawork or use another PARAWORK_HOME");
    }
    EXPECT_EQ(readFile(file), before);
    EXPECT_FALSE(fs::exists(file.string() + "-wal"));
}

TEST(StoreDatabase, RefusesAGarbageFileAndLeavesItAlone) {
    TempDir dir;
    fs::path file = dir.path() / "parawork.db";
    std::string garbage = "this is not a database, it is somebody's notes\n";
    for (int i = 0; i < 200; ++i) garbage += static_cast<char>(i * 37);
    writeBytes(file, garbage);
    try {
        Database::open(file);
        FAIL() << "a garbage file was accepted";
    } catch (const core::Error& e) {
        std::string message = e.what();
        EXPECT_NE(message.find(file.string()), std::string::npos) << message;
        EXPECT_NE(message.find("not a SQLite database"), std::string::npos) << message;
    }
    EXPECT_EQ(readFile(file), garbage);
    EXPECT_FALSE(fs::exists(file.string() + "-wal"));
    EXPECT_FALSE(fs::exists(file.string() + "-journal"));
}

TEST(StoreDatabase, RefusesAShortFile) {
    TempDir dir;
    fs::path file = dir.path() / "parawork.db";
    writeBytes(file, "SQLite");
    EXPECT_THROW(Database::open(file), core::Error);
    EXPECT_EQ(readFile(file), "SQLite");
}

TEST(StoreDatabase, AnEmptyFileBecomesADatabase) {
    TempDir dir;
    fs::path file = dir.path() / "parawork.db";
    writeBytes(file, "");
    EXPECT_EQ(Database::open(file).schemaVersion(), latestSchemaVersion());
}

TEST(StoreDatabase, DeletingAWorkspaceCascadesToItsSessions) {
    TempDir dir;
    Database db = Database::open(dir.path() / "parawork.db");
    insertSampleRows(db.sql());
    SQLite::Statement remove(db.sql(), "DELETE FROM workspaces WHERE id = ?");
    remove.bind(1, "w1");
    EXPECT_EQ(remove.exec(), 1);
    for (const char* table : {"sessions", "messages", "file_changes", "agent_logs"})
        EXPECT_EQ(count(db.sql(), table), 0) << table;
    EXPECT_EQ(count(db.sql(), "repositories"), 1);
}

TEST(StoreDatabase, DeletingARepositoryKeepsItsWorkspaces) {
    TempDir dir;
    Database db = Database::open(dir.path() / "parawork.db");
    insertSampleRows(db.sql());
    db.sql().exec("DELETE FROM repositories WHERE id = 'r1'");
    SQLite::Statement query(db.sql(), "SELECT repository_id FROM workspaces WHERE id = 'w1'");
    ASSERT_TRUE(query.executeStep());
    EXPECT_TRUE(query.getColumn(0).isNull());  // ON DELETE SET NULL
}

TEST(StoreDatabase, ForeignKeysAndChecksAreEnforced) {
    TempDir dir;
    Database db = Database::open(dir.path() / "parawork.db");
    insertSampleRows(db.sql());
    auto insertSession = [&](const char* id, const char* workspace, const char* agent,
                             const char* status) {
        SQLite::Statement insert(db.sql(),
                                 "INSERT INTO sessions (id, workspace_id, agent_type, status) "
                                 "VALUES (?, ?, ?, ?)");
        insert.bind(1, id);
        insert.bind(2, workspace);
        insert.bind(3, agent);
        insert.bind(4, status);
        insert.exec();
    };
    EXPECT_NO_THROW(insertSession("s2", "w1", "aider", "starting"));  // any agent type
    EXPECT_NO_THROW(insertSession("s3", "w1", "my-script.sh", "completed"));
    EXPECT_THROW(insertSession("s4", "w1", "", "starting"), SQLite::Exception);
    EXPECT_THROW(insertSession("s5", "w1", "aider", "paused"), SQLite::Exception);
    EXPECT_THROW(insertSession("s6", "nope", "aider", "starting"), SQLite::Exception);
    EXPECT_THROW(db.sql().exec("INSERT INTO workspaces (id, name, path, status, created_at, "
                               "updated_at) VALUES ('w2', 'x', '/x', 'sleeping', 1, 1)"),
                 SQLite::Exception);
    EXPECT_THROW(db.sql().exec("INSERT INTO repositories (id, name, path, created_at, "
                               "updated_at) VALUES ('r2', 'dup', '/src/repo', 1, 1)"),
                 SQLite::Exception);  // path is unique
}

TEST(StoreDatabase, WithLockSerialisesThreads) {
    TempDir dir;
    Database db = Database::open(dir.path() / "parawork.db");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&db, t] {
            for (int i = 0; i < 50; ++i) {
                db.withLock([&](SQLite::Database& sql) {
                    SQLite::Transaction transaction(sql);
                    SQLite::Statement insert(sql,
                                             "INSERT INTO settings (key, value) VALUES (?, ?)");
                    insert.bind(1, std::to_string(t) + "." + std::to_string(i));
                    insert.bind(2, "v");
                    insert.exec();
                    transaction.commit();
                });
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(db.withLock([](SQLite::Database& sql) { return count(sql, "settings"); }), 200);
}

TEST(StoreDatabase, MovedDatabaseKeepsWorking) {
    TempDir dir;
    Database first = Database::open(dir.path() / "parawork.db");
    Database second = std::move(first);
    EXPECT_EQ(second.schemaVersion(), latestSchemaVersion());
}

}  // namespace
}  // namespace parawork::store
