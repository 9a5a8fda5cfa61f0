// ScreenSwitches (cli/screen_switches.hpp): the session's alternate-screen switches never reach
// the terminal that attach keeps on its own alternate screen, also when split between reads.
#include <gtest/gtest.h>

#include "cli/screen_switches.hpp"

namespace parawork::cli {
namespace {

TEST(CliScreenSwitches, OtherBytesAndEscapesPassUnchanged) {
    ScreenSwitches s;
    EXPECT_EQ(s.filter("plain \x1b[1mbold\x1b[0m \x1b[?25l\x1b[?2004h"),
              "plain \x1b[1mbold\x1b[0m \x1b[?25l\x1b[?2004h");
    EXPECT_FALSE(s.takeRedraw());
    EXPECT_EQ(s.flush(), "");
}

TEST(CliScreenSwitches, EnteringClearsAndLeavingClearsAndAsksForARedraw) {
    ScreenSwitches s;
    EXPECT_EQ(s.filter("a\x1b[?1049hvim"),
              "a\x1b"
              "7\x1b[H\x1b[2Jvim");
    EXPECT_FALSE(s.takeRedraw());
    EXPECT_EQ(s.filter("\x1b[?1049l$ "),
              "\x1b[H\x1b[2J\x1b"
              "8$ ");
    EXPECT_TRUE(s.takeRedraw());
    EXPECT_FALSE(s.takeRedraw());
    EXPECT_EQ(s.filter("\x1b[?47h\x1b[?1047l"), "\x1b[H\x1b[2J\x1b[H\x1b[2J");
    EXPECT_TRUE(s.takeRedraw());
}

TEST(CliScreenSwitches, ASwitchSplitBetweenReadsIsHeldUntilComplete) {
    ScreenSwitches s;
    std::string whole = "x\x1b[?1049ly";
    for (std::size_t cut = 1; cut < whole.size(); ++cut) {
        std::string out = s.filter(whole.substr(0, cut));
        out += s.filter(whole.substr(cut));
        EXPECT_EQ(out,
                  "x\x1b[H\x1b[2J\x1b"
                  "8y")
            << "cut at " << cut;
        EXPECT_TRUE(s.takeRedraw());
    }
    // A held prefix that turns out to be something else goes out as it was.
    EXPECT_EQ(s.filter("\x1b[?10"), "");
    EXPECT_EQ(s.filter("00h"), "\x1b[?1000h");
    EXPECT_EQ(s.filter("\x1b["), "");
    EXPECT_EQ(s.flush(), "\x1b[");
}

}  // namespace
}  // namespace parawork::cli
