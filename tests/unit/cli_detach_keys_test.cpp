// The detach keys (cli/detach_keys.hpp): docker's --detach-keys form, the flag over
// $PARAWORK_DETACH_KEYS over the default, clear refusals; and DetachKeyMatcher with them.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "cli/attach.hpp"
#include "cli/context.hpp"
#include "cli/detach_keys.hpp"

namespace parawork::cli {
namespace {

std::string refusal(std::string_view spec) {
    try {
        parseDetachKeys(spec, "--detach-keys");
    } catch (const CliError& e) {
        EXPECT_EQ(e.code, "usage");
        EXPECT_EQ(e.exitCode, kExitUsage);
        EXPECT_FALSE(e.hint.empty());
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << spec;
    return {};
}

TEST(CliDetachKeys, ParsesCharactersAndControlKeys) {
    EXPECT_EQ(parseDetachKeys("ctrl-a,d", "x"), std::string("\x01"
                                                            "d"));
    EXPECT_EQ(parseDetachKeys("ctrl-\\,ctrl-\\", "x"), "\x1c\x1c");
    EXPECT_EQ(parseDetachKeys(kDefaultDetachKeys, "x"), "\x1c\x1c");
    EXPECT_EQ(parseDetachKeys("CTRL-P,Ctrl-q", "x"), "\x10\x11");
    EXPECT_EQ(parseDetachKeys("ctrl-@", "x"), std::string(1, '\0'));
    EXPECT_EQ(parseDetachKeys("ctrl-[,ctrl-],ctrl-^,ctrl-_", "x"), "\x1b\x1d\x1e\x1f");
    EXPECT_EQ(parseDetachKeys("q", "x"), "q");
}

TEST(CliDetachKeys, RefusesWhatIsNotAKey) {
    EXPECT_NE(refusal("").find("no keys"), std::string::npos);
    EXPECT_NE(refusal("ctrl-").find("\"ctrl-\" is not a key"), std::string::npos);
    EXPECT_NE(refusal("ctrl-a,,d").find("\"\" is not a key"), std::string::npos);
    EXPECT_NE(refusal("ctrl-1").find("\"ctrl-1\" is not a key"), std::string::npos);
    EXPECT_NE(refusal("alt-x").find("\"alt-x\" is not a key"), std::string::npos);
    EXPECT_NE(refusal("ab").find("\"ab\" is not a key"), std::string::npos);
    EXPECT_NE(refusal("ctrl-a,").find("--detach-keys \"ctrl-a,\""), std::string::npos);
    EXPECT_NE(refusal("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q").find("more than 16"), std::string::npos);
}

TEST(CliDetachKeys, TheFlagWinsOverTheEnvironmentWhichWinsOverTheDefault) {
    ::unsetenv("PARAWORK_DETACH_KEYS");
    EXPECT_EQ(detachKeysFor(std::nullopt), "\x1c\x1c");
    ::setenv("PARAWORK_DETACH_KEYS", "ctrl-a,d", 1);
    EXPECT_EQ(detachKeysFor(std::nullopt), std::string("\x01"
                                                       "d"));
    EXPECT_EQ(detachKeysFor(std::string("ctrl-e")), "\x05");
    ::setenv("PARAWORK_DETACH_KEYS", "bogus", 1);
    try {
        detachKeysFor(std::nullopt);
        ADD_FAILURE() << "accepted a bad PARAWORK_DETACH_KEYS";
    } catch (const CliError& e) {
        EXPECT_NE(std::string(e.what()).find("PARAWORK_DETACH_KEYS"), std::string::npos);
    }
    ::setenv("PARAWORK_DETACH_KEYS", "", 1);
    EXPECT_EQ(detachKeysFor(std::nullopt), "\x1c\x1c");
    ::unsetenv("PARAWORK_DETACH_KEYS");
}

TEST(CliDetachKeys, TheMatcherFindsConfiguredKeysAcrossReads) {
    DetachKeyMatcher matcher(parseDetachKeys("ctrl-a,d", "x"));
    std::string forward;
    EXPECT_FALSE(matcher.feed("ls\x01", forward));
    EXPECT_EQ(forward, "ls");  // the Ctrl-A is held back until the next byte tells
    EXPECT_FALSE(matcher.feed("x", forward));
    EXPECT_EQ(forward, "ls\x01x");  // not the sequence: both go through
    forward.clear();
    EXPECT_FALSE(matcher.feed("\x01", forward));
    EXPECT_TRUE(matcher.feed("dignored", forward));
    EXPECT_EQ(forward, "");
}

}  // namespace
}  // namespace parawork::cli
