// runCommand (session/command_runner.hpp): real processes — stdout and stderr apart, exit codes
// and signals, stdin, the working directory and environment, the output cap, and a timeout that
// kills the whole process group.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "session/command_runner.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::session {
namespace {

using namespace std::chrono_literals;

CommandSpec shell(const std::string& script) {
    CommandSpec spec;
    spec.argv = {"sh", "-c", script};
    spec.cwd = "/";
    spec.env = {"PATH=/usr/bin:/bin"};
    return spec;
}

/// Whether `pid` is a live process (not gone, not a zombie waiting for its parent).
bool alive(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pidText, name, state;
    if (!(stat >> pidText >> name >> state)) return false;
    return state != "Z" && state != "X";
}

/// The command printed "child=<pid>" of a background process; killed with its group, that
/// process is gone (init reaps it soon after).
void expectBackgroundChildGone(const CommandResult& r, const std::string& what) {
    ASSERT_TRUE(r.out.starts_with("child=")) << r.out;
    int child = std::stoi(r.out.substr(6));
    for (int i = 0; i < 100 && alive(child); ++i) std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(alive(child)) << "the background process outlived " << what;
}

TEST(CommandRunner, KeepsStdoutAndStderrApartWithTheExitCode) {
    auto r = runCommand(shell("echo out; echo err >&2; echo more; exit 3"));
    EXPECT_EQ(r.out, "out\nmore\n");
    EXPECT_EQ(r.err, "err\n");
    ASSERT_TRUE(r.exitCode);
    EXPECT_EQ(*r.exitCode, 3);
    EXPECT_FALSE(r.signal);
    EXPECT_FALSE(r.timedOut);
    EXPECT_FALSE(r.truncated);
}

TEST(CommandRunner, RunsInTheDirectoryWithTheEnvironmentGiven) {
    auto spec = shell("pwd; echo \"$GREETING\"");
    spec.cwd = "/usr";
    spec.env.push_back("GREETING=hello there");
    auto r = runCommand(spec);
    EXPECT_EQ(r.out, "/usr\nhello there\n");
    EXPECT_EQ(r.exitCode, 0);
}

TEST(CommandRunner, FindsTheProgramOnTheGivenPathAndKeepsArgvAsIs) {
    CommandSpec spec;
    spec.argv = {"printf", "%s|", "a b", "$HOME", "*"};
    spec.cwd = "/";
    spec.env = {"PATH=/usr/bin:/bin"};
    EXPECT_EQ(runCommand(spec).out, "a b|$HOME|*|");
}

TEST(CommandRunner, FeedsStdinAndOtherwiseGivesDevNull) {
    CommandSpec spec;
    spec.argv = {"cat"};
    spec.cwd = "/";
    spec.env = {"PATH=/usr/bin:/bin"};
    spec.stdinData = std::string(300000, 'x') + "end";  // more than a pipe holds
    auto r = runCommand(spec);
    EXPECT_EQ(r.out.size(), 300003u);
    EXPECT_TRUE(r.out.ends_with("xend"));

    spec.stdinData.reset();
    r = runCommand(spec);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.exitCode, 0);
}

TEST(CommandRunner, StdinTheCommandDoesNotReadIsNoProblem) {
    auto spec = shell("exit 0");
    spec.stdinData = std::string(1u << 20, 'y');
    auto r = runCommand(spec);
    EXPECT_EQ(r.exitCode, 0);
}

TEST(CommandRunner, ReportsTheSignalThatEndedIt) {
    auto r = runCommand(shell("echo before; kill -TERM $$"));
    EXPECT_EQ(r.out, "before\n");
    EXPECT_FALSE(r.exitCode);
    ASSERT_TRUE(r.signal);
    EXPECT_EQ(*r.signal, SIGTERM);
    EXPECT_FALSE(r.timedOut);
}

TEST(CommandRunner, CapsEachStreamAndSaysSo) {
    auto spec = shell("head -c 100000 /dev/zero; echo small >&2");
    spec.maxOutputBytes = 1000;
    auto r = runCommand(spec);
    EXPECT_EQ(r.out.size(), 1000u);
    EXPECT_EQ(r.err, "small\n");
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(r.exitCode, 0);  // the rest was read and dropped: the command was never stuck
}

TEST(CommandRunner, ATimeoutKillsTheWholeProcessGroup) {
    // The background sleep holds stdout open after the shell would have exited, too.
    auto spec = shell("sleep 1000 & echo \"child=$!\"; wait");
    spec.timeout = 300ms;
    auto r = runCommand(spec);
    EXPECT_TRUE(r.timedOut);
    ASSERT_TRUE(r.signal);
    EXPECT_EQ(*r.signal, SIGKILL);
    expectBackgroundChildGone(r, "the timeout");
}

TEST(CommandRunner, ACancellationKillsTheWholeProcessGroup) {
    test::TempDir dir("pw-cancel");
    auto running = dir.path() / "running";
    auto spec = shell("sleep 1000 & echo \"child=$!\"; echo > '" + running.string() + "'; wait");
    spec.timeout = 600s;
    spec.cancelled = [&] { return std::filesystem::exists(running); };  // once it runs
    auto r = runCommand(spec);
    EXPECT_TRUE(r.cancelled);
    EXPECT_FALSE(r.timedOut);
    ASSERT_TRUE(r.signal);
    EXPECT_EQ(*r.signal, SIGKILL);
    expectBackgroundChildGone(r, "the cancellation");
}

TEST(CommandRunner, AMissingProgramOrDirectoryIsAClearError) {
    CommandSpec spec;
    spec.argv = {"no-such-program-xyz"};
    spec.cwd = "/";
    spec.env = {"PATH=/usr/bin:/bin"};
    try {
        runCommand(spec);
        ADD_FAILURE() << "no error";
    } catch (const CommandError& e) {
        EXPECT_EQ(std::string(e.what()), "no-such-program-xyz was not found on PATH");
    }
    spec.argv = {"/etc"};
    EXPECT_THROW(runCommand(spec), CommandError);
    spec.argv = {"true"};
    spec.cwd = "/no/such/directory";
    try {
        runCommand(spec);
        ADD_FAILURE() << "no error";
    } catch (const CommandError& e) {
        EXPECT_NE(std::string(e.what()).find("/no/such/directory"), std::string::npos);
    }
    spec.argv.clear();
    EXPECT_THROW(runCommand(spec), CommandError);
}

}  // namespace
}  // namespace parawork::session
