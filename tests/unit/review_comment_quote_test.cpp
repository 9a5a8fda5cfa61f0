// A comment's path rules and the quoted lines: bounded by lines and bytes, cut at a character,
// CRLF lines without their '\r', and what is typed to an agent stripped of control keys.
#include <gtest/gtest.h>

#include <sstream>

#include "core/error.hpp"
#include "review/agent_messenger.hpp"
#include "review/comment_quote.hpp"

namespace parawork::review {
namespace {

std::optional<std::string> quote(const std::string& text, std::int64_t line, std::int64_t end) {
    std::istringstream in(text);
    return quoteLines(in, line, end);
}

unsigned statusOf(std::string_view path) {
    try {
        checkedCommentPath(path);
        return 200;
    } catch (const core::ServiceError& e) {
        return e.status;
    }
}

TEST(CommentQuote, QuotesTheLinesAsked) {
    std::string text = "one\ntwo\nthree\n";
    EXPECT_EQ(quote(text, 1, 1), "one");
    EXPECT_EQ(quote(text, 2, 3), "two\nthree");
    EXPECT_EQ(quote(text, 3, 9), "three") << "a range past the end stops there";
    EXPECT_EQ(quote(text, 4, 4), std::nullopt);
    EXPECT_EQ(quote("last", 1, 1), "last") << "no final newline";
    EXPECT_EQ(quote("a\n\nb", 2, 2), "") << "an empty line exists";
    EXPECT_EQ(quote("", 1, 1), std::nullopt);
    EXPECT_EQ(quote("a\r\nb\r\n", 1, 2), "a\nb");
}

TEST(CommentQuote, IsBoundedInLinesAndBytes) {
    std::string many;
    for (int i = 1; i <= 100; ++i) many += std::to_string(i) + "\n";
    auto twenty = quote(many, 5, 100);
    ASSERT_TRUE(twenty);
    EXPECT_EQ(std::count(twenty->begin(), twenty->end(), '\n'), 19);
    EXPECT_TRUE(twenty->ends_with("\n24"));

    std::string wide;
    for (int i = 0; i < 3000; ++i) wide += "\xC3\xA9";  // é, two bytes each
    auto cut = quote(wide + "\nnext\n", 1, 2);
    ASSERT_TRUE(cut);
    EXPECT_EQ(cut->size(), kMaxQuoteBytes) << "cut between characters";
    EXPECT_EQ(cut->substr(cut->size() - 2), "\xC3\xA9");
    EXPECT_EQ(quote("bad \xFF byte", 1, 1), "bad \xEF\xBF\xBD byte");
}

TEST(CommentPath, FollowsTheDiffsPathRules) {
    EXPECT_EQ(checkedCommentPath("src/./a.cpp"), "src/a.cpp");
    EXPECT_EQ(checkedCommentPath("-rf"), "-rf") << "a leading dash is a name like any other";
    EXPECT_EQ(statusOf("../x"), 400u);
    EXPECT_EQ(statusOf("a/../../x"), 400u);
    EXPECT_EQ(statusOf("/etc/passwd"), 400u);
    EXPECT_EQ(statusOf(""), 400u);
    EXPECT_EQ(statusOf("."), 400u);
    EXPECT_EQ(statusOf("a\nb"), 400u);
    EXPECT_EQ(statusOf("a\x7f"), 400u);
    EXPECT_EQ(statusOf(".git/config"), 400u);
    EXPECT_EQ(statusOf(std::string(kMaxCommentPathBytes + 1, 'a')), 400u);
}

TEST(TypableText, DropsControlKeysButKeepsLines) {
    EXPECT_EQ(typableText("a\r\nb\rc\n\td"), "a\nb\nc\n\td");
    EXPECT_EQ(typableText("stop\x03 now\x1b[A\x7f"), "stop now[A");
    EXPECT_EQ(typableText("c1 \xC2\x9B"
                          "x and \xC2\xA0 kept"),
              "c1 x and \xC2\xA0 kept");
    EXPECT_EQ(typableText("é ✓"), "é ✓");
}

}  // namespace
}  // namespace parawork::review
