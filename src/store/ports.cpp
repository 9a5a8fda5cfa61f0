#include "store/ports.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace parawork::store {

std::map<std::string, StoredPortBlock> listPortBlocks(Database& db) {
    return db.withLock([](SQLite::Database& sql) {
        SQLite::Statement query(sql, "SELECT workspace_id, first_port, size FROM port_blocks");
        std::map<std::string, StoredPortBlock> blocks;
        while (query.executeStep())
            blocks[query.getColumn(0).getString()] = {
                static_cast<std::uint16_t>(query.getColumn(1).getInt()),
                static_cast<std::uint16_t>(query.getColumn(2).getInt())};
        return blocks;
    });
}

void savePortBlock(Database& db, const std::string& workspaceId, StoredPortBlock block) {
    db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement upsert(sql,
                                 "INSERT INTO port_blocks (workspace_id, first_port, size) "
                                 "VALUES (?, ?, ?) ON CONFLICT (workspace_id) DO UPDATE SET "
                                 "first_port = excluded.first_port, size = excluded.size");
        upsert.bind(1, workspaceId);
        upsert.bind(2, block.first);
        upsert.bind(3, block.size);
        upsert.exec();
    });
}

void saveDeclaredPorts(Database& db, const std::string& sessionId,
                       const std::vector<std::uint16_t>& ports) {
    if (ports.empty()) return;
    db.withLock([&](SQLite::Database& sql) {
        SQLite::Transaction transaction(sql);
        SQLite::Statement insert(
            sql, "INSERT OR IGNORE INTO declared_ports (session_id, port) VALUES (?, ?)");
        for (auto port : ports) {
            insert.bind(1, sessionId);
            insert.bind(2, port);
            insert.exec();
            insert.reset();
        }
        transaction.commit();
    });
}

std::vector<std::uint16_t> declaredPorts(Database& db, const std::string& sessionId) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(
            sql, "SELECT port FROM declared_ports WHERE session_id = ? ORDER BY port");
        query.bind(1, sessionId);
        std::vector<std::uint16_t> ports;
        while (query.executeStep())
            ports.push_back(static_cast<std::uint16_t>(query.getColumn(0).getInt()));
        return ports;
    });
}

}  // namespace parawork::store
