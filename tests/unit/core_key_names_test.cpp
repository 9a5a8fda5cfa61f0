// Unit tests of tmux's key names as xterm's bytes: a table of names and what they send, the
// literal-text rule, and every refusal (unknown names, keys with no encoding, the bounds).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/key_names.hpp"

namespace parawork::core {
namespace {

struct KeyCase {
    const char* word;
    std::string bytes;
};

TEST(KeyNames, NamesSendXtermsBytes) {
    const std::vector<KeyCase> table{
        {"Enter", "\r"},
        {"Escape", "\x1b"},
        {"Tab", "\t"},
        {"BTab", "\x1b[Z"},
        {"S-Tab", "\x1b[Z"},
        {"Space", " "},
        {"BSpace", "\x7f"},
        {"Up", "\x1b[A"},
        {"Down", "\x1b[B"},
        {"Right", "\x1b[C"},
        {"Left", "\x1b[D"},
        {"Home", "\x1b[H"},
        {"End", "\x1b[F"},
        {"IC", "\x1b[2~"},
        {"Insert", "\x1b[2~"},
        {"DC", "\x1b[3~"},
        {"Delete", "\x1b[3~"},
        {"PPage", "\x1b[5~"},
        {"PageUp", "\x1b[5~"},
        {"PgUp", "\x1b[5~"},
        {"NPage", "\x1b[6~"},
        {"PageDown", "\x1b[6~"},
        {"PgDn", "\x1b[6~"},
        {"F1", "\x1bOP"},
        {"F4", "\x1bOS"},
        {"F5", "\x1b[15~"},
        {"F10", "\x1b[21~"},
        {"F11", "\x1b[23~"},
        {"F12", "\x1b[24~"},
        {"enter", "\r"},  // names are case-insensitive, as in tmux
        {"ESCAPE", "\x1b"},
        {"C-c", "\x03"},
        {"C-C", "\x03"},
        {"^c", "\x03"},
        {"C-[", "\x1b"},
        {"C-Space", std::string(1, '\0')},
        {"C-@", std::string(1, '\0')},
        {"C-?", "\x7f"},
        {"C-BSpace", "\b"},
        {"M-x", "\x1bx"},
        {"M-Enter", "\x1b\r"},
        {"M-\xc3\xa9", "\x1b\xc3\xa9"},  // M-é
        {"C-M-x", "\x1b\x18"},
        {"M-C-x", "\x1b\x18"},
        {"S-a", "A"},
        {"C-Up", "\x1b[1;5A"},
        {"S-Up", "\x1b[1;2A"},
        {"M-Left", "\x1b[1;3D"},
        {"C-S-End", "\x1b[1;6F"},
        {"C-F1", "\x1b[1;5P"},
        {"S-F5", "\x1b[15;2~"},
        {"C-M-Delete", "\x1b[3;7~"},
    };
    for (const KeyCase& c : table) EXPECT_EQ(keyBytes(c.word), c.bytes) << c.word;
}

TEST(KeyNames, AnythingElseIsTypedAsItIs) {
    for (const char* word :
         {"hello", "ls -l", "x", "q", ":wq", "C-", "^", "", "Up!", "é", "Control-c", "Fx", "F"})
        EXPECT_EQ(keyBytes(word), word) << word;
}

TEST(KeyNames, AWordThatLooksLikeAKeyButIsNoneIsRefusedByName) {
    for (const char* word : {"C-Foo", "M-Enterr", "C-M-", "F13", "F0", "C-F13", "S-abc"}) {
        try {
            keyBytes(word);
            ADD_FAILURE() << word << " was accepted";
        } catch (const KeyError& e) {
            EXPECT_NE(std::string(e.what()).find(std::string("unknown key name ") + word),
                      std::string::npos)
                << e.what();
        }
    }
}

TEST(KeyNames, AModifierWithoutATerminalEncodingIsRefused) {
    for (const char* word : {"C-1", "C-Enter", "S-Enter", "C-Tab", "S-1", "C-\xc3\xa9", "C-Escape"})
        EXPECT_THROW(keyBytes(word), KeyError) << word;
}

TEST(KeyNames, KeysJoinInOrderOrLiterally) {
    EXPECT_EQ(keysToBytes({"Escape", "Down", "Enter", "C-c"}, false), "\x1b\x1b[B\r\x03");
    EXPECT_EQ(keysToBytes({"echo hi", "Enter"}, false), "echo hi\r");
    EXPECT_EQ(keysToBytes({"Enter", "C-c", " x"}, true), "EnterC-c x");
    EXPECT_EQ(keysToBytes({}, false), "");
}

TEST(KeyNames, RequestsPastTheBoundsAreRefused) {
    std::vector<std::string> many(kMaxKeysPerRequest, "Up");
    EXPECT_NO_THROW(keysToBytes(many, false));
    many.push_back("Up");
    EXPECT_THROW(keysToBytes(many, false), KeyError);
    std::vector<std::string> big{std::string(kMaxKeysBytes, 'x')};
    EXPECT_NO_THROW(keysToBytes(big, true));
    big.push_back("y");
    EXPECT_THROW(keysToBytes(big, true), KeyError);
}

}  // namespace
}  // namespace parawork::core
