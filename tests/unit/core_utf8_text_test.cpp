#include <gtest/gtest.h>

#include "core/utf8_text.hpp"

namespace parawork::core {
namespace {

TEST(Utf8Text, ValidTextIsKept) {
    for (std::string_view s : {"", "plain ascii", "h\xC3\xA9llo", "\xE2\x82\xAC",
                               "\xF0\x9F\x98\x80", "\xEF\xBF\xBD", "\xF4\x8F\xBF\xBF"}) {
        EXPECT_TRUE(isValidUtf8(s)) << s;
        EXPECT_EQ(toValidUtf8(s), s);
    }
}

TEST(Utf8Text, IllFormedSequencesBecomeReplacementCharacters) {
    const std::string r = "\xEF\xBF\xBD";
    EXPECT_FALSE(isValidUtf8("\xFF"));
    EXPECT_EQ(toValidUtf8("a\xFF"
                          "b"),
              "a" + r + "b");
    EXPECT_EQ(toValidUtf8("\xC0\xAF"), r + r);                  // overlong: C0 is never valid
    EXPECT_EQ(toValidUtf8("\xED\xA0\x80"), r + r + r);          // a surrogate
    EXPECT_EQ(toValidUtf8("\xF4\x90\x80\x80"), r + r + r + r);  // beyond U+10FFFF
    EXPECT_EQ(toValidUtf8("\xE2\x82"
                          "x"),
              r + "x");  // a truncated sequence is one subpart
    EXPECT_EQ(toValidUtf8("end\xE2\x82"), "end" + r);
    EXPECT_EQ(toValidUtf8("latin-1 caf\xE9!"), "latin-1 caf" + r + "!");
    EXPECT_TRUE(isValidUtf8(toValidUtf8("\x80\x81\xC3")));
}

}  // namespace
}  // namespace parawork::core
