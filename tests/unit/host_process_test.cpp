// Black-box tests of the real parawork-host binary: start-up and detaching, exit records, exec
// failures, input, resize, signals, snapshots, watching, cleanup of what a session leaves behind.
#include <sys/socket.h>

#include <csignal>

#include "host/descendants.hpp"
#include "host/host_protocol.hpp"
#include "host/screen.hpp"
#include "host/session_host.hpp"
#include "host/unix_socket.hpp"
#include "unit/host_process_support.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::host::testing {
namespace {

TEST(HostProcess, ReportsReadinessAndDetachesFromTheCaller) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sleep", "1000"});
    const Launch& launch = session.launch();
    ASSERT_EQ(launch.exitCode, 0) << launch.err;
    EXPECT_EQ(launch.out, "{\"pid\":" + std::to_string(launch.hostPid) +
                              ",\"childPid\":" + std::to_string(launch.childPid) + "}\n");
    // The launching process has exited; the host lives on, in its own session, not our child.
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(exitedWithin(session.hostPidfd(), 0ms));
    EXPECT_NE(parentAndState(launch.hostPid).first, ::getpid());
    EXPECT_NE(::getsid(launch.hostPid), ::getsid(0));
    EXPECT_EQ(readFile(session.dir() / "host.pid"), std::to_string(launch.hostPid) + "\n");
    EXPECT_EQ(fs::status(session.dir() / "host.sock").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(fs::status(session.dir()).permissions() & fs::perms::all, fs::perms::owner_all);
    HostStatus status = session.connect().status();
    EXPECT_TRUE(status.running());
    EXPECT_EQ(status.childPid, static_cast<std::uint32_t>(launch.childPid));
    EXPECT_EQ(status.size, (WindowSize{80, 24}));
}

TEST(HostProcess, StartupErrorsAreReportedToTheCaller) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession running({"sleep", "1000"});
    Launch second = launchHost({"--dir", running.dir().string(), "--", "true"});
    EXPECT_EQ(second.exitCode, 1);
    EXPECT_NE(second.err.find("another parawork-host (pid " +
                              std::to_string(running.launch().hostPid) + ")"),
              std::string::npos)
        << second.err;
    Launch badCwd = launchHost(
        {"--dir", (running.root() / "x").string(), "--cwd", "/nonexistent", "--", "true"});
    EXPECT_EQ(badCwd.exitCode, 1);
    EXPECT_NE(badCwd.err.find("No such file or directory"), std::string::npos) << badCwd.err;
    Launch usage = launchHost({"--dir", (running.root() / "y").string(), "--cols", "0", "--", "x"});
    EXPECT_EQ(usage.exitCode, 2);
    EXPECT_NE(usage.err.find("--cols must be between 1 and 1000"), std::string::npos);
}

TEST(HostProcess, ExitCodeIsRecorded) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sh", "-c", "echo bye; exit 3"});
    auto record = session.waitForExit();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->exitCode, 3);
    EXPECT_EQ(record->signal, std::nullopt);
    EXPECT_EQ(record->reason, ExitReason::Exited);
    EXPECT_LE(record->startedAtMs, record->exitedAtMs);
    EXPECT_EQ(session.log(), "bye\r\n");
    EXPECT_TRUE(exitedWithin(session.hostPidfd(), 3s)) << "the host should exit after its linger";
    EXPECT_FALSE(fs::exists(session.dir() / "host.sock"));
}

TEST(HostProcess, DeathBySignalIsRecorded) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sh", "-c", "kill -TERM $$"});
    auto record = session.waitForExit();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->signal, SIGTERM);
    EXPECT_EQ(record->exitCode, std::nullopt);
    EXPECT_EQ(record->reason, ExitReason::Signaled);
}

TEST(HostProcess, MissingCommandExits127WithAMessageInTheLog) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"parawork-no-such-command", "arg"});
    auto record = session.waitForExit();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->exitCode, 127);
    EXPECT_EQ(record->reason, ExitReason::ExecFailed);
    EXPECT_EQ(session.log(),
              "parawork: cannot run 'parawork-no-such-command': No such file or directory\r\n");
}

TEST(HostProcess, NonExecutableFileExits126) {
    SKIP_WITHOUT_HOST_BINARY();
    test::TempDir dir("pw-noexec");
    fs::path file = dir.path() / "data.txt";
    std::ofstream(file) << "echo should not run\n";
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
    HostSession session({file.string()});
    auto record = session.waitForExit();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->exitCode, 126);
    EXPECT_EQ(record->reason, ExitReason::ExecFailed);
    EXPECT_EQ(session.log(), "parawork: cannot run '" + file.string() + "': Permission denied\r\n");
}

TEST(HostProcess, CommandGetsCwdEnvironmentAndTerminal) {
    SKIP_WITHOUT_HOST_BINARY();
    ::setenv("PARAWORK_TEST_VALUE", "from-the-caller", 1);
    HostSession session({"sh", "-c", "pwd; echo $PARAWORK_TEST_VALUE $TERM; tty; stty -a"},
                        {"--cwd", "/usr", "--linger-ms", "0"});
    ::unsetenv("PARAWORK_TEST_VALUE");
    ASSERT_TRUE(session.waitForExit());
    std::string log = session.log();
    EXPECT_TRUE(log.starts_with("/usr\r\nfrom-the-caller ")) << log;
    EXPECT_NE(log.find("/dev/pts/"), std::string::npos) << log;
    EXPECT_NE(log.find(" onlcr"), std::string::npos) << log;
    EXPECT_NE(log.find(" icanon"), std::string::npos) << log;
}

TEST(HostProcess, InputToCatEchoesBack) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"cat"});
    HostClient client = session.connect();
    client.input("hello host\n");
    session.waitForLog("hello host\r\nhello host\r\n");  // the terminal's echo, then cat's copy
    client.input("\x04");                                // ^D: end of input, cat exits
    auto record = session.waitForExit();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->exitCode, 0);
    EXPECT_THROW(client.input("late"), core::Error);  // the command has exited
}

TEST(HostProcess, ResizeIsSeenByTheCommandAndClamped) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session(
        {"sh", "-c", "stty -echo; while read x; do echo \"size $(stty size)\"; done"},
        {"--cols", "120", "--rows", "30", "--linger-ms", "0"});
    HostClient client = session.connect();
    client.input("\n");
    session.waitForLog("size 30 120");
    client.resize(100, 40);
    client.input("\n");
    session.waitForLog("size 40 100");
    client.resize(0, 0);
    client.input("\n");
    session.waitForLog("size 1 1");
    EXPECT_EQ(client.status().size, (WindowSize{1, 1}));
    client.resize(65535, 65535);
    client.input("\n");
    session.waitForLog("size 1000 1000");
    EXPECT_EQ(client.status().size, (WindowSize{1000, 1000}));
    client.resize(80, 24);  // don't keep a 1000x1000 screen model around
}

TEST(HostProcess, SignalsReachTheCommandAndOnlyAllowedOnesPass) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sleep", "1000"});
    HostClient client = session.connect();
    EXPECT_THROW(client.signal(SIGSEGV), core::Error);
    EXPECT_THROW(client.signal(0), core::Error);
    client.signal(SIGTERM, SignalTarget::Command);
    auto record = session.waitForExit();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->signal, SIGTERM);
}

TEST(HostProcess, CtrlCStyleSignalReachesTheForegroundGroup) {
    SKIP_WITHOUT_HOST_BINARY();
    // An interactive shell puts `sleep` in its own foreground group; INT must reach it, not sh.
    HostSession session({"sh", "-i"});
    HostClient client = session.connect();
    client.input("sleep 1000\n");
    pid_t shell = session.launch().childPid;
    auto sleeping = [&] {
        for (pid_t pid : childrenOf(shell))
            if (readFile("/proc/" + std::to_string(pid) + "/comm") == "sleep\n") return true;
        return false;
    };
    for (int i = 0; i < 500 && !sleeping(); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(sleeping()) << "the shell never started sleep";
    client.signal(SIGINT);
    client.input("echo status $?\n");
    session.waitForLog("status 130");
    client.input("exit 7\n");
    auto record = session.waitForExit();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->exitCode, 7);
}

TEST(HostProcess, SnapshotRedrawsTheScreenAtItsOffset) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sh", "-c",
                         "printf '\\033]2;agent\\007\\033[1;31mred\\033[0m plain\\033[3;5Hxy'; "
                         "sleep 1000"});
    HostClient client = session.connect();
    session.waitForLog("xy");
    SnapshotReply snap;
    for (int i = 0; i < 200; ++i) {  // the screen model catches up when the host is idle
        snap = client.snapshot();
        if (snap.offset == client.status().logEnd) break;
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(snap.offset, session.log().size());
    EXPECT_EQ(snap.size, (WindowSize{80, 24}));
    Screen copy(80, 24);
    copy.feed(snap.bytes);
    EXPECT_EQ(copy.cell(0, 0).chars, U"r");
    EXPECT_TRUE(copy.cell(0, 0).pen.bold);
    EXPECT_EQ(copy.cell(0, 0).pen.fg.index, 1);
    EXPECT_FALSE(copy.cell(0, 4).pen.bold);
    EXPECT_EQ(copy.cell(2, 4).chars, U"x");
    EXPECT_EQ(copy.cursorRow(), 2);
    EXPECT_EQ(copy.cursorCol(), 6);
    EXPECT_EQ(copy.title(), "agent");
}

TEST(HostProcess, WatcherGetsOutputNotificationsThenTheExit) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sh", "-c", "sleep 0.2; echo one; sleep 0.2; echo two"});
    HostClient client = session.connect();
    client.watch();
    std::uint64_t lastEnd = 0;
    std::optional<ExitRecord> exited;
    while (!exited) {
        auto event = client.readEvent(5s);
        ASSERT_TRUE(event) << "no event within 5 s";
        if (event->kind == HostEvent::Kind::OutputAvailable) {
            EXPECT_GE(event->endOffset, lastEnd);
            lastEnd = event->endOffset;
        } else {
            exited = event->exit;
        }
    }
    EXPECT_EQ(exited->exitCode, 0);
    EXPECT_EQ(lastEnd, std::string("one\r\ntwo\r\n").size());  // all output precedes EXITED
    EXPECT_EQ(client.status().exit, exited);                   // still answering in the linger
}

// The daemon's two connections to a session, opened together (their requests sent before any
// answer is read): both are welcomed, the watching one hears the output and the exit, and the
// other answers requests.
TEST(HostProcess, AControlAndAWatchConnectionOpenedTogetherEachDoTheirPart) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sh", "-c", "read line; echo \"got $line\""});
    auto both = HostClient::connectControlAndWatch(session.dir());
    EXPECT_EQ(both.control.welcome().hostPid, both.watch.welcome().hostPid);
    EXPECT_GT(both.watch.welcome().childPid, 0u);
    both.control.input("hi\n");
    std::uint64_t lastEnd = 0;
    std::optional<ExitRecord> exited;
    while (!exited) {
        auto event = both.watch.readEvent(5s);
        ASSERT_TRUE(event) << "no event within 5 s";
        if (event->kind == HostEvent::Kind::OutputAvailable)
            lastEnd = event->endOffset;
        else
            exited = event->exit;
    }
    EXPECT_EQ(exited->exitCode, 0);
    EXPECT_EQ(lastEnd, session.log().size());
    EXPECT_NE(session.log().find("got hi"), std::string::npos);
    EXPECT_EQ(both.control.status().exit, exited);
}

TEST(HostProcess, MalformedClientsAreDroppedAndTheHostCarriesOn) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sleep", "1000"});
    auto exchange = [&](const std::string& bytes) {
        core::UniqueFd fd = connectUnix(session.dir() / "host.sock", 2s);
        ::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        FrameReader reader(kMaxReplyPayload);
        std::vector<Frame> frames;
        char buffer[4096];
        pollfd pfd{fd.get(), POLLIN, 0};
        while (::poll(&pfd, 1, 2000) == 1) {
            ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
            if (n <= 0) return std::make_pair(frames, true);  // closed by the host
            reader.append(std::string_view(buffer, static_cast<std::size_t>(n)));
            while (auto f = reader.next()) frames.push_back(*f);
        }
        return std::make_pair(frames, false);
    };
    // Garbage, a frame type of 0, an oversize header: closed.
    EXPECT_TRUE(exchange(std::string("\x00garbage", 8)).second);
    EXPECT_TRUE(exchange(std::string("\x02\xff\xff\xff\x7f", 5)).second);
    // Not starting with HELLO, or a version we do not speak: ERROR, then closed.
    auto noHello = exchange(encodeFrame(MessageType::Status, ""));
    EXPECT_TRUE(noHello.second);
    ASSERT_EQ(noHello.first.size(), 1u);
    EXPECT_EQ(noHello.first[0].type, static_cast<std::uint8_t>(MessageType::Error));
    auto badVersion = exchange(encodeFrame(MessageType::Hello, encodeHello(99)));
    ASSERT_EQ(badVersion.first.size(), 1u);
    EXPECT_NE(badVersion.first[0].payload.find("unsupported protocol version 99"),
              std::string::npos);
    // A truncated RESIZE payload after a proper HELLO: ERROR and closed.
    auto shortResize = exchange(encodeFrame(MessageType::Hello, encodeHello()) +
                                encodeFrame(MessageType::Resize, "\x01"));
    ASSERT_EQ(shortResize.first.size(), 2u);
    EXPECT_EQ(shortResize.first[1].type, static_cast<std::uint8_t>(MessageType::Error));
    // An unknown request type is refused but the connection stays.
    auto unknown = exchange(encodeFrame(MessageType::Hello, encodeHello()) +
                            encodeFrame(static_cast<MessageType>(0x3f), "") +
                            encodeFrame(MessageType::Status, ""));
    EXPECT_FALSE(unknown.second);
    ASSERT_EQ(unknown.first.size(), 3u);
    EXPECT_EQ(unknown.first[2].type, static_cast<std::uint8_t>(MessageType::StatusReply));
    EXPECT_TRUE(session.connect().status().running());
}

TEST(HostProcess, InputBeyondTheBoundIsRefusedWhenTheCommandDoesNotRead) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sleep", "1000"});
    HostClient client = session.connect();
    // The kernel's PTY buffers take some hundreds of KiB; then the host's 1 MiB fills up.
    std::string refusal;
    for (int i = 0; i < 16 && refusal.empty(); ++i) {
        try {
            client.input(std::string(512 * 1024, 'a'));
        } catch (const core::Error& e) {
            refusal = e.what();
        }
    }
    EXPECT_EQ(refusal, "host: input buffer full: the command is not reading its input");
    EXPECT_TRUE(client.status().running());
}

TEST(HostProcess, ClientsBeyondTheLimitAreRefused) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sleep", "1000"});
    std::vector<HostClient> clients;
    for (std::size_t i = 0; i < kMaxClients; ++i) clients.push_back(session.connect());
    EXPECT_THROW(session.connect(), core::Error);
    clients.pop_back();
    std::this_thread::sleep_for(50ms);  // the host notices the close on its next turn
    EXPECT_NO_THROW(session.connect());
}

TEST(HostProcess, AClientThatNeverReadsItsRepliesIsDropped) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sleep", "1000"});
    core::UniqueFd fd = connectUnix(session.dir() / "host.sock", 2s);
    std::string batch = encodeFrame(MessageType::Hello, encodeHello());
    for (int i = 0; i < 10000; ++i) batch += encodeFrame(MessageType::Status, "");
    // 50-byte replies pile up: past kMaxClientBacklog (17 MiB, ~350k replies) we are dropped.
    bool dropped = false;
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!dropped && std::chrono::steady_clock::now() < deadline) {
        std::string_view rest(batch);
        while (!rest.empty()) {
            ssize_t n = ::send(fd.get(), rest.data(), rest.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && errno == EAGAIN) {
                pollfd pfd{fd.get(), POLLOUT, 0};
                ::poll(&pfd, 1, 100);
                continue;
            }
            if (n < 0) {
                dropped = true;  // EPIPE / ECONNRESET: the host closed us
                break;
            }
            rest.remove_prefix(static_cast<std::size_t>(n));
        }
        batch = batch.substr(batch.find(encodeFrame(MessageType::Status, "")));  // HELLO once
    }
    EXPECT_TRUE(dropped);
    EXPECT_TRUE(session.connect().status().running()) << "the host must carry on";
}

TEST(HostProcess, SigtermToTheHostEndsTheSession) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sleep", "1000"});
    ::kill(session.launch().hostPid, SIGTERM);
    auto record = session.waitForExit();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->signal, SIGTERM);
    EXPECT_TRUE(exitedWithin(session.hostPidfd(), 3s));
}

TEST(HostProcess, KillingTheHostHangsUpTheCommand) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sleep", "1000"});
    core::UniqueFd child = pidfdOf(session.launch().childPid);
    ASSERT_TRUE(child);
    ::syscall(SYS_pidfd_send_signal, session.hostPidfd().get(), SIGKILL, nullptr, 0);
    EXPECT_TRUE(exitedWithin(child, 3s)) << "the command outlived its host";
}

TEST(HostProcess, DescendantsLeftBehindAreEndedAfterTheCommandExits) {
    SKIP_WITHOUT_HOST_BINARY();
    // One background process that dies of SIGHUP, one that ignores it and needs the SIGKILL.
    HostSession session({"sh", "-c",
                         "sleep 1000 & echo bg=$!; (trap '' HUP; exec sleep 1001) & echo hup=$!; "
                         "sleep 0.1; exit 0"});
    ASSERT_TRUE(session.waitForExit());
    std::string log = session.log();
    pid_t background = static_cast<pid_t>(std::atol(log.c_str() + log.find("bg=") + 3));
    pid_t stubborn = static_cast<pid_t>(std::atol(log.c_str() + log.find("hup=") + 4));
    core::UniqueFd a = pidfdOf(background), b = pidfdOf(stubborn);
    EXPECT_TRUE(exitedWithin(a, 3s));
    EXPECT_TRUE(exitedWithin(b, 3s));
}

TEST(HostProcess, ShortLivedGrandchildrenLeaveNoZombies) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session(
        {"sh", "-c", "for i in $(seq 100); do (sleep 0.01 &) ; done; echo spawned; sleep 1"});
    session.waitForLog("spawned");
    std::this_thread::sleep_for(300ms);  // every sleep 0.01 is long done; sh still sleeps
    EXPECT_FALSE(exitedWithin(session.hostPidfd(), 0ms));
    EXPECT_EQ(zombieChildrenOf(session.launch().hostPid), std::vector<pid_t>{});
    ASSERT_TRUE(session.waitForExit());
}

}  // namespace
}  // namespace parawork::host::testing
