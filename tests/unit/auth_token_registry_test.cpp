// The owner's token and device tokens, against a real database file.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "auth/digest.hpp"
#include "auth/token_registry.hpp"
#include "core/error.hpp"
#include "store/device_tokens.hpp"
#include "unit/store_fixture.hpp"

namespace parawork::auth {
namespace {

const std::string kOwnerToken = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const Principal kOwner{"owner", "owner"};

std::optional<std::int64_t> lastUse(const std::vector<DeviceToken>& devices,
                                    std::string_view name) {
    for (const DeviceToken& device : devices)
        if (device.name == name) return device.lastUsedAt;
    ADD_FAILURE() << "no device named " << name;
    return std::nullopt;
}

std::optional<std::int64_t> storedLastUse(store::Database& db, std::string_view name) {
    for (const store::DeviceTokenRow& row : store::listDeviceTokens(db))
        if (row.name == name) return row.lastUsedAt;
    ADD_FAILURE() << "no stored device named " << name;
    return std::nullopt;
}

class AuthTokenRegistry : public ::testing::Test {
  protected:
    store::fixture::TempDir dir_;
    store::Database db_ = store::Database::open(dir_.path() / "parawork.db");
    TokenRegistry registry_{kOwnerToken, &db_};
};

TEST_F(AuthTokenRegistry, OnlyTheExactOwnerTokenIsTheOwner) {
    EXPECT_EQ(registry_.authenticate(kOwnerToken), kOwner);
    EXPECT_EQ(registry_.authenticate(""), std::nullopt);
    EXPECT_EQ(registry_.authenticate("wrong"), std::nullopt);
    EXPECT_EQ(registry_.authenticate(kOwnerToken.substr(0, 63)), std::nullopt);
    EXPECT_EQ(registry_.authenticate(kOwnerToken + "0"), std::nullopt);
    EXPECT_EQ(registry_.ownerToken(), kOwnerToken);
    EXPECT_EQ(registry_.principal("owner"), kOwner);
}

TEST_F(AuthTokenRegistry, ADeviceTokenAuthenticatesAsItsDevice) {
    auto issued = registry_.addDevice("phone");
    EXPECT_EQ(issued.info.name, "phone");
    EXPECT_EQ(issued.info.id.size(), 16u);
    EXPECT_GT(issued.info.createdAt, 0);
    EXPECT_TRUE(issued.token.starts_with("pwd_"));
    EXPECT_EQ(issued.token.size(), 4u + 64u);

    Principal phone{"device:" + issued.info.id, "phone"};
    EXPECT_EQ(registry_.authenticate(issued.token), phone);
    EXPECT_EQ(registry_.principal(phone.id), phone);
    EXPECT_EQ(registry_.authenticate(issued.token.substr(0, 67)), std::nullopt);
    EXPECT_EQ(registry_.principal("device:nope"), std::nullopt);
    EXPECT_EQ(registry_.principal(issued.info.id), std::nullopt);  // ids need the prefix
    EXPECT_EQ(registry_.principal(""), std::nullopt);
}

TEST_F(AuthTokenRegistry, OnlyTheTokensDigestIsStored) {
    auto issued = registry_.addDevice("phone");
    auto rows = store::listDeviceTokens(db_);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].id, issued.info.id);
    EXPECT_EQ(rows[0].name, "phone");
    EXPECT_EQ(rows[0].tokenSha256, sha256Hex(issued.token));
    EXPECT_EQ(rows[0].createdAt, issued.info.createdAt);
}

TEST_F(AuthTokenRegistry, DevicesSurviveANewRegistryOnTheSameDatabase) {
    auto phone = registry_.addDevice("phone");
    auto tablet = registry_.addDevice("tablet");
    TokenRegistry reloaded(kOwnerToken, &db_);
    EXPECT_EQ(reloaded.authenticate(phone.token), (Principal{"device:" + phone.info.id, "phone"}));
    EXPECT_EQ(reloaded.authenticate(tablet.token),
              (Principal{"device:" + tablet.info.id, "tablet"}));
    // The same list, in the same order (created_at, then id for one millisecond).
    auto before = registry_.devices();
    auto after = reloaded.devices();
    ASSERT_EQ(after.size(), 2u);
    ASSERT_EQ(before.size(), 2u);
    for (std::size_t i = 0; i < after.size(); ++i) {
        EXPECT_EQ(after[i].id, before[i].id);
        EXPECT_EQ(after[i].name, before[i].name);
        EXPECT_EQ(after[i].createdAt, before[i].createdAt);
    }
    EXPECT_LE(after[0].createdAt, after[1].createdAt);
}

TEST_F(AuthTokenRegistry, RevokingByNameOrIdTakesEffectAtOnce) {
    auto phone = registry_.addDevice("phone");
    auto tablet = registry_.addDevice("tablet");
    EXPECT_FALSE(registry_.revokeDevice("laptop"));
    EXPECT_FALSE(registry_.revokeDevice(""));

    EXPECT_TRUE(registry_.revokeDevice("phone"));
    EXPECT_EQ(registry_.authenticate(phone.token), std::nullopt);
    EXPECT_EQ(registry_.principal("device:" + phone.info.id), std::nullopt);
    EXPECT_FALSE(registry_.revokeDevice("phone"));
    EXPECT_TRUE(registry_.authenticate(tablet.token));

    EXPECT_TRUE(registry_.revokeDevice(tablet.info.id));
    EXPECT_EQ(registry_.authenticate(tablet.token), std::nullopt);
    EXPECT_EQ(registry_.principal("device:" + tablet.info.id), std::nullopt);
    EXPECT_TRUE(registry_.devices().empty());
    EXPECT_TRUE(store::listDeviceTokens(db_).empty());
    EXPECT_EQ(registry_.authenticate(kOwnerToken), kOwner);
}

TEST_F(AuthTokenRegistry, ARevokedNameCanBeIssuedAgainWithANewToken) {
    auto first = registry_.addDevice("phone");
    ASSERT_TRUE(registry_.revokeDevice("phone"));
    auto second = registry_.addDevice("phone");
    EXPECT_NE(second.token, first.token);
    EXPECT_NE(second.info.id, first.info.id);
    EXPECT_EQ(registry_.authenticate(first.token), std::nullopt);
    EXPECT_EQ(registry_.authenticate(second.token),
              (Principal{"device:" + second.info.id, "phone"}));
}

TEST_F(AuthTokenRegistry, BadOrTakenNamesAreRefusedWithAReason) {
    for (std::string bad :
         {std::string(), std::string(65, 'a'), std::string("../x"), std::string("-x"),
          std::string(".x"), std::string("a b"), std::string("a/b"), std::string("é")})
        EXPECT_THROW(registry_.addDevice(bad), core::Error) << bad;
    registry_.addDevice(std::string(64, 'a'));
    registry_.addDevice("Phone_2.home-net");
    try {
        registry_.addDevice("Phone_2.home-net");
        FAIL() << "a duplicate name was accepted";
    } catch (const core::Error& e) {
        EXPECT_STREQ(e.what(), "a device token named 'Phone_2.home-net' exists; revoke it first");
    }
    try {
        registry_.addDevice("a b");
        FAIL() << "a name with a space was accepted";
    } catch (const core::Error& e) {
        EXPECT_NE(std::string(e.what()).find("letters, digits"), std::string::npos) << e.what();
    }
    EXPECT_EQ(registry_.devices().size(), 2u);
}

TEST_F(AuthTokenRegistry, RotatingTheOwnerTokenSwapsItAndTheSigningKey) {
    std::string oldKey = registry_.signingKey();
    EXPECT_EQ(oldKey, hmacSha256Hex(kOwnerToken, "parawork preview pass v1"));
    registry_.setOwnerToken("fedcba9876543210fedcba9876543210");
    EXPECT_EQ(registry_.authenticate(kOwnerToken), std::nullopt);
    EXPECT_EQ(registry_.authenticate("fedcba9876543210fedcba9876543210"), kOwner);
    EXPECT_EQ(registry_.ownerToken(), "fedcba9876543210fedcba9876543210");
    EXPECT_NE(registry_.signingKey(), oldKey);
    EXPECT_EQ(registry_.signingKey(),
              hmacSha256Hex("fedcba9876543210fedcba9876543210", "parawork preview pass v1"));
}

TEST_F(AuthTokenRegistry, LastUseIsKeptInMemoryUntilFlushed) {
    auto phone = registry_.addDevice("phone");
    registry_.addDevice("tablet");
    EXPECT_EQ(lastUse(registry_.devices(), "phone"), std::nullopt);

    ASSERT_TRUE(registry_.authenticate(phone.token));
    auto seen = lastUse(registry_.devices(), "phone");
    ASSERT_TRUE(seen);
    EXPECT_GE(*seen, phone.info.createdAt);
    EXPECT_EQ(storedLastUse(db_, "phone"), std::nullopt);  // no database write on the loop

    registry_.flushUsage();
    EXPECT_EQ(storedLastUse(db_, "phone"), seen);
    EXPECT_EQ(storedLastUse(db_, "tablet"), std::nullopt);
    EXPECT_EQ(lastUse(registry_.devices(), "phone"), seen);
    EXPECT_EQ(lastUse(TokenRegistry(kOwnerToken, &db_).devices(), "phone"), seen);
}

TEST(AuthTokenRegistryWithoutDatabase, HasOnlyTheOwner) {
    TokenRegistry registry(kOwnerToken, nullptr);
    EXPECT_EQ(registry.authenticate(kOwnerToken), kOwner);
    EXPECT_THROW(registry.addDevice("phone"), core::Error);
    EXPECT_TRUE(registry.devices().empty());
    EXPECT_FALSE(registry.revokeDevice("phone"));
    registry.flushUsage();
    EXPECT_EQ(registry.principal("device:0123456789abcdef"), std::nullopt);
}

// Readers on several threads while a writer adds, revokes and flushes: every answer stays
// right (run under the ASan/TSan builds to catch races).
TEST_F(AuthTokenRegistry, ReadersAndWritersMayRunAtOnce) {
    auto phone = registry_.addDevice("phone");
    std::atomic<bool> stop = false;
    std::atomic<int> wrong = 0;
    std::vector<std::thread> readers;
    Principal phoneDevice{"device:" + phone.info.id, "phone"};
    for (int i = 0; i < 3; ++i)
        readers.emplace_back([&] {
            do {
                if (registry_.authenticate(kOwnerToken) != kOwner) ++wrong;
                if (registry_.authenticate(phone.token) != phoneDevice) ++wrong;
                if (registry_.authenticate("pwd_guess")) ++wrong;
                if (registry_.devices().empty()) ++wrong;
            } while (!stop);
        });
    for (int i = 0; i < 50; ++i) {
        auto other = registry_.addDevice("other-" + std::to_string(i));
        registry_.flushUsage();
        EXPECT_TRUE(registry_.revokeDevice(other.info.id));
    }
    stop = true;
    for (auto& reader : readers) reader.join();
    EXPECT_EQ(wrong, 0);
    registry_.flushUsage();
    EXPECT_TRUE(storedLastUse(db_, "phone"));
}

}  // namespace
}  // namespace parawork::auth
