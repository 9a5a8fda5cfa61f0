// The terminal scanner, table-driven: each case is fed whole, byte by byte and cut at every one and
// every two places, and must give the same signals each time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "activity/terminal_signals.hpp"
#include "core/utf8_text.hpp"

namespace parawork::activity {
namespace {

using Kind = TerminalSignal::Kind;

TerminalSignal title(std::string text) {
    return {Kind::Title, std::move(text), false};
}
TerminalSignal note(std::string text) {
    return {Kind::Notification, std::move(text), false};
}
TerminalSignal bell() {
    return {Kind::Bell, {}, false};
}
TerminalSignal paste(bool on) {
    return {Kind::BracketedPaste, {}, on};
}
TerminalSignal focus(bool on) {
    return {Kind::FocusReporting, {}, on};
}

std::vector<TerminalSignal> scan(const std::vector<std::string_view>& pieces) {
    TerminalSignalScanner scanner;
    std::vector<TerminalSignal> seen;
    for (auto piece : pieces)
        scanner.feed(piece, [&](const TerminalSignal& s) { seen.push_back(s); });
    return seen;
}

/// The signals of `bytes` in every split of at most two cuts, and byte by byte.
void expectInEverySplit(std::string_view bytes, const std::vector<TerminalSignal>& expected) {
    EXPECT_EQ(scan({bytes}), expected);
    std::vector<std::string_view> single;
    for (std::size_t i = 0; i < bytes.size(); ++i) single.push_back(bytes.substr(i, 1));
    EXPECT_EQ(scan(single), expected) << "byte by byte";
    for (std::size_t a = 0; a <= bytes.size(); ++a)
        for (std::size_t b = a; b <= bytes.size(); ++b)
            ASSERT_EQ(scan({bytes.substr(0, a), bytes.substr(a, b - a), bytes.substr(b)}), expected)
                << "cut at " << a << " and " << b;
}

struct Case {
    const char* name;
    std::string bytes;
    std::vector<TerminalSignal> expected;
};

const std::string kSpinner = "\xE2\xA0\x8B";  // U+280B, a braille spinner frame

std::vector<Case> cases() {
    return {
        {"title by OSC 0 and BEL", "\x1b]0;hello\x07", {title("hello")}},
        {"title by OSC 2 and ST",
         "ab\x1b]2;" + kSpinner + " Working\x1b\\cd",
         {title(kSpinner + " Working")}},
        {"empty title", "\x1b]2;\x07", {title("")}},
        {"icon name is not a title", "\x1b]1;icon\x07", {}},
        {"OSC 9 notification",
         "\x1b]9;Claude needs your permission\x07",
         {note("Claude needs your permission")}},
        {"ConEmu progress is not a notification", "\x1b]9;4;1;50\x07\x1b]9;4;0\x1b\\", {}},
        {"ConEmu working directory is not a notification", "\x1b]9;9;/home/me\x07", {}},
        {"OSC 9 text that starts with a number",
         "\x1b]9;3 tests failed\x07",
         {note("3 tests failed")}},
        {"OSC 777 notify",
         "\x1b]777;notify;Codex;Approve; run make?\x07",
         {note("Codex: Approve; run make?")}},
        {"OSC 777 title only", "\x1b]777;notify;Done\x07", {note("Done")}},
        {"OSC 777 other than notify", "\x1b]777;precmd\x07", {}},
        {"kitty one part", "\x1b]99;;Hello world\x1b\\", {note("Hello world")}},
        {"kitty title and body in chunks",
         "\x1b]99;i=1:d=0;Hello\x1b\\\x1b]99;i=1:d=1:p=body;This is cool\x1b\\",
         {note("Hello: This is cool")}},
        {"kitty base64", "\x1b]99;e=1;SGVsbG8=\x07", {note("Hello")}},
        {"kitty close and query carry no text", "\x1b]99;i=1:p=close;\x07\x1b]99;i=2:p=?;\x07", {}},
        {"kitty without the second semicolon", "\x1b]99;Hello\x07", {}},
        {"bell in ground", "done\x07", {bell()}},
        {"bell that ends an OSC is not a bell", "\x1b]0;x\x07\x07", {title("x"), bell()}},
        {"bell inside DCS and APC is not a bell", "\x1bPq\x07#\x1b\\\x1b_ap\x07\x1b\\", {}},
        {"bracketed paste on and off", "\x1b[?2004h\x1b[?2004l", {paste(true), paste(false)}},
        {"focus reporting", "\x1b[?1004h", {focus(true)}},
        {"modes combined", "\x1b[?1049;2004;1004h", {paste(true), focus(true)}},
        {"modes combined, reset", "\x1b[?1004;1049;2004l", {focus(false), paste(false)}},
        {"not private: ANSI mode 2004", "\x1b[2004h", {}},
        {"other final byte", "\x1b[?2004m\x1b[?2004$p", {}},
        {"CAN aborts an OSC", "\x1b]0;lost\x18\x07", {bell()}},
        {"SUB aborts a CSI",
         "\x1b[?20\x1a"
         "04h",
         {}},
        {"ESC starts anew inside an OSC", "\x1b]0;lost\x1b[?2004h", {paste(true)}},
        {"invalid UTF-8 replaced", "\x1b]0;caf\xE9\x07", {title("caf\xEF\xBF\xBD")}},
        {"C0 inside an OSC is dropped", "\x1b]0;a\nb\x07", {title("ab")}},
        {"8-bit CSI is text", "\xC2\x9B?2004h\x07", {bell()}},
        {"two-byte escapes",
         "\x1b"
         "7\x1b=\x1b(B\x07",
         {bell()}},
    };
}

TEST(TerminalSignals, EveryCaseInEverySplit) {
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.name);
        expectInEverySplit(c.bytes, c.expected);
    }
}

TEST(TerminalSignals, LongTextIsCutAtACharacterBoundaryAndTheSequenceFollowedToItsEnd) {
    std::string euro = "\xE2\x82\xAC";  // three bytes: 512 is not a multiple of 3
    std::string longTitle;
    for (int i = 0; i < 5000; ++i) longTitle += euro;
    auto seen = scan({"\x1b]2;" + longTitle + "\x07\x07"});
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].kind, Kind::Title);
    EXPECT_LE(seen[0].text.size(), kMaxSignalText);
    EXPECT_EQ(seen[0].text.size(), kMaxSignalText / 3 * 3);
    EXPECT_TRUE(core::isValidUtf8(seen[0].text));
    EXPECT_EQ(seen[1].kind, Kind::Bell);  // the overlong title's BEL ended it; the next rings
}

TEST(TerminalSignals, ALongKittyNotificationInManyChunksStaysBounded) {
    TerminalSignalScanner scanner;
    std::vector<TerminalSignal> seen;
    auto keep = [&](const TerminalSignal& s) { seen.push_back(s); };
    for (int i = 0; i < 1000; ++i) scanner.feed("\x1b]99;i=7:d=0;0123456789\x1b\\", keep);
    scanner.feed("\x1b]99;i=7:p=body;end\x1b\\", keep);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_LE(seen[0].text.size(), kMaxSignalText);
    EXPECT_TRUE(seen[0].text.starts_with("0123456789"));
}

TEST(TerminalSignals, AHugeCsiParameterListIsBounded) {
    std::string csi = "\x1b[?";
    for (int i = 0; i < 10000; ++i) csi += "1;";
    csi += "2004h";
    EXPECT_EQ(scan({csi}), std::vector<TerminalSignal>{});  // 2004 is past the kept parameters
    EXPECT_EQ(scan({"\x1b[?99999999999999;2004h"}), std::vector<TerminalSignal>{paste(true)});
}

TEST(TerminalSignals, RemembersWhetherBracketedPasteIsOn) {
    TerminalSignalScanner scanner;
    auto ignore = [](const TerminalSignal&) {};
    EXPECT_FALSE(scanner.bracketedPaste());
    scanner.feed("\x1b[?1049;20", ignore);
    EXPECT_FALSE(scanner.bracketedPaste()) << "not before the sequence ends";
    scanner.feed("04h prompt> ", ignore);
    EXPECT_TRUE(scanner.bracketedPaste());
    scanner.feed("\x1b[?1004l", ignore);
    EXPECT_TRUE(scanner.bracketedPaste()) << "another mode leaves it";
    scanner.feed("\x1b[?2004l", ignore);
    EXPECT_FALSE(scanner.bracketedPaste());
}

TEST(TerminalSignals, TitleMeansWorking) {
    EXPECT_TRUE(titleMeansWorking(kSpinner + " Refactoring"));
    EXPECT_TRUE(titleMeansWorking("\xE2\xA3\xBF"));  // U+28FF, the last braille pattern
    EXPECT_TRUE(titleMeansWorking(" " + kSpinner));  // leading spaces are skipped
    EXPECT_FALSE(titleMeansWorking("\xE2\x9C\xB3 Claude Code"));  // U+2733, Claude at rest
    EXPECT_FALSE(titleMeansWorking("\xE2\xA4\x80"));              // U+2900, past the braille block
    EXPECT_FALSE(titleMeansWorking("vim"));
    EXPECT_FALSE(titleMeansWorking(""));
    EXPECT_FALSE(titleMeansWorking("\xE2\xA0"));  // cut short
}

}  // namespace
}  // namespace parawork::activity
