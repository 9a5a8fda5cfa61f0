// The one parser of numbers in query parameters: whole numbers (?offset=) and parseInt's
// leading digits (?limit= of the agent logs).
#include <gtest/gtest.h>

#include "api/query_number.hpp"

namespace parawork::api {
namespace {

TEST(QueryNumber, AWholeNumberIsAllDigits) {
    EXPECT_EQ(parseQueryNumber("0"), 0u);
    EXPECT_EQ(parseQueryNumber("18446744073709551615"), 18446744073709551615u);
    EXPECT_FALSE(parseQueryNumber(""));
    EXPECT_FALSE(parseQueryNumber("12abc"));
    EXPECT_FALSE(parseQueryNumber("-1"));
    EXPECT_FALSE(parseQueryNumber("+1"));
    EXPECT_FALSE(parseQueryNumber(" 1"));
    EXPECT_FALSE(parseQueryNumber("18446744073709551616"));  // beyond 64 bits
}

TEST(QueryNumber, LeadingDigitsReadAsParseIntDoes) {
    EXPECT_EQ(parseQueryNumber("12abc", NumberSyntax::LeadingDigits), 12u);
    EXPECT_EQ(parseQueryNumber("7", NumberSyntax::LeadingDigits), 7u);
    EXPECT_FALSE(parseQueryNumber("abc", NumberSyntax::LeadingDigits));
    EXPECT_FALSE(parseQueryNumber("-5", NumberSyntax::LeadingDigits));
    EXPECT_FALSE(parseQueryNumber("", NumberSyntax::LeadingDigits));
}

}  // namespace
}  // namespace parawork::api
