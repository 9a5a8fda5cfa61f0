// Sanitizing, splitting and marker parsing of session output.
#include <gtest/gtest.h>

#include <vector>

#include "session/log_lines.hpp"

namespace parawork::session {
namespace {

TEST(SanitizeLogLine, StripsEscapesAndControlsButKeepsTabsAndCr) {
    EXPECT_EQ(sanitizeLogLine("\x1b[31mred\x1b[0m text\r"), "red text\r");
    EXPECT_EQ(sanitizeLogLine("\x1b]0;title\x07hello"), "hello");
    EXPECT_EQ(sanitizeLogLine("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"), "link");
    EXPECT_EQ(sanitizeLogLine("a\tb\x01\x02\x7f c"), "a\tb c");
    EXPECT_EQ(sanitizeLogLine("[31mlost esc[0m"), "lost esc");
    EXPECT_EQ(sanitizeLogLine("[parawork:ready] x"), "[parawork:ready] x");  // not a CSI
    EXPECT_EQ(sanitizeLogLine("\x1b(Bcharset"), "charset");
    EXPECT_EQ(sanitizeLogLine("trailing esc \x1b"), "trailing esc ");
    EXPECT_EQ(sanitizeLogLine("\x1b[?25l\x1b[2Kvisible"), "visible");
}

TEST(SanitizeLogLine, TruncatesLongLinesOnACharacterBoundary) {
    std::string longLine;
    for (int i = 0; i < 6000; ++i) longLine += "é";  // 2 bytes each
    auto out = sanitizeLogLine(longLine + longLine);
    EXPECT_TRUE(out.ends_with("... [truncated]"));
    EXPECT_EQ(out.size(), kMaxLogLineChars * 2 + std::string("... [truncated]").size());
}

TEST(LineSplitter, SplitsAcrossChunksAndFlushes) {
    LineSplitter splitter;
    std::vector<std::string> lines;
    auto collect = [&](std::string_view l) { lines.emplace_back(l); };
    splitter.feed("hel", collect);
    splitter.feed("lo\r\nwor", collect);
    splitter.feed("ld\n\nend", collect);
    EXPECT_EQ(lines, (std::vector<std::string>{"hello\r", "world", ""}));
    EXPECT_EQ(splitter.flush(), "end");
    EXPECT_EQ(splitter.flush(), std::nullopt);
}

TEST(LineSplitter, BoundsAPartialLine) {
    LineSplitter splitter(8);
    std::vector<std::string> lines;
    splitter.feed(std::string(20, 'x'), [&](std::string_view l) { lines.emplace_back(l); });
    EXPECT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], std::string(8, 'x'));
    EXPECT_EQ(splitter.flush(), std::string(4, 'x'));
}

// The follower's fast path past the logged lines (issue 18 item 8a): a chunk that cannot hold a
// marker is skipped whole, keeping the partial line feed would have kept; a marker split across
// chunks, or started in the pending line, is still seen.
TEST(LineSplitter, SkipKeepsThePartialLineAndMarkersAcrossChunksAreSeen) {
    LineSplitter splitter(8);
    splitter.skip("y\ny\nhalf");
    EXPECT_EQ(splitter.flush(), "half");
    splitter.skip(std::string(20, 'x'));  // as feed: pieces of 8 go, 4 stay
    EXPECT_EQ(splitter.flush(), std::string(4, 'x'));

    LineSplitter markers;
    const std::initializer_list<std::string_view> needles{"[parawork:", "[vmux:"};
    EXPECT_FALSE(markers.mayContain("y\ny\ny\n", needles));
    EXPECT_TRUE(markers.mayContain("y\n[vmux:ready] x\n", needles));
    markers.skip("y\ny\n[para");
    EXPECT_TRUE(markers.mayContain("work:ready] http://localhost:3000/\n", needles));
    LineSplitter pending;
    pending.feed("[parawork:ready] " + std::string(100, 'u'), [](std::string_view) {});
    EXPECT_TRUE(pending.mayContain("\ny\n", needles));  // the pending line ends here
}

TEST(Markers, ParaworkAndVmuxForms) {
    auto m = parseMarker("[parawork:stage] install deps\r");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->kind, Marker::Kind::Stage);
    EXPECT_EQ(m->value, "install deps");
    m = parseMarker("[vmux:stage:done] install deps");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->kind, Marker::Kind::StageDone);
    m = parseMarker("  [parawork:ready] http://localhost:5173/");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->kind, Marker::Kind::Ready);
    EXPECT_EQ(m->value, "http://localhost:5173/");
    m = parseMarker("[vmux:ready]");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->value, "");
    EXPECT_FALSE(parseMarker("echo [parawork:ready] later in the line"));
    EXPECT_FALSE(parseMarker("[parawork:unknown] x"));
}

}  // namespace
}  // namespace parawork::session
