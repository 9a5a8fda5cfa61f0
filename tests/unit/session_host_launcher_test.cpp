// HostLauncher against the real parawork-host: a start through the standby host and an ordinary
// one give the same session; a standby that died falls back to the ordinary way; the host's own
// errors come through both ways; a standby never outlives its launcher.
#include "session/host_launcher.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "host/host_client.hpp"
#include "unit_support/temp_dir.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::session {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kHostBinary = PARAWORK_TEST_HOST_BIN;

LaunchSpec specFor(const fs::path& dir, std::vector<std::string> argv, fs::path cwd = "/tmp") {
    LaunchSpec spec;
    spec.sessionDir = dir;
    spec.cwd = std::move(cwd);
    spec.argv = std::move(argv);
    spec.env = {"PATH=/usr/bin:/bin", "PW_MARK=from-the-request"};
    spec.size = {80, 24};
    return spec;
}

/// Everything the session's log holds so far.
std::string logText(const fs::path& dir) {
    std::string all;
    std::error_code ec;
    std::vector<fs::path> segments;
    for (const auto& e : fs::directory_iterator(dir / "log", ec)) segments.push_back(e.path());
    std::sort(segments.begin(), segments.end());
    for (const auto& s : segments) {
        std::ifstream in(s, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        all += text.str();
    }
    return all;
}

core::UniqueFd pidfdOf(int pid) {
    return core::UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

bool gone(const core::UniqueFd& pidfd, std::chrono::milliseconds within) {
    if (!pidfd) return true;
    pollfd p{pidfd.get(), POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(within.count())) == 1;
}

/// Ends a started session's host (its command goes with the PTY) and waits for it.
void end(const Launched& launched) {
    auto pidfd = pidfdOf(launched.hostPid);
    ::kill(launched.childPid, SIGKILL);
    ::kill(launched.hostPid, SIGKILL);
    EXPECT_TRUE(gone(pidfd, 20s));
}

TEST(HostLauncher, AStartTakesTheStandbyAndTheNextIsMadeAfterIt) {
    test::TempDir tmp("pw-launch");
    HostLauncher launcher(kHostBinary, tmp.path(), 1);
    EXPECT_EQ(launcher.standbyPid(), 0);  // none before the first replenish (the daemon serves)
    launcher.replenish();
    ASSERT_TRUE(launcher.waitForStandby(20s));
    int standby = launcher.standbyPid();
    ASSERT_GT(standby, 0);
    Launched launched = launcher.launch(
        specFor(tmp.path() / "a", {"sh", "-c", "echo \"$PW_MARK\"; exec sleep 100"}));
    EXPECT_TRUE(launched.warm);
    EXPECT_EQ(launched.hostPid, standby);  // the standby became this session's host
    EXPECT_GT(launched.childPid, 0);
    // The command's environment is the request's, not the one the standby was started with.
    EXPECT_TRUE(test::waitUntil([&] {
        return logText(tmp.path() / "a").find("from-the-request") != std::string::npos;
    })) << logText(tmp.path() / "a");
    EXPECT_EQ(launcher.standbyPid(), 0);  // used up: the next comes once the start is over
    launcher.replenish();
    ASSERT_TRUE(launcher.waitForStandby(20s));
    EXPECT_NE(launcher.standbyPid(), standby);
    end(launched);
}

/// The pids of `pid`'s children named `name`.
std::vector<int> childrenNamed(int pid, const std::string& name) {
    std::vector<int> found;
    std::ifstream children("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                           "/children");
    for (int child = 0; children >> child;) {
        std::ifstream comm("/proc/" + std::to_string(child) + "/comm");
        std::string text;
        std::getline(comm, text);
        if (text == name) found.push_back(child);
    }
    return found;
}

TEST(HostLauncher, TheStandbysScreenWorkerWaitsWithItAndTakesTheSessionsSize) {
    // Forked at the first output, the worker stalled the host just when its session started.
    test::TempDir tmp("pw-launch");
    HostLauncher launcher(kHostBinary, tmp.path());
    launcher.replenish();
    ASSERT_TRUE(launcher.waitForStandby(20s));
    int standby = launcher.standbyPid();
    std::vector<int> workers;
    ASSERT_TRUE(test::waitUntil([&] {
        workers = childrenNamed(standby, "parawork-screen");
        return !workers.empty();
    }));
    LaunchSpec spec = specFor(tmp.path() / "a", {"sh", "-c", "printf 'ready\\n'; exec sleep 100"});
    spec.size = {100, 30};
    Launched launched = launcher.launch(spec);  // the worker holds none of the report's pipes
    ASSERT_TRUE(launched.warm);
    auto client = host::HostClient::connect(tmp.path() / "a");
    host::ScreenText text;
    ASSERT_TRUE(test::waitUntil([&] {
        text = client.screenText();
        return !text.lines.empty() && text.lines[0] == "ready";
    }));
    EXPECT_EQ(text.size.cols, 100);
    EXPECT_EQ(text.size.rows, 30);
    EXPECT_EQ(childrenNamed(standby, "parawork-screen"), workers);  // the same worker, adopted
    end(launched);
}

TEST(HostLauncher, AStartRightAfterAnotherWaitsForTheStandbyOnItsWay) {
    // Back-to-back starts (an agent starting sessions) started every second host cold.
    test::TempDir tmp("pw-launch");
    HostLauncher launcher(kHostBinary, tmp.path(), 1, 120s);  // a bound no busy machine hits
    launcher.replenish();
    ASSERT_TRUE(launcher.waitForStandby(20s));
    Launched first = launcher.launch(specFor(tmp.path() / "a", {"sleep", "100"}));
    EXPECT_TRUE(first.warm);
    launcher.replenish();  // as the daemon does once the session attached
    Launched second = launcher.launch(specFor(tmp.path() / "b", {"sleep", "100"}));
    EXPECT_TRUE(second.warm);
    end(first);
    end(second);
}

TEST(HostLauncher, TwoStandbysByDefaultSoThatTheNextStartFindsOneReady) {
    test::TempDir tmp("pw-launch");
    HostLauncher launcher(kHostBinary, tmp.path());
    launcher.replenish();
    ASSERT_TRUE(launcher.waitForStandby(20s, 2));
    int oldest = launcher.standbyPid();
    Launched first = launcher.launch(specFor(tmp.path() / "a", {"sleep", "100"}));
    EXPECT_TRUE(first.warm);
    EXPECT_EQ(first.hostPid, oldest);
    int next = launcher.standbyPid();  // ready already: no replenish since
    EXPECT_GT(next, 0);
    EXPECT_NE(next, oldest);
    Launched second = launcher.launch(specFor(tmp.path() / "b", {"sleep", "100"}));
    EXPECT_TRUE(second.warm);
    EXPECT_EQ(second.hostPid, next);
    launcher.replenish();
    EXPECT_TRUE(launcher.waitForStandby(20s, 2));
    end(first);
    end(second);
}

TEST(HostLauncher, ADeadStandbyMeansAnOrdinaryStart) {
    test::TempDir tmp("pw-launch");
    HostLauncher launcher(kHostBinary, tmp.path(), 1);
    launcher.replenish();
    ASSERT_TRUE(launcher.waitForStandby(20s));
    auto pidfd = pidfdOf(launcher.standbyPid());
    ASSERT_EQ(::kill(launcher.standbyPid(), SIGKILL), 0);
    ASSERT_TRUE(gone(pidfd, 20s));
    Launched launched =
        launcher.launch(specFor(tmp.path() / "a", {"sh", "-c", "echo ordinary; exec sleep 100"}));
    EXPECT_FALSE(launched.warm);
    EXPECT_TRUE(test::waitUntil(
        [&] { return logText(tmp.path() / "a").find("ordinary") != std::string::npos; }));
    end(launched);
}

TEST(HostLauncher, ADeadStandbyIsPassedOverForTheNextOne) {
    test::TempDir tmp("pw-launch");
    HostLauncher launcher(kHostBinary, tmp.path(), 2);
    launcher.replenish();
    ASSERT_TRUE(launcher.waitForStandby(20s, 2));
    int dead = launcher.standbyPid();
    auto pidfd = pidfdOf(dead);
    ASSERT_EQ(::kill(dead, SIGKILL), 0);
    ASSERT_TRUE(gone(pidfd, 20s));
    Launched launched = launcher.launch(specFor(tmp.path() / "a", {"sleep", "100"}));
    EXPECT_TRUE(launched.warm);
    EXPECT_NE(launched.hostPid, dead);
    end(launched);
}

TEST(HostLauncher, TheHostsOwnErrorsComeThroughEitherWay) {
    for (bool keepStandby : {true, false}) {
        SCOPED_TRACE(keepStandby ? "through the standby" : "the ordinary way");
        test::TempDir tmp("pw-launch");
        HostLauncher launcher(kHostBinary, tmp.path(), keepStandby ? 1 : 0);
        launcher.replenish();
        auto expectRefusal = [&](const LaunchSpec& spec, const std::string& reason) {
            core::UniqueFd standby;
            if (keepStandby) {
                ASSERT_TRUE(launcher.waitForStandby(20s));
                standby = pidfdOf(launcher.standbyPid());
            }
            try {
                launcher.launch(spec);
                ADD_FAILURE() << "started: " << spec.sessionDir;
            } catch (const core::Error& e) {
                EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
            }
            if (keepStandby) {
                EXPECT_TRUE(gone(standby, 20s));  // it exits, nothing left behind
            }
            launcher.replenish();
        };
        expectRefusal(specFor(tmp.path() / "a", {"true"}, "/nonexistent"),
                      "No such file or directory");
        LaunchSpec tooNarrow = specFor(tmp.path() / "b", {"true"});
        tooNarrow.size.cols = 0;
        expectRefusal(tooNarrow, "--cols must be between 1 and 1000");
        if (keepStandby) {
            ASSERT_TRUE(launcher.waitForStandby(20s));
        }
        Launched running = launcher.launch(specFor(tmp.path() / "c", {"sleep", "100"}));
        EXPECT_EQ(running.warm, keepStandby);
        launcher.replenish();
        expectRefusal(specFor(tmp.path() / "c", {"true"}),
                      "another parawork-host (pid " + std::to_string(running.hostPid) + ")");
        if (keepStandby) {  // a standby starts sessions in its own directory only
            expectRefusal(specFor("/tmp/pw-elsewhere/x", {"true"}),
                          "--dir must be inside " + tmp.path().string());
        }
        end(running);
    }
}

TEST(HostLauncher, LettingTheLauncherGoEndsItsStandby) {
    test::TempDir tmp("pw-launch");
    core::UniqueFd standby;
    {
        HostLauncher launcher(kHostBinary, tmp.path());
        launcher.replenish();
        ASSERT_TRUE(launcher.waitForStandby(20s));
        standby = pidfdOf(launcher.standbyPid());
        ASSERT_TRUE(standby);
    }
    EXPECT_TRUE(gone(standby, 20s));  // it read EOF where its request would have been
}

TEST(HostLauncher, AMissingHostBinaryIsAnErrorNotAHang) {
    test::TempDir tmp("pw-launch");
    HostLauncher launcher("/nonexistent/parawork-host", tmp.path());
    launcher.replenish();  // fails (logged); the start below is an ordinary one
    try {
        launcher.launch(specFor(tmp.path() / "a", {"true"}));
        ADD_FAILURE() << "started without a host binary";
    } catch (const core::Error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot run /nonexistent/parawork-host"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace parawork::session
