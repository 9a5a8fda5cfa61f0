// Sessions end to end (issue: sessions that never die with the daemon): real daemons, real
// session hosts, real PTYs. Each test starts its own daemon.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/session_api.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

TEST(Sessions, EchoAndExitCode) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    auto s = api.start(ws, {"sh", "-c", "echo hello; exit 3"});
    EXPECT_EQ(s.at("status"), "running");
    auto ended = api.waitEnded(str(s.at("id")));
    EXPECT_EQ(ended.at("status"), "failed");
    EXPECT_EQ(ended.at("exitCode").to_number<int>(), 3);
    EXPECT_EQ(ended.at("exitReason"), "exited");
    EXPECT_EQ(api.output(str(s.at("id"))), "hello\r\n");
    auto ok = api.start(ws, {"true"});
    EXPECT_EQ(api.waitEnded(str(ok.at("id"))).at("status"), "completed");
    // The workspace follows its session (parawork's statuses).
    EXPECT_EQ(api.call("GET", "/api/workspaces/" + ws).at("data").at("status"), "completed");
}

/// While it lives, this process ignores the two real-time signals glibc reserves (32, 33), as a
/// parent that ignored them would hand them down to a daemon started meanwhile. glibc's own
/// sigaction refuses them: the raw system call, the old actions kept as bytes and put back.
class ReservedSignalsIgnored {
  public:
    ReservedSignalsIgnored() {
        for (int i = 0; i < 2; ++i) {
            unsigned long ignore[8] = {};
            ignore[0] = 1;  // SIG_IGN in the handler, the first field (x86-64, arm64)
            ::syscall(SYS_rt_sigaction, 32 + i, ignore, saved_[i], kSigsetBytes);
        }
    }
    ~ReservedSignalsIgnored() {
        for (int i = 0; i < 2; ++i)
            ::syscall(SYS_rt_sigaction, 32 + i, saved_[i], nullptr, kSigsetBytes);
    }
    ReservedSignalsIgnored(const ReservedSignalsIgnored&) = delete;
    ReservedSignalsIgnored& operator=(const ReservedSignalsIgnored&) = delete;

  private:
    static constexpr unsigned long kSigsetBytes = (NSIG - 1) / 8;
    unsigned long saved_[2][8] = {};
};

// Whatever the daemon was started from — TERM=dumb, another COLORTERM, signals ignored — a
// session's command gets the terminal it runs in (xterm-256color, truecolor: issue 17 item 4) and
// every signal at its default, unblocked (issue 18 item 6). A session's own env still wins.
TEST(Sessions, TheCommandGetsItsTerminalsEnvironmentAndDefaultSignals) {
    std::optional<DaemonProcess> daemon;
    {
        ReservedSignalsIgnored ignored;
        daemon.emplace(DaemonProcess::Options{.env = {{"TERM", "dumb"}, {"COLORTERM", "no"}}});
    }
    SessionApi api(*daemon);
    auto ws = api.createWorkspace();
    const std::vector<std::string> probe{
        "sh", "-c",
        "echo \"term=$TERM colorterm=$COLORTERM\"; exec grep -E 'SigIgn|SigBlk' /proc/self/status"};
    auto s = api.start(ws, probe);
    api.waitEnded(str(s.at("id")));
    auto out = api.output(str(s.at("id")));
    EXPECT_NE(out.find("term=xterm-256color colorterm=truecolor"), std::string::npos) << out;
    EXPECT_NE(out.find("SigIgn:\t0000000000000000"), std::string::npos) << out;
    EXPECT_NE(out.find("SigBlk:\t0000000000000000"), std::string::npos) << out;

    auto own = api.start(ws, probe, R"("env":{"TERM":"vt100"})");
    api.waitEnded(str(own.at("id")));
    out = api.output(str(own.at("id")));
    EXPECT_NE(out.find("term=vt100 colorterm=truecolor"), std::string::npos) << out;
}

TEST(Sessions, MissingOrNonExecutableProgramsAreRefusedAtStart) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    unsigned status = 0;
    auto res =
        api.call("POST", "/api/workspaces/" + ws + "/sessions",
                 R"({"agentType":"command","command":["no-such-command-xyz","arg"]})", &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "Cannot start: no-such-command-xyz was not found on PATH");

    TempDir dir("pw-exec");
    auto script = dir.path() / "not-executable.sh";
    std::ofstream(script) << "echo never\n";
    ::chmod(script.c_str(), 0644);
    res = api.call("POST", "/api/workspaces/" + ws + "/sessions",
                   R"({"agentType":"command","command":[")" + script.string() + R"("]})", &status);
    EXPECT_EQ(status, 400u);
    EXPECT_NE(str(res.at("error")).find("is not executable"), std::string::npos);
    // Nothing was recorded: no dead session, and the workspace is still idle.
    EXPECT_TRUE(
        api.call("GET", "/api/workspaces/" + ws + "/sessions").at("data").as_array().empty());
    EXPECT_EQ(api.call("GET", "/api/workspaces/" + ws).at("data").at("status"), "idle");
    // A program found on PATH that then fails to exec is still recorded as such.
    auto ok = api.start(ws, {"sh", "-c", "exec /no/such/program"});
    auto ended = api.waitEnded(str(ok.at("id")));
    EXPECT_EQ(ended.at("status"), "failed");
    EXPECT_EQ(ended.at("exitCode").to_number<int>(), 127);
}

TEST(Sessions, BadRequestsGetClearAnswers) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    unsigned status = 0;
    auto res = api.call("POST", "/api/workspaces/" + ws + "/sessions",
                        R"({"agentType":"command","command":[]})", &status);
    EXPECT_EQ(status, 400u);
    res = api.call("POST", "/api/workspaces/" + ws + "/sessions",
                   R"({"agentType":"unknown-agent"})", &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "Agent type unknown-agent is not enabled");
    res =
        api.call("POST", "/api/workspaces/" + ws + "/sessions", R"({"command":["true"]})", &status);
    EXPECT_EQ(status, 400u);  // agentType is required
    res = api.call("POST", "/api/workspaces/00000000-0000-4000-8000-000000000000/sessions",
                   R"({"agentType":"command","command":["true"]})", &status);
    EXPECT_EQ(status, 404u);
    res = api.call("POST", "/api/workspaces/" + ws + "/sessions",
                   R"({"agentType":"command","command":["true"],"cwd":"/no/such/dir"})", &status);
    EXPECT_EQ(status, 400u);

    auto running = api.start(ws, {"sleep", "30"});
    res = api.call("POST", "/api/workspaces/" + ws + "/sessions",
                   R"({"agentType":"command","command":["true"]})", &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "Workspace already has an active session");
    api.call("POST", "/api/sessions/" + str(running.at("id")) + "/stop");
    api.waitEnded(str(running.at("id")));
    res = api.call("POST", "/api/sessions/" + str(running.at("id")) + "/input", R"({"input":"x"})",
                   &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "Session is not running");
    api.call("GET", "/api/sessions/nope/output", {}, &status);
    EXPECT_EQ(status, 404u);
    // Offsets: negative is a 400 with the reason; past the end (however far) reads nothing.
    const auto output = "/api/sessions/" + str(running.at("id")) + "/output?offset=";
    res = api.call("GET", output + "-5", {}, &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "offset: expected a non-negative integer");
    for (const char* far : {"1000000", "18446744073709551611"}) {
        res = api.call("GET", output + far, {}, &status);
        EXPECT_EQ(status, 200u) << far;
        EXPECT_EQ(res.at("data").at("logs"), "") << far;
    }
    EXPECT_THROW(api::WsClient::connect(daemon.unixSocket(), "/api/sessions/nope/attach"),
                 api::WsRefused);
}

TEST(Sessions, StopIsRecordedAsAStopAndEscalatesAfterTheGrace) {
    DaemonProcess daemon(DaemonProcess::Options{.configToml = "[sessions]\nstop_grace_ms = 300\n"});
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    auto s =
        api.start(ws, {"sh", "-c", "trap '' TERM HUP; echo ready; while :; do sleep 0.05; done"});
    auto id = str(s.at("id"));
    api.waitOutput(id, "ready");
    auto stopped = api.call("POST", "/api/sessions/" + id + "/stop");
    EXPECT_EQ(stopped.at("success"), true);
    auto ended = api.waitEnded(id);
    EXPECT_EQ(ended.at("status"), "completed");  // a person's stop is not a failure
    EXPECT_EQ(ended.at("exitReason"), "stopped");
    EXPECT_EQ(ended.at("signal").to_number<int>(), SIGKILL);
    EXPECT_EQ(api.call("GET", "/api/workspaces/" + ws).at("data").at("status"), "idle");
}

// One rule for a stop a person asked for: completed, "stopped", whatever the program then exits
// with (143 from its TERM handler, like Claude Code, or killed by the signal). A session that
// had already ended is not stopped again: 409 naming how it ended (issue 17 item 11).
TEST(Sessions, AStopIsAStopWhateverTheExitAndAnEndedSessionSaysSo) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    for (const std::string script :
         {"trap 'exit 143' TERM HUP; echo ready; while :; do sleep 0.05; done",
          "echo ready; exec sleep 600"}) {
        auto id = str(api.start(ws, {"sh", "-c", script}).at("id"));
        api.waitOutput(id, "ready");
        api.call("POST", "/api/sessions/" + id + "/stop");
        auto ended = api.waitEnded(id);
        EXPECT_EQ(ended.at("status"), "completed") << script;
        EXPECT_EQ(ended.at("exitReason"), "stopped") << script;
        EXPECT_TRUE(ended.at("exitCode").is_number() || ended.at("signal").is_number()) << script;
    }

    auto failed = str(api.start(ws, {"sh", "-c", "exit 3"}).at("id"));
    api.waitEnded(failed);
    unsigned status = 0;
    auto res = api.call("POST", "/api/sessions/" + failed + "/stop", {}, &status);
    EXPECT_EQ(status, 409u);
    EXPECT_EQ(res.at("error"), "Session already ended (failed)");
    auto after = api.session(failed);
    EXPECT_EQ(after.at("status"), "failed");  // left as it ended
    EXPECT_EQ(after.at("exitReason"), "exited");
    api.call("POST", "/api/sessions/00000000-0000-4000-8000-000000000000/stop", {}, &status);
    EXPECT_EQ(status, 404u);
}

TEST(Sessions, SignalsReachTheForegroundProcess) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto s = api.start(
        api.createWorkspace(),
        {"sh", "-c", "trap 'echo got-int; exit 4' INT; echo armed; while :; do sleep 0.05; done"});
    auto id = str(s.at("id"));
    api.waitOutput(id, "armed");
    unsigned status = 0;
    api.call("POST", "/api/sessions/" + id + "/signal", R"({"signal":"SIGSEGV"})", &status);
    EXPECT_EQ(status, 400u);  // not on the allowed list
    api.call("POST", "/api/sessions/" + id + "/signal", R"({"signal":"INT"})", &status);
    EXPECT_EQ(status, 200u);
    auto ended = api.waitEnded(id);
    EXPECT_EQ(ended.at("exitCode").to_number<int>(), 4);
    EXPECT_NE(api.output(id).find("got-int"), std::string::npos);
}

TEST(Sessions, KeystrokesOverTheAttachWebSocketEchoBack) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto s = api.start(api.createWorkspace(), {"sh", "-c", "stty raw -echo; echo go; cat"});
    auto id = str(s.at("id"));
    api.waitOutput(id, "go");
    auto ws = api::WsClient::connect(daemon.unixSocket(), "/api/sessions/" + id + "/attach");
    ASSERT_TRUE(ws.read(10s));  // snapshot header
    ASSERT_TRUE(ws.read(10s));  // snapshot screen
    for (int i = 0; i < 300; ++i) {
        std::string key(1, static_cast<char>('a' + i % 26));
        ws.sendBinary(key);
        std::string echoed;
        while (echoed.find(key) == std::string::npos) {
            auto msg = ws.read(10s);
            ASSERT_TRUE(msg) << "no echo for keystroke " << i;
            echoed += *msg;
        }
    }
    ws.sendText(R"({"type":"resize","cols":100,"rows":40})");
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

TEST(Sessions, InputAndResizeAreClamped) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    auto s = api.start(ws, {"sh", "-c", "echo go; read a; stty size; read b; stty size; read c"});
    auto id = str(s.at("id"));
    api.waitOutput(id, "go");
    api.call("POST", "/api/sessions/" + id + "/resize", R"({"cols":0,"rows":0})");
    api.call("POST", "/api/sessions/" + id + "/input", R"({"input":"\n"})");
    api.waitOutput(id, "1 1");
    api.call("POST", "/api/sessions/" + id + "/resize", R"({"cols":65535,"rows":65535})");
    api.call("POST", "/api/sessions/" + id + "/input", R"({"input":"\n"})");
    api.waitOutput(id, "1000 1000");
    api.call("POST", "/api/sessions/" + id + "/input", R"({"input":"\n"})");
    EXPECT_EQ(api.waitEnded(id).at("status"), "completed");
}

TEST(Sessions, MainWebSocketCarriesTheParaworkEventsInOrder) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    auto events = api::WsClient::connect(daemon.unixSocket(), "/");
    events.sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":")" + ws + "\"}}");
    std::this_thread::sleep_for(100ms);  // the subscription is processed before the start
    auto s = api.start(
        ws, {"sh", "-c",
             "sleep 0.2; echo '[parawork:stage] install'; echo '[parawork:stage:done] install';"
             " echo '[parawork:ready] http://localhost:5173/'; printf 'partial'"});
    std::vector<std::string> types;
    json::object completed;
    while (auto msg = events.read(20s)) {
        auto event = json::parse(*msg).as_object();
        types.push_back(str(event.at("type")));
        if (types.back() == "session_completed") {
            completed = event.at("data").as_object();
            break;
        }
        if (types.back() == "session_ready") {
            EXPECT_EQ(event.at("data").at("url"), "http://localhost:5173/");
        }
    }
    auto position = [&](const std::string& t) {
        return std::find(types.begin(), types.end(), t) - types.begin();
    };
    ASSERT_LT(position("session_completed"), static_cast<long>(types.size()));
    EXPECT_LT(position("terminal_data"), position("agent_log"));
    EXPECT_LT(position("session_stage"), position("session_ready"));
    EXPECT_LT(position("session_ready"), position("session_completed"));
    EXPECT_EQ(completed.at("success"), true);
    EXPECT_EQ(completed.at("sessionId"), s.at("id"));
    // The partial last line was flushed as a log before the completion.
    auto logs = api.call("GET", "/api/sessions/" + str(s.at("id")) + "/logs").at("data").as_array();
    ASSERT_FALSE(logs.empty());
    EXPECT_EQ(logs.front().at("message"), "partial");
}

}  // namespace
}  // namespace parawork::test
