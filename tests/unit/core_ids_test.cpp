// Unit tests of core ids and secrets: UUID shape and validation, random hex, constant-time compare.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/ids.hpp"
#include "core/secrets.hpp"

namespace parawork::core {
namespace {

TEST(Ids, NewUuidIsVersion4LowercaseHyphenated) {
    for (int i = 0; i < 100; ++i) {
        std::string id = newUuid();
        ASSERT_EQ(id.size(), 36u);
        EXPECT_TRUE(isUuid(id)) << id;
        EXPECT_EQ(id[14], '4') << id;
        EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
        for (char c : id) EXPECT_FALSE(c >= 'A' && c <= 'F') << id;
    }
}

TEST(Ids, NewUuidsDiffer) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(newUuid());
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(Ids, IsUuidAcceptsAnyVersionAndCase) {
    EXPECT_TRUE(isUuid("00000000-0000-0000-0000-000000000000"));  // nil UUID
    EXPECT_TRUE(isUuid("123e4567-e89b-12d3-a456-426614174000"));  // version 1
    EXPECT_TRUE(isUuid("ABCDEF01-2345-6789-ABCD-EF0123456789"));
    EXPECT_TRUE(isUuid("ffffffff-ffff-ffff-ffff-ffffffffffff"));
}

TEST(Ids, IsUuidRejectsOtherShapes) {
    EXPECT_FALSE(isUuid(""));
    EXPECT_FALSE(isUuid("123e4567e89b12d3a456426614174000"));       // no hyphens
    EXPECT_FALSE(isUuid("123e4567-e89b-12d3-a456-42661417400"));    // short
    EXPECT_FALSE(isUuid("123e4567-e89b-12d3-a456-4266141740000"));  // long
    EXPECT_FALSE(isUuid("123e4567-e89b-12d3-a456_426614174000"));   // wrong separator
    EXPECT_FALSE(isUuid("123e4567-e89b-12d3-a456-42661417400g"));   // not hex
    EXPECT_FALSE(isUuid("{123e4567-e89b-12d3-a456-426614174000"));
    EXPECT_FALSE(isUuid("123e456-7e89b-12d3-a456-426614174000"));  // hyphen misplaced
    EXPECT_FALSE(isUuid(std::string_view("123e4567-e89b-12d3-a456-42661417400\0", 36)));
}

TEST(Secrets, RandomHexHasTwoDigitsPerByte) {
    EXPECT_EQ(randomHex(0), "");
    std::string hex = randomHex(32);
    ASSERT_EQ(hex.size(), 64u);
    EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
    EXPECT_NE(randomHex(32), hex);
    EXPECT_EQ(randomHex(1000).size(), 2000u);  // more than one getrandom chunk
}

TEST(Secrets, ConstantTimeEquals) {
    EXPECT_TRUE(constantTimeEquals("", ""));
    EXPECT_TRUE(constantTimeEquals("secret", "secret"));
    EXPECT_FALSE(constantTimeEquals("secret", "secreT"));
    EXPECT_FALSE(constantTimeEquals("Secret", "secret"));
    EXPECT_FALSE(constantTimeEquals("secret", "secret2"));
    EXPECT_FALSE(constantTimeEquals("secret2", "secret"));
    EXPECT_FALSE(constantTimeEquals("", "secret"));
    EXPECT_FALSE(constantTimeEquals("secret", ""));
    // A prefix padded with NULs must not match a shorter secret.
    EXPECT_FALSE(constantTimeEquals(std::string_view("ab\0", 3), "ab"));
}

}  // namespace
}  // namespace parawork::core
