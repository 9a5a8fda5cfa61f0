#include "store/repositories.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "store/columns.hpp"

namespace parawork::store {
namespace {

constexpr const char* kColumns =
    "id, name, path, default_branch, remote_url, created_at, updated_at FROM repositories";

core::Repository readRepository(SQLite::Statement& row) {
    core::Repository repo;
    repo.id = row.getColumn(0).getString();
    repo.name = row.getColumn(1).getString();
    repo.path = row.getColumn(2).getString();
    repo.defaultBranch = row.getColumn(3).getString();
    repo.remoteUrl = optionalString(row.getColumn(4));
    repo.createdAt = row.getColumn(5).getInt64();
    repo.updatedAt = row.getColumn(6).getInt64();
    return repo;
}

std::optional<core::Repository> findWhere(SQLite::Database& sql, const char* column,
                                          const std::string& value) {
    // `column` is one of our constants, never input: the value is bound.
    SQLite::Statement query(sql, std::string("SELECT ") + kColumns + " WHERE " + column + " = ?");
    query.bind(1, value);
    if (!query.executeStep()) return std::nullopt;
    return readRepository(query);
}

}  // namespace

void insertRepository(Database& db, const core::Repository& repo) {
    db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement insert(
            sql,
            "INSERT INTO repositories (id, name, path, default_branch, "
            "remote_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, repo.id);
        insert.bind(2, repo.name);
        insert.bind(3, repo.path);
        insert.bind(4, repo.defaultBranch);
        bindOptional(insert, 5, repo.remoteUrl);
        insert.bind(6, repo.createdAt);
        insert.bind(7, repo.updatedAt);
        insert.exec();
    });
}

std::optional<core::Repository> findRepository(Database& db, const std::string& id) {
    return db.withLock([&](SQLite::Database& sql) { return findWhere(sql, "id", id); });
}

std::optional<core::Repository> findRepositoryByPath(Database& db, const std::string& path) {
    return db.withLock([&](SQLite::Database& sql) { return findWhere(sql, "path", path); });
}

std::vector<core::Repository> listRepositories(Database& db) {
    return db.withLock([&](SQLite::Database& sql) {
        // BINARY is the column's collation already; spelled out because §4.2 depends on it.
        SQLite::Statement query(
            sql, std::string("SELECT ") + kColumns + " ORDER BY name COLLATE BINARY, id");
        std::vector<core::Repository> repos;
        while (query.executeStep()) repos.push_back(readRepository(query));
        return repos;
    });
}

std::optional<core::Repository> updateRepository(Database& db, const std::string& id,
                                                 const RepositoryPatch& patch, std::int64_t now) {
    return db.withLock([&](SQLite::Database& sql) -> std::optional<core::Repository> {
        SQLite::Transaction transaction(sql, SQLite::TransactionBehavior::IMMEDIATE);
        std::optional<core::Repository> current = findWhere(sql, "id", id);
        if (!current) return std::nullopt;
        core::Repository next = *current;
        if (patch.name) next.name = *patch.name;
        if (patch.defaultBranch) next.defaultBranch = *patch.defaultBranch;
        if (patch.remoteUrl) next.remoteUrl = *patch.remoteUrl;
        if (next.name == current->name && next.defaultBranch == current->defaultBranch &&
            next.remoteUrl == current->remoteUrl)
            return current;  // nothing really changed: updated_at stays (§13)
        next.updatedAt = now;
        SQLite::Statement update(sql,
                                 "UPDATE repositories SET name = ?, default_branch = ?, "
                                 "remote_url = ?, updated_at = ? WHERE id = ?");
        update.bind(1, next.name);
        update.bind(2, next.defaultBranch);
        bindOptional(update, 3, next.remoteUrl);
        update.bind(4, next.updatedAt);
        update.bind(5, id);
        update.exec();
        transaction.commit();
        return next;
    });
}

bool deleteRepository(Database& db, const std::string& id) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement remove(sql, "DELETE FROM repositories WHERE id = ?");
        remove.bind(1, id);
        return remove.exec() > 0;
    });
}

}  // namespace parawork::store
