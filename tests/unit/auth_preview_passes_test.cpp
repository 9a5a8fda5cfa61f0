// Preview codes and passes, with a real token registry on a real database file.
#include <gtest/gtest.h>

#include "auth/digest.hpp"
#include "auth/preview_passes.hpp"
#include "unit/store_fixture.hpp"

namespace parawork::auth {
namespace {

using std::chrono::seconds;
using Clock = PreviewPasses::Clock;

const Clock::time_point t0 = Clock::time_point(seconds(1'800'000'000));
const std::string kHost = "5173-0a1b2c3d.localhost:7777";
const std::string kOtherHost = "8080-0a1b2c3d.localhost:7777";
const Principal kOwner{"owner", "owner"};

/// A pass as verifyPass expects it, signed with `key`.
std::string makePass(std::string_view key, std::string_view principalId, std::string_view expiry,
                     std::string_view host) {
    std::string message =
        "v1|" + std::string(principalId) + "|" + std::string(expiry) + "|" + std::string(host);
    return "v1." + toLowerHex(principalId) + "." + std::string(expiry) + "." +
           hmacSha256Hex(key, message);
}

class AuthPreviewPasses : public ::testing::Test {
  protected:
    std::string redeemedPass(const Principal& who, const std::string& host = kHost) {
        auto pass = passes_.redeemCode(passes_.issueCode(who, host, t0), host, t0 + seconds(1));
        EXPECT_TRUE(pass);
        return pass.value_or("");
    }

    store::fixture::TempDir dir_;
    store::Database db_ = store::Database::open(dir_.path() / "parawork.db");
    TokenRegistry registry_{"0123456789abcdef0123456789abcdef", &db_};
    PreviewPasses passes_{registry_};
};

TEST_F(AuthPreviewPasses, ACodeBecomesAPassForItsHost) {
    std::string code = passes_.issueCode(kOwner, kHost, t0);
    EXPECT_EQ(code.size(), 64u);
    auto pass = passes_.redeemCode(code, kHost, t0 + seconds(1));
    ASSERT_TRUE(pass);
    std::string expiry = std::to_string(1'800'000'001 + 12 * 3600);
    EXPECT_EQ(*pass, makePass(registry_.signingKey(), "owner", expiry, kHost));
    EXPECT_EQ(passes_.verifyPass(*pass, kHost, t0 + seconds(2)), kOwner);
    EXPECT_EQ(passes_.verifyPass(*pass, kOtherHost, t0 + seconds(2)), std::nullopt);
}

TEST_F(AuthPreviewPasses, ACodeWorksOnceEvenAfterAWrongHost) {
    std::string code = passes_.issueCode(kOwner, kHost, t0);
    EXPECT_TRUE(passes_.redeemCode(code, kHost, t0));
    EXPECT_EQ(passes_.redeemCode(code, kHost, t0), std::nullopt);

    std::string another = passes_.issueCode(kOwner, kHost, t0);
    EXPECT_EQ(passes_.redeemCode(another, kOtherHost, t0), std::nullopt);
    EXPECT_EQ(passes_.redeemCode(another, kHost, t0), std::nullopt);
    EXPECT_EQ(passes_.redeemCode("", kHost, t0), std::nullopt);
    EXPECT_EQ(passes_.redeemCode("not-a-code", kHost, t0), std::nullopt);
}

TEST_F(AuthPreviewPasses, ACodeExpiresAfterItsLifetime) {
    std::string late = passes_.issueCode(kOwner, kHost, t0);
    std::string inTime = passes_.issueCode(kOwner, kHost, t0);
    EXPECT_TRUE(passes_.redeemCode(inTime, kHost, t0 + seconds(59)));
    EXPECT_EQ(passes_.redeemCode(late, kHost, t0 + seconds(60)), std::nullopt);
}

TEST_F(AuthPreviewPasses, APassExpiresAfterItsLifetime) {
    PreviewPasses shortPasses(registry_, {.passLifetime = seconds(100)});
    auto pass = shortPasses.redeemCode(shortPasses.issueCode(kOwner, kHost, t0), kHost, t0);
    ASSERT_TRUE(pass);
    EXPECT_EQ(shortPasses.verifyPass(*pass, kHost, t0 + seconds(99)), kOwner);
    EXPECT_EQ(shortPasses.verifyPass(*pass, kHost, t0 + seconds(100)), std::nullopt);
}

TEST_F(AuthPreviewPasses, EveryTamperedFieldIsRefused) {
    std::string key = registry_.signingKey();
    std::string expiry = std::to_string(1'800'000'000 + 3600);
    std::string good = makePass(key, "owner", expiry, kHost);
    ASSERT_EQ(passes_.verifyPass(good, kHost, t0), kOwner);

    std::string mac = good.substr(good.rfind('.') + 1);
    std::string otherId = toLowerHex("device:0123456789abcdef");
    std::string longer = std::to_string(1'800'000'000 + 7200);
    for (const std::string& tampered : {
             "v2." + toLowerHex("owner") + "." + expiry + "." + mac,                  // version
             "v1." + otherId + "." + expiry + "." + mac,                              // principal
             "v1." + toLowerHex("owner") + "." + longer + "." + mac,                  // expiry
             "v1." + toLowerHex("owner") + "." + expiry + "." + mac.substr(1) + "0",  // signature
             "v1." + toLowerHex("owner") + "." + expiry + "." + std::string(64, '0'),
             "V1." + toLowerHex("owner") + "." + expiry + "." + mac,
             "v1.6F776E6572." + expiry + "." + mac,  // the same id in upper-case hex
             "v1." + toLowerHex("owner") + ".0" + expiry + "." + mac,  // a leading zero
         })
        EXPECT_EQ(passes_.verifyPass(tampered, kHost, t0), std::nullopt) << tampered;
    // Signed for another host, or with another key.
    EXPECT_EQ(passes_.verifyPass(makePass(key, "owner", expiry, kOtherHost), kHost, t0),
              std::nullopt);
    EXPECT_EQ(passes_.verifyPass(makePass("guessed key", "owner", expiry, kHost), kHost, t0),
              std::nullopt);
}

TEST_F(AuthPreviewPasses, RotatingTheOwnerTokenEndsEveryPass) {
    std::string pass = redeemedPass(kOwner);
    ASSERT_EQ(passes_.verifyPass(pass, kHost, t0 + seconds(2)), kOwner);
    registry_.setOwnerToken("fedcba9876543210fedcba9876543210");
    EXPECT_EQ(passes_.verifyPass(pass, kHost, t0 + seconds(2)), std::nullopt);
    EXPECT_EQ(passes_.verifyPass(redeemedPass(kOwner), kHost, t0 + seconds(2)), kOwner);
}

TEST_F(AuthPreviewPasses, RevokingADeviceEndsItsPassesAndCodes) {
    auto issued = registry_.addDevice("phone");
    Principal phone{"device:" + issued.info.id, "phone"};
    std::string pass = redeemedPass(phone);
    EXPECT_EQ(passes_.verifyPass(pass, kHost, t0 + seconds(2)), phone);
    std::string code = passes_.issueCode(phone, kHost, t0);

    ASSERT_TRUE(registry_.revokeDevice("phone"));
    EXPECT_EQ(passes_.verifyPass(pass, kHost, t0 + seconds(2)), std::nullopt);
    EXPECT_EQ(passes_.redeemCode(code, kHost, t0 + seconds(2)), std::nullopt);
    // A signed pass for an id that never existed is no better.
    std::string expiry = std::to_string(1'800'000'000 + 3600);
    EXPECT_EQ(passes_.verifyPass(makePass(registry_.signingKey(), "device:nope", expiry, kHost),
                                 kHost, t0),
              std::nullopt);
}

TEST_F(AuthPreviewPasses, MalformedPassesAreRefused) {
    std::string mac(64, 'a');
    for (const std::string& malformed :
         {std::string(), std::string("v1"), std::string("v1..."), std::string("...."),
          std::string("v1.x.y.z"), "v1.6f776e6572.abc." + mac, "v1.6f776e6572.-5." + mac,
          "v1.6f776e6572.0." + mac, "v1.6f776e657.1900000000." + mac, "v1..1900000000." + mac,
          "v1.6f776e6572.1900000000." + mac + ".x", "v1.6f776e6572.99999999999999999999999." + mac,
          std::string("v1.\xff.\x00.", 8)})
        EXPECT_EQ(passes_.verifyPass(malformed, kHost, t0), std::nullopt) << malformed;
}

TEST_F(AuthPreviewPasses, BeyondMaxCodesTheOldestIsDropped) {
    PreviewPasses few(registry_, {.maxCodes = 2});
    std::string first = few.issueCode(kOwner, kHost, t0);
    std::string second = few.issueCode(kOwner, kHost, t0 + seconds(1));
    std::string third = few.issueCode(kOwner, kHost, t0 + seconds(2));
    EXPECT_EQ(few.redeemCode(first, kHost, t0 + seconds(3)), std::nullopt);
    EXPECT_TRUE(few.redeemCode(second, kHost, t0 + seconds(3)));
    EXPECT_TRUE(few.redeemCode(third, kHost, t0 + seconds(3)));
}

}  // namespace
}  // namespace parawork::auth
