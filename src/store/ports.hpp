// Queries of the port tables (schema v5): each workspace's block of ports, and the ports a
// session declared it serves.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace parawork::store {

/// A workspace's block: first port and size.
struct StoredPortBlock {
    std::uint16_t first = 0;
    std::uint16_t size = 0;
};

/// Every workspace's block, by workspace id.
std::map<std::string, StoredPortBlock> listPortBlocks(Database& db);
/// Records the workspace's block (replacing an earlier one). Throws SQLite::Exception when the
/// workspace does not exist.
void savePortBlock(Database& db, const std::string& workspaceId, StoredPortBlock block);

/// Records the ports the session declared (duplicates once). Throws SQLite::Exception when the
/// session does not exist.
void saveDeclaredPorts(Database& db, const std::string& sessionId,
                       const std::vector<std::uint16_t>& ports);
/// The session's declared ports, ascending.
std::vector<std::uint16_t> declaredPorts(Database& db, const std::string& sessionId);

}  // namespace parawork::store
