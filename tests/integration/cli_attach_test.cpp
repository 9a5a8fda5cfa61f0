// `parawork attach` in a real terminal (issue 5 §3): the CLI runs in a PTY that this test drives
// like a person — types, sees the echo, detaches with Ctrl-\ Ctrl-\, re-attaches to the same
// screen — and every way out (the session's end, detach, SIGTERM, a dying daemon) gives the
// right exit code and leaves the terminal's settings as they were (`stty -g` before and after).
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <string>

#include "core/unique_fd.hpp"
#include "support/session_api.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

/// How long to wait for anything before the test fails (a bound, not a measured time).
constexpr auto kPatience = 30s;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

/// A shell in a new PTY (100×30) running `script`; everything it prints is kept in `seen`.
class Terminal {
  public:
    explicit Terminal(const std::string& script) {
        winsize size{};
        size.ws_col = 100;
        size.ws_row = 30;
        std::vector<std::string> argv{"/bin/sh", "-c", script};
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        int master = -1;
        pid_ = ::forkpty(&master, nullptr, nullptr, &size);
        if (pid_ == 0) {
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        if (pid_ < 0) throw std::runtime_error("forkpty failed");
        master_.reset(master);
    }
    ~Terminal() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    /// Resizes the terminal: the processes in it get SIGWINCH.
    void resize(unsigned short cols, unsigned short rows) {
        winsize size{};
        size.ws_col = cols;
        size.ws_row = rows;
        ASSERT_EQ(::ioctl(master_.get(), TIOCSWINSZ, &size), 0);
    }
    void type(std::string_view keys) {
        while (!keys.empty()) {
            auto n = ::write(master_.get(), keys.data(), keys.size());
            ASSERT_GT(n, 0) << "cannot type into the terminal";
            keys.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    /// From now on keep only the last `bytes` of the output (a flood would fill the memory).
    void keepOnly(std::size_t bytes) { keep_ = bytes; }
    /// Reads until `needle` appears after `from` in the output; returns where it starts.
    std::size_t expect(const std::string& needle, std::size_t from = 0) {
        auto until = std::chrono::steady_clock::now() + kPatience;
        for (;;) {
            if (auto at = seen.find(needle, from); at != std::string::npos) return at;
            if (std::chrono::steady_clock::now() > until || !readSome(until)) {
                ADD_FAILURE() << "never saw \"" << needle << "\" in:\n" << seen;
                return std::string::npos;
            }
        }
    }
    /// The shell's exit code, after all of its output.
    int finish() {
        auto until = std::chrono::steady_clock::now() + kPatience;
        while (readSome(until)) {
        }
        int status = 0;
        ::waitpid(std::exchange(pid_, -1), &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    /// The rest of the line after `key` (e.g. "before=").
    std::string valueOf(const std::string& key) {
        auto at = expect(key);
        if (at == std::string::npos) return {};
        auto end = expect("\n", at);
        if (end == std::string::npos) return {};
        auto value = seen.substr(at + key.size(), end - at - key.size());
        if (value.ends_with('\r')) value.pop_back();
        return value;
    }

    std::string seen;

  private:
    /// False at the end of the output (or past `until`).
    bool readSome(std::chrono::steady_clock::time_point until) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{master_.get(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[4096];
        auto n = ::read(master_.get(), buf, sizeof buf);
        if (n <= 0) return false;  // EIO: every process holding the terminal has gone
        seen.append(buf, static_cast<std::size_t>(n));
        if (seen.size() > keep_) seen.erase(0, seen.size() - keep_);
        return true;
    }

    core::UniqueFd master_;
    pid_t pid_ = -1;
    std::size_t keep_ = std::string::npos;
};

/// `parawork attach [flags] ID` between two `stty -g`, and its exit code: what the terminal
/// tests read.
std::string attachScript(const DaemonProcess& daemon, const std::string& id,
                         const std::string& flags = {}) {
    return "echo \"before=$(stty -g)\"; sh -c 'echo \"pid=$$\"; exec \"$@\"' sh '" + parawork() +
           "' --home '" + daemon.home().string() + "' attach " + flags + " " + id +
           "; echo \"rc=$?\"; echo \"after=$(stty -g)\"";
}

/// A session that echoes each line back as "got:LINE" and exits 7 on "quit".
const std::vector<std::string> kEchoLoop{
    "sh", "-c",
    "echo ready; while read l; do echo \"got:$l\"; [ \"$l\" = quit ] && exit 7; done; exit 3"};

struct Fixture {
    TempDir home{"pw-attach-home"};
    std::optional<DaemonProcess> daemon{DaemonProcess::Options{.home = home.path()}};
    std::optional<SessionApi> api{std::in_place, *daemon};
    std::string workspace = api->createWorkspace();

    std::string start(const std::vector<std::string>& argv, const std::string& ready) {
        auto id = str(api->start(workspace, argv).at("id"));
        api->waitOutput(id, ready);
        return id;
    }
    std::string status(const std::string& id) { return str(api->session(id).at("status")); }
};

TEST(CliAttach, TypeSeeEchoDetachReattachSameScreenThenExitCode) {
    Fixture f;
    auto id = f.start(kEchoLoop, "ready");
    {
        Terminal t(attachScript(*f.daemon, id));
        auto before = t.valueOf("before=");
        t.expect("ready");  // the screen, redrawn
        t.type("hello\r");
        t.expect("got:hello");
        t.type("\x1c\x1c");
        t.expect("[detached from " + id.substr(0, 8) + "]");
        EXPECT_EQ(t.valueOf("rc="), "0");
        EXPECT_EQ(t.valueOf("after="), before) << "terminal settings not restored";
        EXPECT_EQ(t.finish(), 0);
    }
    EXPECT_EQ(f.status(id), "running") << "detaching stopped the session";
    {
        Terminal t(attachScript(*f.daemon, id));
        auto before = t.valueOf("before=");
        auto screen = t.expect("got:hello");  // the same screen as when we left
        t.type("quit\r");
        t.expect("got:quit", screen);
        EXPECT_EQ(t.valueOf("rc="), "7") << t.seen;
        EXPECT_EQ(t.valueOf("after="), before);
        EXPECT_EQ(t.seen.find("[detached"), std::string::npos);
    }
    EXPECT_EQ(f.api->waitEnded(id).at("exitCode").to_number<int>(), 7);
}

TEST(CliAttach, TheDetachKeysWorkDuringAFloodOfOutput) {
    Fixture f;
    auto id = f.start({"sh", "-c", "echo ready; exec yes flood"}, "ready");
    Terminal t(attachScript(*f.daemon, id));
    t.keepOnly(64 * 1024);
    t.expect("flood\r\nflood\r\n");
    t.type("\x1c\x1c");
    t.expect("[detached from " + id.substr(0, 8) + "]");
    EXPECT_EQ(t.valueOf("rc="), "0");
    EXPECT_EQ(f.status(id), "running");
    f.api->call("POST", "/api/sessions/" + id + "/stop");
    f.api->waitEnded(id);
}

TEST(CliAttach, TheWindowSizeIsSentAtStartAndOnSigwinch) {
    Fixture f;
    auto id = f.start({"sh", "-c", "echo ready; while read x; do echo \"size:$(stty size)\"; done"},
                      "ready");
    Terminal t(attachScript(*f.daemon, id));
    t.expect("ready");
    t.type("\r");
    auto first = t.expect("size:30 100");
    t.resize(120, 40);
    t.type("\r");
    t.expect("size:40 120", first);
    f.api->call("POST", "/api/sessions/" + id + "/stop");
    f.api->waitEnded(id);
}

TEST(CliAttach, ALoneCtrlBackslashReachesTheSessionAndASignalEndIs128PlusIt) {
    Fixture f;
    auto id = f.start({"sh", "-c", "echo ready; exec sleep 1000"}, "ready");
    Terminal t(attachScript(*f.daemon, id));
    auto before = t.valueOf("before=");
    t.expect("ready");
    // Ctrl-\ then another key is not the detach sequence: both go to the session, whose
    // terminal turns Ctrl-\ into SIGQUIT.
    t.type("\x1c");
    t.type("a");
    EXPECT_EQ(t.valueOf("rc="), std::to_string(128 + SIGQUIT)) << t.seen;
    EXPECT_EQ(t.valueOf("after="), before);
    EXPECT_EQ(t.seen.find("[detached"), std::string::npos);
}

TEST(CliAttach, SigtermToTheCliRestoresTheTerminalAndLeavesTheSessionRunning) {
    Fixture f;
    auto id = f.start(kEchoLoop, "ready");
    Terminal t(attachScript(*f.daemon, id));
    auto before = t.valueOf("before=");
    int pid = std::stoi(t.valueOf("pid="));
    t.expect("ready");
    t.type("one\r");
    t.expect("got:one");  // attached and in raw mode
    ::kill(pid, SIGTERM);
    EXPECT_EQ(t.valueOf("rc="), std::to_string(128 + SIGTERM));
    EXPECT_EQ(t.valueOf("after="), before);
    EXPECT_EQ(f.status(id), "running");
    f.api->call("POST", "/api/sessions/" + id + "/stop");
    f.api->waitEnded(id);
}

TEST(CliAttach, ADaemonThatDoesNotComeBackIsAClearErrorAndTheTerminalIsRestored) {
    Fixture f;
    auto id = f.start(kEchoLoop, "ready");
    {
        Terminal t("export PARAWORK_RECONNECT_TIMEOUT=1; " + attachScript(*f.daemon, id));
        auto before = t.valueOf("before=");
        t.expect("ready");
        t.type("one\r");
        t.expect("got:one");
        f.api.reset();
        f.daemon->kill9();
        auto waiting = t.expect("reconnecting");
        t.expect("lost the connection to the daemon", waiting);
        t.expect("no daemon came back within 1 s", waiting);
        EXPECT_EQ(t.valueOf("rc="), "1");
        EXPECT_EQ(t.valueOf("after="), before);
    }
    // The session outlived its daemon; a new one adopts it, and this test stops it.
    f.daemon.emplace(DaemonProcess::Options{.home = f.home.path()});
    f.api.emplace(*f.daemon);
    EXPECT_EQ(f.status(id), "running");
    f.api->call("POST", "/api/sessions/" + id + "/stop");
    f.api->waitEnded(id);
}

TEST(CliAttach, AForegroundRunIsAttachedAndExitsWithTheCommandsCode) {
    Fixture f;
    TempDir work("pw-attach-run");
    Terminal t("cd '" + work.path().string() + "' && echo \"before=$(stty -g)\"; '" + parawork() +
               "' --home '" + f.daemon->home().string() +
               "' run -- sh -c 'echo ready; read l; echo \"got:$l\"; exit 4'; echo \"rc=$?\"; "
               "echo \"after=$(stty -g)\"");
    auto before = t.valueOf("before=");
    t.expect("ready");
    t.type("hi\r");
    t.expect("got:hi");
    EXPECT_EQ(t.valueOf("rc="), "4") << t.seen;
    EXPECT_EQ(t.valueOf("after="), before);
}

TEST(CliAttach, StdinNotATerminalIsForwardedAndItsEndKeepsTheOutputComing) {
    Fixture f;
    auto id = f.start(kEchoLoop, "ready");
    // "quit" arrives after stdin has ended: the CLI keeps streaming until the session exits.
    auto r = runProcess({"/bin/sh", "-c",
                         "printf 'hello\\nquit\\n' | '" + parawork() + "' --home '" +
                             f.daemon->home().string() + "' attach " + id});
    EXPECT_EQ(r.exitCode, 7) << r.out << r.err;
    EXPECT_NE(r.out.find("got:hello"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("got:quit"), std::string::npos) << r.out;
}

TEST(CliAttach, AFinishedSessionReplaysItsOutputAndAnUnknownOneIsNotFound) {
    Fixture f;
    auto id = str(f.api->start(f.workspace, {"sh", "-c", "echo last words; exit 5"}).at("id"));
    f.api->waitEnded(id);
    auto r = runProcess({parawork(), "--home", f.daemon->home().string(), "attach", id});
    EXPECT_EQ(r.exitCode, 5) << r.out << r.err;
    EXPECT_NE(r.out.find("last words"), std::string::npos) << r.out;

    auto missing = runProcess({parawork(), "--home", f.daemon->home().string(), "attach", "zzz"});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.err.find("zzz"), std::string::npos) << missing.err;
}

TEST(CliAttach, ConfiguredDetachKeysDetachFromTheFlagOrTheEnvironment) {
    Fixture f;
    auto id = f.start(kEchoLoop, "ready");
    {
        Terminal t(attachScript(*f.daemon, id, "--detach-keys ctrl-a,d"));
        auto before = t.valueOf("before=");
        t.expect("ready");
        t.type("\x01x\r");  // Ctrl-A then another key is not the sequence: both reach the session
        t.expect("got:");
        t.type("\x01");
        t.type("d");
        t.expect("[detached from " + id.substr(0, 8) + "]");
        EXPECT_EQ(t.valueOf("rc="), "0");
        EXPECT_EQ(t.valueOf("after="), before);
    }
    {
        Terminal t("export PARAWORK_DETACH_KEYS=ctrl-e; " + attachScript(*f.daemon, id));
        t.expect("got:");  // the screen as we left it
        t.type("\x05");
        t.expect("[detached from " + id.substr(0, 8) + "]");
        EXPECT_EQ(t.valueOf("rc="), "0");
    }
    EXPECT_EQ(f.status(id), "running");
    f.api->call("POST", "/api/sessions/" + id + "/stop");
    f.api->waitEnded(id);
}

TEST(CliAttach, BadDetachKeysAreAUsageErrorBeforeAnythingHappens) {
    Fixture f;
    auto id = f.start(kEchoLoop, "ready");
    auto bad = runProcess(
        {parawork(), "--home", f.daemon->home().string(), "attach", "--detach-keys", "ctrl-1", id});
    EXPECT_EQ(bad.exitCode, 2) << bad.out << bad.err;
    EXPECT_NE(bad.err.find("--detach-keys \"ctrl-1\": \"ctrl-1\" is not a key"), std::string::npos)
        << bad.err;
    EXPECT_NE(bad.err.find("hint: detach keys are"), std::string::npos) << bad.err;
    auto badEnv = runProcess({parawork(), "--home", f.daemon->home().string(), "run", "--", "true"},
                             {{"PARAWORK_DETACH_KEYS", "alt-x"}});
    EXPECT_EQ(badEnv.exitCode, 2) << badEnv.out << badEnv.err;
    EXPECT_NE(badEnv.err.find("PARAWORK_DETACH_KEYS \"alt-x\""), std::string::npos) << badEnv.err;
    // Nothing was started.
    EXPECT_EQ(f.api->call("GET", "/api/sessions").at("data").as_array().size(), 1u);
    f.api->call("POST", "/api/sessions/" + id + "/stop");
    f.api->waitEnded(id);
}

TEST(CliAttach, LongStepsShowASpinnerOnATerminal) {
    Fixture f;
    TempDir plain("pw-attach-spin");
    Terminal t("'" + parawork() + "' --home '" + f.daemon->home().string() +
               "' ws new spun --plain --path '" + plain.path().string() + "'; echo \"rc=$?\"");
    auto drawn = t.expect("⠋ creating workspace spun…");
    auto erased = t.expect("\r\x1b[K", drawn);
    t.expect("created workspace ", erased);
    EXPECT_EQ(t.valueOf("rc="), "0");
}

TEST(CliAttach, ARestartingDaemonIsWaitedForAndTheAttachGoesOn) {
    Fixture f;
    auto id = f.start(kEchoLoop, "ready");
    Terminal t(attachScript(*f.daemon, id));
    auto before = t.valueOf("before=");
    t.expect("ready");
    t.type("one\r");
    t.expect("got:one");
    f.api.reset();
    f.daemon->stop();  // as `parawork restart` does: SIGTERM, and a new daemon on the same home
    auto waiting = t.expect("reconnecting");
    f.daemon.emplace(DaemonProcess::Options{.home = f.home.path()});
    f.api.emplace(*f.daemon);
    // Back: the screen is drawn again (the status line goes with it), keys reach the session and
    // what it prints after the restart shows.
    auto redrawn = t.expect("got:one", waiting);
    t.type("two\r");
    t.expect("got:two", redrawn);
    t.type("\x1c\x1c");
    t.expect("[detached from " + id.substr(0, 8) + "]", redrawn);
    EXPECT_EQ(t.valueOf("rc="), "0");
    EXPECT_EQ(t.valueOf("after="), before);
    EXPECT_EQ(f.status(id), "running");
    f.api->call("POST", "/api/sessions/" + id + "/stop");
    f.api->waitEnded(id);
}

TEST(CliAttach, WithoutATerminalTheOutputGoesOnFromItsOffsetAfterARestart) {
    Fixture f;
    TempDir dir("pw-attach-pipe");
    auto flag = dir.path() / "go";
    auto id = f.start({"sh", "-c",
                       "echo first; while [ ! -e '" + flag.string() +
                           "' ]; do sleep 0.05; done; echo second; exit 6"},
                      "first");
    auto out = dir.path() / "out";
    pid_t cli =
        spawnProcess({parawork(), "--home", f.daemon->home().string(), "attach", id}, {}, out);
    auto read = [&] {
        std::ifstream in(out);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    auto waitFor = [&](const std::string& needle) {
        auto until = std::chrono::steady_clock::now() + kPatience;
        while (read().find(needle) == std::string::npos && std::chrono::steady_clock::now() < until)
            ASSERT_FALSE(waitForExit(cli, 20ms)) << read();
        ASSERT_NE(read().find(needle), std::string::npos) << read();
    };
    waitFor("first");
    f.api.reset();
    f.daemon->stop();
    waitFor("reconnecting");
    f.daemon.emplace(DaemonProcess::Options{.home = f.home.path()});
    f.api.emplace(*f.daemon);
    waitFor("reconnected");
    std::ofstream(flag.string()) << "go";
    EXPECT_EQ(waitForExit(cli, kPatience), 6);
    auto seen = read();
    EXPECT_NE(seen.find("second"), std::string::npos) << seen;
    // From the offset it had reached: nothing is written twice.
    EXPECT_EQ(seen.find("first"), seen.rfind("first")) << seen;
}

TEST(CliAttach, TheSessionLivesOnTheAlternateScreenAndTheShellsScreenComesBack) {
    Fixture f;
    // A program that switches to the alternate screen and back, as vim does.
    auto id = f.start({"sh", "-c",
                       "echo ready; read l; printf '\\033[?1049h'; echo in-vim; read l; "
                       "printf '\\033[?1049l'; echo back; read l"},
                      "ready");
    Terminal t(attachScript(*f.daemon, id));
    auto before = t.valueOf("before=");
    auto entered = t.expect("\x1b[?1049h");
    t.expect("ready", entered);  // the snapshot, drawn on the alternate screen
    t.type("\r");
    auto vim = t.expect("in-vim", entered);
    t.type("\r");
    t.expect("back", vim);
    t.type("\x1c\x1c");
    auto left = t.expect("\x1b[?1049l", vim);
    auto said = t.expect("[detached from " + id.substr(0, 8) + "]", left);
    EXPECT_EQ(t.valueOf("rc="), "0");
    EXPECT_EQ(t.valueOf("after="), before);
    // The session's own switches never reached the terminal: one enter, one leave, both ours.
    EXPECT_EQ(t.seen.find("\x1b[?1049h"), t.seen.rfind("\x1b[?1049h")) << t.seen;
    EXPECT_EQ(t.seen.find("\x1b[?1049l"), left) << t.seen;
    EXPECT_EQ(t.seen.rfind("\x1b[?1049l"), left) << t.seen;
    // The modes a program may leave on are reset before leaving: cursor shown, SGR reset,
    // bracketed paste and mouse off; and the message has a line of its own (the full id is
    // not in it).
    auto reset = t.seen.substr(vim, left - vim);
    for (std::string mode : {"\x1b[?25h", "\x1b[0m", "\x1b[?2004l", "\x1b[?1000l"})
        EXPECT_NE(reset.find(mode), std::string::npos) << "no " << mode.substr(1);
    EXPECT_EQ(t.seen.find("[detached from " + id + "]"), std::string::npos);
    EXPECT_TRUE(t.seen.substr(left, said - left).find("\n") != std::string::npos ||
                said == left + 8)
        << "the message does not start a line";
    f.api->call("POST", "/api/sessions/" + id + "/stop");
    f.api->waitEnded(id);
}

}  // namespace
}  // namespace parawork::test
