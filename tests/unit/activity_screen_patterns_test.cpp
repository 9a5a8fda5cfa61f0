// The screen matcher: every string of a pattern, case-insensitively; the most exact pattern wins.
#include <gtest/gtest.h>

#include "activity/screen_patterns.hpp"

namespace parawork::activity {
namespace {

using core::ScreenPattern;
using core::WaitingFor;

const std::vector<ScreenPattern> kPatterns = {
    {{"Do you want to proceed?"}, WaitingFor::Question, "asks a question"},
    {{"Do you want to proceed?", "1. Yes", "No, and tell Claude"},
     WaitingFor::Permission,
     "asks for permission"},
    {{"Select login method"}, WaitingFor::Login, "needs a login"},
};

TEST(ScreenPatterns, NoMatchOnAPlainScreen) {
    EXPECT_EQ(matchScreen(kPatterns, "$ ls\nMakefile  src  tests\n$ "), std::nullopt);
    EXPECT_EQ(matchScreen(kPatterns, ""), std::nullopt);
    EXPECT_EQ(matchScreen({}, "Select login method"), std::nullopt);
}

TEST(ScreenPatterns, CaseInsensitiveAcrossRows) {
    auto match = matchScreen(kPatterns, "  SELECT LOGIN METHOD:\n 1. Claude account\n");
    ASSERT_TRUE(match);
    EXPECT_EQ(match->waitingFor, WaitingFor::Login);
    EXPECT_EQ(match->reason, "needs a login");
}

TEST(ScreenPatterns, TheMostExactPatternWinsWhateverItsPlace) {
    std::string screen =
        "Bash command\n rm -rf build\nDo you want to proceed?\n> 1. Yes\n"
        "  2. No, and tell Claude what to do differently (esc)";
    auto match = matchScreen(kPatterns, screen);
    ASSERT_TRUE(match);
    EXPECT_EQ(match->waitingFor, WaitingFor::Permission);
    auto reversed = kPatterns;
    std::reverse(reversed.begin(), reversed.end());
    EXPECT_EQ(matchScreen(reversed, screen), match);
    // Without every string of the exact one, the shorter one matches.
    EXPECT_EQ(matchScreen(kPatterns, "Do you want to proceed?\n> 1. Yes")->waitingFor,
              WaitingFor::Question);
}

TEST(ScreenPatterns, EqualPatternsKeepTheProfilesOrder) {
    std::vector<ScreenPattern> two = {{{"quota"}, WaitingFor::Error, "first"},
                                      {{"QUOTA"}, WaitingFor::Error, "second"}};
    EXPECT_EQ(matchScreen(two, "Quota exceeded")->reason, "first");
}

TEST(ScreenPatterns, EmptyPatternsAndEmptyStringsNeverMatch) {
    std::vector<ScreenPattern> bad = {{{}, WaitingFor::Input, "empty"},
                                      {{"", "x"}, WaitingFor::Input, "empty part"}};
    EXPECT_EQ(matchScreen(bad, "x"), std::nullopt);
}

TEST(ScreenPatterns, NonAsciiTextMatchesExactly) {
    std::vector<ScreenPattern> p = {{{"\xE2\x9D\xAF Yes"}, WaitingFor::Question, "choice"}};
    EXPECT_TRUE(matchScreen(p, "\xE2\x9D\xAF YES"));
    EXPECT_FALSE(matchScreen(p, "> Yes"));
}

}  // namespace
}  // namespace parawork::activity
