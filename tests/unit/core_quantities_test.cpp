#include "core/quantities.hpp"

#include <gtest/gtest.h>

namespace parawork::core {
namespace {

TEST(Quantities, Bytes) {
    EXPECT_EQ(parseBytes("1024"), 1024u);
    EXPECT_EQ(parseBytes("512K"), 512u * 1024);
    EXPECT_EQ(parseBytes("2G"), 2ull << 30);
    EXPECT_EQ(parseBytes("2GiB"), 2ull << 30);
    EXPECT_EQ(parseBytes("1.5 mb"), 3u << 19);
    EXPECT_EQ(parseBytes(" 7b "), 7u);
    for (const char* bad : {"", "G", "-1G", "2X", "0", "1e9", "2 G B", "99999999999T"})
        EXPECT_FALSE(parseBytes(bad)) << bad;
}

TEST(Quantities, CpuPercent) {
    EXPECT_EQ(parseCpuPercent("150%"), 150.0);
    EXPECT_EQ(parseCpuPercent("1.5"), 150.0);
    EXPECT_EQ(parseCpuPercent("25 %"), 25.0);
    for (const char* bad : {"", "%", "0%", "-5%", "abc", "150%%", "2000000%"})
        EXPECT_FALSE(parseCpuPercent(bad)) << bad;
}

TEST(Quantities, Durations) {
    EXPECT_EQ(parseDurationMs("90"), 90'000);
    EXPECT_EQ(parseDurationMs("90s"), 90'000);
    EXPECT_EQ(parseDurationMs("250ms"), 250);
    EXPECT_EQ(parseDurationMs("2h"), 7'200'000);
    EXPECT_EQ(parseDurationMs("1h30m"), 5'400'000);
    EXPECT_EQ(parseDurationMs("1d"), 86'400'000);
    for (const char* bad : {"", "h", "5x", "1h 30", "30 1h", "0s", "400d", "-1s"})
        EXPECT_FALSE(parseDurationMs(bad)) << bad;
}

TEST(Quantities, FormatBytes) {
    EXPECT_EQ(formatBytes(17), "17 B");
    EXPECT_EQ(formatBytes(2ull << 30), "2.0 GiB");
    EXPECT_EQ(formatBytes(512u << 20), "512.0 MiB");
}

}  // namespace
}  // namespace parawork::core
