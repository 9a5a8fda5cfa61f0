// How a message is typed into a program: as it is, or inside the bracketed-paste markers with
// any markers of its own dropped (a message must not end the paste and type the rest as keys).
#include <gtest/gtest.h>

#include "session/prompt_typist.hpp"

namespace parawork::session {
namespace {

TEST(TypedText, IsUnchangedWithoutBracketedPaste) {
    EXPECT_EQ(typedText("two\nlines", false), "two\nlines");
    EXPECT_EQ(typedText("\x1b[201~", false), "\x1b[201~");
}

TEST(TypedText, GoesInsideThePasteMarkers) {
    EXPECT_EQ(typedText("two\nlines", true), "\x1b[200~two\nlines\x1b[201~");
    EXPECT_EQ(typedText("", true), "\x1b[200~\x1b[201~");
}

TEST(TypedText, DropsMarkersInsideTheText) {
    EXPECT_EQ(typedText("a\x1b[201~\x03rm -rf\x1b[200~b", true), "\x1b[200~a\x03rm -rfb\x1b[201~");
    EXPECT_EQ(typedText("\x1b[201", true), "\x1b[200~\x1b[201\x1b[201~") << "a cut marker stays";
}

}  // namespace
}  // namespace parawork::session
