// Queries of the device_tokens table (schema v6): the named tokens a remote device signs in
// with, each kept only as the SHA-256 of the token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace parawork::store {

struct DeviceTokenRow {
    std::string id;
    std::string name;
    std::string tokenSha256;  ///< 64 lower-case hex digits; never the token itself
    std::int64_t createdAt = 0;
    std::optional<std::int64_t> lastUsedAt;
};

/// Every device token, by created_at then id.
std::vector<DeviceTokenRow> listDeviceTokens(Database& db);
/// Throws SQLite::Exception when the id, name or digest is already taken.
void insertDeviceToken(Database& db, const DeviceTokenRow& row);
/// Deletes the token with this id; false when there is none.
bool deleteDeviceToken(Database& db, const std::string& id);
/// Records a use of the token at `at` (ms since the epoch); a later recorded use is kept, so
/// flushes that arrive out of order never move it back. No-op when the id is absent.
void recordDeviceTokenUse(Database& db, const std::string& id, std::int64_t at);

}  // namespace parawork::store
