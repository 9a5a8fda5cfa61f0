// SHA-256 and HMAC-SHA-256 against published vectors.
#include <gtest/gtest.h>

#include "auth/digest.hpp"

namespace parawork::auth {
namespace {

TEST(AuthDigest, Sha256MatchesFips180Vectors) {
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(AuthDigest, HmacSha256MatchesRfc4231TestCase2) {
    EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(AuthDigest, BytesBeyondAsciiAndNulAreHashedAsGiven) {
    using namespace std::string_view_literals;
    EXPECT_NE(sha256Hex("a\0b"sv), sha256Hex("a"));
    EXPECT_EQ(sha256Hex("\xff"sv).size(), 64u);
    EXPECT_EQ(toLowerHex("\x00\xab\xff"sv), "00abff");
}

}  // namespace
}  // namespace parawork::auth
