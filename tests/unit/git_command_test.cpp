// Unit tests of running git: exit codes, bounded output, the environment git sees, a missing
// binary and a timeout that kills the process group.
#include <stdlib.h>

#include <chrono>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/git_command.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace std::chrono_literals;
using testing::Sandbox;

TEST(GitCommand, RunsGitAndCapturesStdout) {
    GitResult result = runGit({.args = {"--version"}});
    EXPECT_TRUE(result.ok());
    EXPECT_EQ(result.out.rfind("git version ", 0), 0u) << result.out;
}

TEST(GitCommand, NonZeroExitIsAResultNotAnException) {
    Sandbox sandbox;
    GitResult result = runGit({.args = {"rev-parse", "--git-dir"}, .cwd = sandbox.path()});
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.exitCode, 128);
    EXPECT_NE(result.err.find("not a git repository"), std::string::npos) << result.err;
    EXPECT_EQ(gitMessage(result).rfind("not a git repository", 0), 0u) << gitMessage(result);
}

TEST(GitCommand, CheckedRunThrowsWithGitsMessage) {
    Sandbox sandbox;
    try {
        runGitChecked({.args = {"rev-parse", "--git-dir"}, .cwd = sandbox.path()}, "cannot look");
        FAIL() << "no error";
    } catch (const core::Error& e) {
        std::string message = e.what();
        EXPECT_EQ(message.rfind("cannot look: not a git repository", 0), 0u) << message;
    }
}

TEST(GitCommand, MissingBinaryIsAClearError) {
    try {
        runGit({.args = {"--version"}, .gitBinary = "/nonexistent/bin/git"});
        FAIL() << "no error";
    } catch (const core::Error& e) {
        EXPECT_NE(std::string(e.what()).find("git is not installed"), std::string::npos)
            << e.what();
    }
}

TEST(GitCommand, OutputBeyondTheLimitIsDroppedAndFlagged) {
    // `head` stands in for git: the runner does not care what it runs.
    GitResult result =
        runGit({.args = {"-c", "3000000", "/dev/zero"}, .outputLimit = 1000, .gitBinary = "head"});
    EXPECT_TRUE(result.ok());
    EXPECT_EQ(result.out.size(), 1000u);
    EXPECT_TRUE(result.outTruncated);
    EXPECT_FALSE(result.errTruncated);
}

TEST(GitCommand, EnvironmentIsPinnedAndRepositoryVariablesAreDropped) {
    ::setenv("GIT_DIR", "/somewhere/else", 1);
    GitResult result =
        runGit({.env = {{"PARAWORK_TEST", "yes"}, {"LC_ALL", "C.UTF-8"}}, .gitBinary = "env"});
    ::unsetenv("GIT_DIR");
    ASSERT_TRUE(result.ok());
    const std::string& env = result.out;
    EXPECT_NE(env.find("GIT_TERMINAL_PROMPT=0\n"), std::string::npos);
    EXPECT_NE(env.find("PARAWORK_TEST=yes\n"), std::string::npos);
    EXPECT_NE(env.find("LC_ALL=C.UTF-8\n"), std::string::npos);  // the caller's addition wins
    EXPECT_EQ(env.find("LC_ALL=C\n"), std::string::npos);
    EXPECT_EQ(env.find("GIT_DIR="), std::string::npos);
}

TEST(GitCommand, StdinIsEmpty) {
    GitResult result = runGit({.gitBinary = "cat"});
    EXPECT_TRUE(result.ok());
    EXPECT_EQ(result.out, "");
}

TEST(GitCommand, TimeoutKillsTheProcessGroup) {
    auto start = std::chrono::steady_clock::now();
    try {
        // The shell's child keeps the pipes open: only killing the group ends the wait.
        runGit({.args = {"-c", "sleep 30 & wait"}, .timeout = 300ms, .gitBinary = "sh"});
        FAIL() << "no timeout";
    } catch (const core::Error& e) {
        EXPECT_NE(std::string(e.what()).find("did not finish within 300 ms"), std::string::npos)
            << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(GitCommand, MessageDropsHintsAndPrefixes) {
    GitResult result;
    result.err = "Preparing worktree (new branch 'x')\nhint: try this\nfatal: it broke\n";
    EXPECT_EQ(gitMessage(result), "it broke");
}

}  // namespace
}  // namespace parawork::git
