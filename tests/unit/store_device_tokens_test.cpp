// Device tokens in the store.
#include <SQLiteCpp/Exception.h>
#include <gtest/gtest.h>

#include "store/device_tokens.hpp"
#include "unit/store_fixture.hpp"

namespace parawork::store {
namespace {

using StoreDeviceTokens = fixture::StoreTest;

DeviceTokenRow makeRow(std::string id, std::string name, std::int64_t createdAt) {
    return {id, std::move(name), std::string(64, id.front()), createdAt, std::nullopt};
}

TEST_F(StoreDeviceTokens, ListsInCreatedOrderThenById) {
    EXPECT_TRUE(listDeviceTokens(db_).empty());
    insertDeviceToken(db_, makeRow("c", "tablet", 2000));
    insertDeviceToken(db_, makeRow("b", "phone", 1000));
    insertDeviceToken(db_, {"a", "laptop", std::string(64, '0'), 2000, 2500});
    auto rows = listDeviceTokens(db_);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].id, "b");
    EXPECT_EQ(rows[0].name, "phone");
    EXPECT_EQ(rows[0].tokenSha256, std::string(64, 'b'));
    EXPECT_EQ(rows[0].createdAt, 1000);
    EXPECT_EQ(rows[0].lastUsedAt, std::nullopt);
    EXPECT_EQ(rows[1].id, "a");
    EXPECT_EQ(rows[1].lastUsedAt, 2500);
    EXPECT_EQ(rows[2].id, "c");
}

TEST_F(StoreDeviceTokens, IdNameAndDigestAreUnique) {
    insertDeviceToken(db_, makeRow("a", "phone", 1000));
    EXPECT_THROW(insertDeviceToken(db_, {"a", "other", std::string(64, 'x'), 1, {}}),
                 SQLite::Exception);
    EXPECT_THROW(insertDeviceToken(db_, {"b", "phone", std::string(64, 'x'), 1, {}}),
                 SQLite::Exception);
    EXPECT_THROW(insertDeviceToken(db_, {"c", "other", std::string(64, 'a'), 1, {}}),
                 SQLite::Exception);
    EXPECT_EQ(listDeviceTokens(db_).size(), 1u);
}

TEST_F(StoreDeviceTokens, DeleteSaysWhetherItFoundTheToken) {
    insertDeviceToken(db_, makeRow("a", "phone", 1000));
    EXPECT_FALSE(deleteDeviceToken(db_, "nope"));
    EXPECT_TRUE(deleteDeviceToken(db_, "a"));
    EXPECT_FALSE(deleteDeviceToken(db_, "a"));
    EXPECT_TRUE(listDeviceTokens(db_).empty());
}

TEST_F(StoreDeviceTokens, RecordedUseOnlyMovesForward) {
    insertDeviceToken(db_, makeRow("a", "phone", 1000));
    recordDeviceTokenUse(db_, "a", 5000);
    EXPECT_EQ(listDeviceTokens(db_)[0].lastUsedAt, 5000);
    recordDeviceTokenUse(db_, "a", 4000);
    EXPECT_EQ(listDeviceTokens(db_)[0].lastUsedAt, 5000);
    recordDeviceTokenUse(db_, "a", 6000);
    EXPECT_EQ(listDeviceTokens(db_)[0].lastUsedAt, 6000);
    recordDeviceTokenUse(db_, "missing", 7000);  // a revoked device: nothing to update
    EXPECT_EQ(listDeviceTokens(db_).size(), 1u);
}

}  // namespace
}  // namespace parawork::store
