// Naming things on the command line (ids.hpp) and the human output helpers (output.hpp).
#include <gtest/gtest.h>

#include <sstream>

#include "cli/context.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"

namespace parawork::cli {
namespace {

std::vector<Candidate> sample() {
    return {{"a1b2c3d4-0000", "web", false},
            {"a1ffffff-0000", "web", true},
            {"b0000000-0000", "db", false},
            {"c0000000-0000", "a1b2", false}};
}

std::string codeOf(const std::vector<Candidate>& list, const std::string& arg) {
    try {
        resolveCandidate(list, arg, "session");
    } catch (const CliError& e) {
        return e.code;
    }
    return "ok";
}

TEST(CliIds, ExactIdThenNameThenPrefix) {
    auto list = sample();
    EXPECT_EQ(resolveCandidate(list, "b0000000-0000", "session").id, "b0000000-0000");
    EXPECT_EQ(resolveCandidate(list, "db", "session").id, "b0000000-0000");
    EXPECT_EQ(resolveCandidate(list, "b", "session").id, "b0000000-0000");
    EXPECT_EQ(resolveCandidate(list, "a1b", "session").id, "a1b2c3d4-0000");
    // A name wins over an id prefix.
    EXPECT_EQ(resolveCandidate(list, "a1b2", "session").id, "c0000000-0000");
}

TEST(CliIds, SharedNamePrefersTheOnlyActive) {
    auto list = sample();
    EXPECT_EQ(resolveCandidate(list, "web", "session").id, "a1ffffff-0000");
    list[0].active = true;
    EXPECT_EQ(codeOf(list, "web"), "ambiguous");
}

TEST(CliIds, AmbiguousAndMissing) {
    auto list = sample();
    EXPECT_EQ(codeOf(list, "a1"), "ambiguous");
    try {
        resolveCandidate(list, "a1", "session");
    } catch (const CliError& e) {
        EXPECT_NE(std::string(e.what()).find("a1b2c3d4"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("a1ffffff"), std::string::npos);
    }
    EXPECT_EQ(codeOf(list, "zzz"), "not_found");
    EXPECT_EQ(codeOf(list, ""), "invalid");
    EXPECT_EQ(codeOf({}, "x"), "not_found");
}

TEST(CliOutput, RelativeTimes) {
    const std::int64_t now = 10'000'000'000;
    EXPECT_EQ(relativeTime(0, now), "-");
    EXPECT_EQ(relativeTime(now, now), "just now");
    EXPECT_EQ(relativeTime(now + 5000, now), "just now");  // a clock a little ahead
    EXPECT_EQ(relativeTime(now - 42'000, now), "42s ago");
    EXPECT_EQ(relativeTime(now - 5 * 60'000, now), "5m ago");
    EXPECT_EQ(relativeTime(now - 3 * 3'600'000, now), "3h ago");
    EXPECT_EQ(relativeTime(now - 2 * 86'400'000, now), "2d ago");
}

TEST(CliOutput, TablesAlignOnCodePointsAndIgnoreColour) {
    Table t({"ID", "NAME", "X"});
    t.add({"1", "héllo", "a"});
    t.add({"22", "\x1b[32mrun\x1b[0m", "b"});
    std::ostringstream out;
    t.print(out);
    EXPECT_EQ(out.str(),
              "ID  NAME   X\n"
              "1   héllo  a\n"
              "22  \x1b[32mrun\x1b[0m    b\n");
}

TEST(CliOutput, ShortIdsAndEllipsis) {
    EXPECT_EQ(shortId("0123456789abcdef"), "01234567");
    EXPECT_EQ(shortId("abc"), "abc");
    EXPECT_EQ(ellipsize("abcdef", 10), "abcdef");
    EXPECT_EQ(ellipsize("abcdef", 4), "abc…");
    EXPECT_EQ(ellipsize("ééééé", 3), "éé…");
}

}  // namespace
}  // namespace parawork::cli
