// The user terminal's shell rules (terminal_routes): /etc/shells parsing and validation.
#include <gtest/gtest.h>

#include "api/terminal_routes.hpp"

namespace parawork::api {
namespace {

TEST(LoginShells, ParsesLikeGetusershell) {
    auto shells = parseLoginShells(
        "# /etc/shells: valid login shells\n/bin/sh\n\n  /bin/bash  \r\n"
        "   # indented comment\n/usr/bin/tmux");
    EXPECT_EQ(shells, (std::vector<std::string>{"/bin/sh", "/bin/bash", "/usr/bin/tmux"}));
    EXPECT_TRUE(parseLoginShells("").empty());
    EXPECT_TRUE(readLoginShells("/no/such/file").empty());
}

TEST(LoginShells, AShellMustBeAListedAbsoluteExecutable) {
    std::vector<std::string> listed{"/bin/sh", "/etc/passwd", "/no/such/shell", "/tmp"};
    EXPECT_FALSE(shellProblem("/bin/sh", listed));
    auto relative = shellProblem("sh", listed);
    ASSERT_TRUE(relative);
    EXPECT_NE(relative->find("absolute"), std::string::npos);
    EXPECT_TRUE(shellProblem("", listed));
    auto unlisted = shellProblem("/bin/cat", listed);
    ASSERT_TRUE(unlisted);
    EXPECT_EQ(*unlisted, "/bin/cat is not a login shell listed in /etc/shells");
    EXPECT_EQ(shellProblem("/etc/passwd", listed), "/etc/passwd is not an executable file");
    EXPECT_EQ(shellProblem("/no/such/shell", listed), "/no/such/shell is not an executable file");
    EXPECT_EQ(shellProblem("/tmp", listed), "/tmp is not an executable file");  // a directory
}

TEST(LoginShells, DefaultIsShellVariableWhenValidElseBash) {
    std::vector<std::string> listed{"/bin/sh"};
    EXPECT_EQ(defaultShell("/bin/sh", listed), "/bin/sh");
    EXPECT_EQ(defaultShell("/bin/cat", listed), "/bin/bash");
    EXPECT_EQ(defaultShell("sh", listed), "/bin/bash");
    EXPECT_EQ(defaultShell(nullptr, listed), "/bin/bash");
}

}  // namespace
}  // namespace parawork::api
