// What sessions survive (DESIGN §3–4): a daemon crash, an exit while the daemon is down, a host
// killed under them, floods and stalled viewers, many sessions at once, and re-attaching to a
// full-screen program.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include <boost/json/parse.hpp>

#include "support/session_api.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

int hostPidOf(const DaemonProcess& daemon, const std::string& sessionId) {
    std::ifstream in(daemon.home() / "data" / "sessions" / sessionId / "host.pid");
    int pid = 0;
    in >> pid;
    return pid;
}

/// FNV-1a, enough to compare two byte streams.
struct Checksum {
    std::uint64_t hash = 1469598103934665603ull;
    std::uint64_t bytes = 0;
    void add(std::string_view data) {
        for (unsigned char c : data) hash = (hash ^ c) * 1099511628211ull;
        bytes += data.size();
    }
};

/// Reads an attach stream (`?offset=0`: raw log bytes, then a final `exit` text message).
Checksum readAttachStream(api::WsClient& ws) {
    Checksum sum;
    for (;;) {
        auto msg = ws.read(60s);
        if (!msg) throw core::Error("attach stream stalled");
        if (msg->starts_with(R"({"type":"exit")")) return sum;
        sum.add(*msg);
    }
}

TEST(SessionsResilience, AgentOutlivesADaemonCrashAndIsReAdopted) {
    TempDir home("pw-home");
    std::string id;
    int pid = 0;
    std::size_t seenBeforeCrash = 0;
    {
        DaemonProcess first(DaemonProcess::Options{.home = home.path()});
        SessionApi api(first);
        auto ws = api.createWorkspace();
        auto s = api.start(
            ws, {"sh", "-c", "i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done"});
        id = str(s.at("id"));
        pid = s.at("processId").to_number<int>();
        seenBeforeCrash = api.waitOutput(id, "tick 3").size();
        first.kill9();
    }
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(processAlive(pid)) << "the agent died with the daemon";
    DaemonProcess second(DaemonProcess::Options{.home = home.path()});
    SessionApi api(second);
    EXPECT_EQ(api.session(id).at("status"), "running");
    // Output produced while no daemon ran is all there, and more keeps coming.
    auto out = api.output(id);
    EXPECT_GT(out.size(), seenBeforeCrash);
    api.waitOutput(id, "tick " + std::to_string(out.size() / 8 + 5));
    // Re-attaching shows the current screen first.
    auto ws = api::WsClient::connect(second.unixSocket(), "/api/sessions/" + id + "/attach");
    auto header = ws.read(10s);
    ASSERT_TRUE(header);
    EXPECT_NE(header->find(R"("type":"snapshot")"), std::string::npos);
    auto screen = ws.read(10s);
    ASSERT_TRUE(screen);
    EXPECT_NE(screen->find("tick"), std::string::npos);
    api.call("POST", "/api/sessions/" + id + "/stop");
    EXPECT_EQ(api.waitEnded(id).at("exitReason"), "stopped");
}

TEST(SessionsResilience, ExitWhileTheDaemonIsDownIsReportedAfterRestart) {
    TempDir home("pw-home");
    std::string id;
    {
        DaemonProcess first(DaemonProcess::Options{.home = home.path()});
        SessionApi api(first);
        auto s = api.start(api.createWorkspace(), {"sh", "-c", "echo bye; sleep 0.5; exit 7"});
        id = str(s.at("id"));
        first.kill9();
    }
    std::this_thread::sleep_for(3s);  // the command exits and its host lingers out
    DaemonProcess second(DaemonProcess::Options{.home = home.path()});
    SessionApi api(second);
    auto ended = api.waitEnded(id);
    EXPECT_EQ(ended.at("status"), "failed");
    EXPECT_EQ(ended.at("exitCode").to_number<int>(), 7);
    EXPECT_EQ(api.output(id), "bye\r\n");
}

TEST(SessionsResilience, KilledHostFailsTheSessionAndTakesItsChildren) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto s = api.start(api.createWorkspace(), {"sleep", "1000"});
    auto id = str(s.at("id"));
    int child = s.at("processId").to_number<int>();
    int host = hostPidOf(daemon, id);
    ASSERT_GT(host, 0);
    ::kill(host, SIGKILL);
    auto ended = api.waitEnded(id);
    EXPECT_EQ(ended.at("status"), "failed");
    EXPECT_EQ(ended.at("exitReason"), "host lost");
    EXPECT_TRUE(waitUntil([&] { return !processAlive(child); }, 5s)) << "sleep survived its host";
}

TEST(SessionsResilience, FullScreenProgramReAttachesLookingRight) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto s = api.start(
        api.createWorkspace(),
        {"sh", "-c",
         "printf '\\033]0;my-title\\007\\033[?1049h\\033[2J\\033[5;10H\\033[1;31mTUI-SCREEN"
         "\\033[0m\\033[8;3H'; sleep 30"});
    auto id = str(s.at("id"));
    api.waitOutput(id, "TUI-SCREEN");
    auto ws = api::WsClient::connect(daemon.unixSocket(), "/api/sessions/" + id + "/attach");
    auto header = ws.read(10s);
    ASSERT_TRUE(header);
    auto info = json::parse(*header).as_object();
    EXPECT_EQ(info.at("type"), "snapshot");
    EXPECT_EQ(info.at("cols").to_number<int>(), 120);
    auto screen = ws.read(10s);
    ASSERT_TRUE(screen);
    EXPECT_NE(screen->find("\x1b[?1049h"), std::string::npos);  // alternate screen
    EXPECT_NE(screen->find("TUI-SCREEN"), std::string::npos);
    EXPECT_NE(screen->find("my-title"), std::string::npos);
    EXPECT_NE(screen->find("\x1b[8;3H"), std::string::npos);  // the cursor where it was
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

/// The host's screen worker (a child of the host named parawork-screen), or 0.
int screenWorkerOf(int hostPid) {
    std::ifstream children("/proc/" + std::to_string(hostPid) + "/task/" + std::to_string(hostPid) +
                           "/children");
    int pid = 0;
    while (children >> pid) {
        std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
        std::string name;
        std::getline(comm, name);
        if (name == "parawork-screen") return pid;
    }
    return 0;
}

std::string attachedScreen(const DaemonProcess& daemon, const std::string& id) {
    auto ws = api::WsClient::connect(daemon.unixSocket(), "/api/sessions/" + id + "/attach");
    auto header = ws.read(10s);
    if (!header || !header->starts_with(R"({"type":"snapshot")")) return {};
    auto screen = ws.read(10s);
    return screen ? *screen : std::string();
}

TEST(SessionsResilience, HostileTerminalOutputCostsNeitherTheSessionNorItsScreen) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    // 17 parameters in one CSI sequence crashed libvterm 0.1.4, and the host with it.
    auto s =
        api.start(api.createWorkspace(),
                  {"sh", "-c",
                   "printf '\\033[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1mBOLD-TEXT\\n'; "
                   "printf 'printed-after\\n'; sleep 60"});
    auto id = str(s.at("id"));
    api.waitOutput(id, "printed-after");
    EXPECT_NE(attachedScreen(daemon, id).find("BOLD-TEXT"), std::string::npos);
    EXPECT_EQ(str(api.session(id).at("status")), "running");
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

TEST(SessionsResilience, AScreenWorkerThatDiesCostsOnlyTheScreen) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto s = api.start(api.createWorkspace(),
                       {"sh", "-c", "echo first-line; read line; echo got-$line; sleep 60"});
    auto id = str(s.at("id"));
    api.waitOutput(id, "first-line");
    int worker = 0;
    ASSERT_TRUE(
        waitUntil([&] { return (worker = screenWorkerOf(hostPidOf(daemon, id))) > 0; }, 10s));
    ASSERT_EQ(::kill(worker, SIGSEGV), 0);  // as if libvterm faulted
    api.call("POST", "/api/sessions/" + id + "/input", R"({"input":"typed\r"})");
    api.waitOutput(id, "got-typed");  // the command, its PTY and the log carry on
    EXPECT_EQ(str(api.session(id).at("status")), "running");
    EXPECT_TRUE(waitUntil(
        [&] {
            int next = screenWorkerOf(hostPidOf(daemon, id));
            return next > 0 && next != worker;
        },
        10s));
    EXPECT_NE(attachedScreen(daemon, id).find("\x1b[H"), std::string::npos);  // a screen again
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

TEST(SessionsResilience, FloodArrivesCompleteAndAStalledViewerSlowsNothing) {
    constexpr std::size_t kSize = 256u << 20;
    TempDir dir("pw-flood");
    auto file = dir.path() / "flood.txt";
    Checksum expected;  // what the PTY shows: ONLCR turns "\n" into "\r\n"
    {
        std::ofstream out(file, std::ios::binary);
        std::string line;
        for (std::size_t written = 0, n = 0; written < kSize; ++n) {
            line =
                "line " + std::to_string(n) + " " + std::string(90 + n % 31, 'a' + n % 26) + "\n";
            out << line;
            written += line.size();
            line.insert(line.size() - 1, "\r");
            expected.add(line);
        }
    }
    DaemonProcess daemon(
        DaemonProcess::Options{.configToml = "[sessions]\nlog_max_bytes = 1073741824\n"});
    SessionApi api(daemon);
    auto s = api.start(api.createWorkspace(), {"sh", "-c", "sleep 0.3; cat " + file.string()});
    auto id = str(s.at("id"));
    auto path = "/api/sessions/" + id + "/attach?offset=0";
    auto stalled = api::WsClient::connect(daemon.unixSocket(), path);  // never reads
    auto viewer = api::WsClient::connect(daemon.unixSocket(), path);
    auto got = readAttachStream(viewer);
    EXPECT_EQ(got.bytes, expected.bytes);
    EXPECT_EQ(got.hash, expected.hash);
    // The whole flood went through while one viewer has not read a byte: had viewers been
    // coupled to the agent, it would have blocked once that viewer's socket buffers filled.
    EXPECT_EQ(api.waitEnded(id, 10s).at("status"), "completed");
}

TEST(SessionsResilience, HundredConcurrentSessions) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    std::vector<std::string> ids;
    std::vector<int> pids;
    for (int i = 0; i < 100; ++i) {
        auto s = api.start(api.createWorkspace(), {"sleep", "1000"});
        ids.push_back(str(s.at("id")));
        pids.push_back(s.at("processId").to_number<int>());
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
        EXPECT_EQ(api.session(ids[i]).at("status"), "running");
        EXPECT_TRUE(processAlive(pids[i]));
    }
    for (const auto& id : ids) api.call("POST", "/api/sessions/" + id + "/stop");
    for (std::size_t i = 0; i < ids.size(); ++i) {
        EXPECT_EQ(api.waitEnded(ids[i]).at("exitReason"), "stopped");
        EXPECT_TRUE(waitUntil([&] { return !processAlive(pids[i]); }, 5s));
    }
}

}  // namespace
}  // namespace parawork::test
