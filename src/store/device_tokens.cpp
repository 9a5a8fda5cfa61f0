#include "store/device_tokens.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "store/columns.hpp"

namespace parawork::store {

std::vector<DeviceTokenRow> listDeviceTokens(Database& db) {
    return db.withLock([](SQLite::Database& sql) {
        SQLite::Statement query(sql,
                                "SELECT id, name, token_sha256, created_at, last_used_at "
                                "FROM device_tokens ORDER BY created_at, id");
        std::vector<DeviceTokenRow> rows;
        while (query.executeStep())
            rows.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                            query.getColumn(2).getString(), query.getColumn(3).getInt64(),
                            optionalInt64(query.getColumn(4))});
        return rows;
    });
}

void insertDeviceToken(Database& db, const DeviceTokenRow& row) {
    db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement insert(sql,
                                 "INSERT INTO device_tokens "
                                 "(id, name, token_sha256, created_at, last_used_at) "
                                 "VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, row.id);
        insert.bind(2, row.name);
        insert.bind(3, row.tokenSha256);
        insert.bind(4, row.createdAt);
        bindOptional(insert, 5, row.lastUsedAt);
        insert.exec();
    });
}

bool deleteDeviceToken(Database& db, const std::string& id) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement remove(sql, "DELETE FROM device_tokens WHERE id = ?");
        remove.bind(1, id);
        return remove.exec() > 0;
    });
}

void recordDeviceTokenUse(Database& db, const std::string& id, std::int64_t at) {
    db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement update(sql,
                                 "UPDATE device_tokens SET last_used_at = "
                                 "max(coalesce(last_used_at, ?1), ?1) WHERE id = ?2");
        update.bind(1, at);
        update.bind(2, id);
        update.exec();
    });
}

}  // namespace parawork::store
