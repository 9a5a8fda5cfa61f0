// Unit tests of core::parseNumber: a whole decimal number or nothing.
#include <cstdint>

#include <gtest/gtest.h>

#include "core/parse_number.hpp"

namespace parawork::core {
namespace {

TEST(ParseNumber, TakesAWholeDecimalNumber) {
    EXPECT_EQ(parseNumber<int>("0"), 0);
    EXPECT_EQ(parseNumber<int>("4242"), 4242);
    EXPECT_EQ(parseNumber<std::int64_t>("-17"), -17);
    EXPECT_EQ(parseNumber<std::uint64_t>("18446744073709551615"), UINT64_MAX);
}

TEST(ParseNumber, RefusesAnythingElse) {
    for (const char* text : {"", " 1", "1 ", "+1", "1x", "x1", "1.5", "0x10", "-"})
        EXPECT_EQ(parseNumber<int>(text), std::nullopt) << '"' << text << '"';
    EXPECT_EQ(parseNumber<unsigned>("-1"), std::nullopt);
}

TEST(ParseNumber, RefusesWhatDoesNotFit) {
    EXPECT_EQ(parseNumber<std::uint16_t>("65536"), std::nullopt);
    EXPECT_EQ(parseNumber<std::uint16_t>("65535"), 65535);
    EXPECT_EQ(parseNumber<std::uint64_t>("18446744073709551616"), std::nullopt);
}

}  // namespace
}  // namespace parawork::core
