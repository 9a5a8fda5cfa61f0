// Outgoing notifications (issue 19 §3, [notify] in config.toml): a command run once per wait, per
// finished turn and per end of an agent session — never for a reason change within one wait,
// never for a command session, never for a muted workspace — and a webhook in each format;
// a command that cannot run, or hangs, is logged and breaks nothing.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/session_api.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

/// An agent that asks twice within one wait (the second is a new reason, not a new wait).
const std::vector<std::string> kAsksTwice = {
    "sh", "-c",
    "printf '\\033]9;Approve the plan?\\007'; sleep 0.2; printf '\\033]9;Approve it now?\\007'; "
    "exec sleep 60"};

std::vector<std::string> lines(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::string str(const json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : std::string();
}

/// A script that appends one line per notice: "<state>|<reason>|<workspace>|<session>|<stdin>".
fs::path writeRecorder(const fs::path& dir, const std::string& tail = "") {
    auto script = dir / "notify.sh";
    std::ofstream(script) << "#!/bin/sh\n"
                          << "printf '%s|%s|%s|%s|%s\\n' \"$PARAWORK_STATE\" \"$PARAWORK_REASON\" "
                             "\"$PARAWORK_WORKSPACE\" \"$PARAWORK_SESSION_ID\" \"$(cat)\" >> "
                          << (dir / "notices").string() << "\n"
                          << tail;
    fs::permissions(script, fs::perms::owner_all);
    return script;
}

DaemonProcess::Options notifyConfig(const std::string& notifySection) {
    DaemonProcess::Options o;
    o.configToml = "[notify]\n" + notifySection;
    return o;
}

struct Fixture {
    explicit Fixture(const std::string& notifySection) : daemon(notifyConfig(notifySection)) {}
    DaemonProcess daemon;
    SessionApi api{daemon};

    /// An agent session (the workspace's one) or, with `kind`, a command session.
    std::string start(const std::string& workspace, const std::vector<std::string>& argv,
                      const std::string& kind = {}) {
        auto extra = kind.empty() ? std::string() : R"("kind":")" + kind + "\"";
        return str(api.start(workspace, argv, extra).at("id"));
    }
    /// Waits until the session's activity has `reason`.
    void waitReason(const std::string& id, const std::string& reason) {
        ASSERT_TRUE(waitUntil([&] {
            auto session = api.session(id);
            return str(session.at("activity").at("reason")) == reason;
        })) << json::serialize(api.session(id));
    }
    void stopAndWait(const std::string& id) {
        api.call("POST", "/api/sessions/" + id + "/stop");
        api.waitEnded(id);
    }
};

TEST(Notifications, OneLinePerWaitAndEndNoneMutedNoneForCommands) {
    TempDir dir("pw-notify");
    Fixture f("command = [\"" + writeRecorder(dir.path()).string() + "\"]\n");
    auto muted = f.api.createWorkspace(dir.path().string());
    auto open = f.api.createWorkspace(dir.path().string());
    auto mute = runCli(f.daemon.home(), {"--json", "ws", "mute", muted});
    ASSERT_EQ(mute.exitCode, 0) << describe(mute);
    EXPECT_EQ(json::parse(mute.out).at("notificationsMuted"), true);

    // First what must stay silent: a muted workspace's agent, a command session.
    auto silent = f.start(muted, kAsksTwice);
    auto command = f.start(open, kAsksTwice, "command");
    f.waitReason(silent, "Approve it now?");
    f.waitReason(command, "Approve it now?");
    f.stopAndWait(silent);
    f.stopAndWait(command);
    // Then an agent that is heard: one wait (two reasons), then its end.
    auto agent = f.start(open, kAsksTwice);
    f.waitReason(agent, "Approve it now?");
    f.stopAndWait(agent);

    // Notices are delivered in order: once the end is there, anything before it is too.
    ASSERT_TRUE(waitUntil([&] { return lines(dir.path() / "notices").size() >= 2; }))
        << f.daemon.output();
    auto got = lines(dir.path() / "notices");
    ASSERT_EQ(got.size(), 2u) << f.daemon.output();
    // Which reason the wait carries depends on the tracker's debounce; there is one line.
    EXPECT_EQ(got[0].rfind("waiting|Approve ", 0), 0u) << got[0];
    EXPECT_NE(got[0].find("|" + agent + "|"), std::string::npos) << got[0];
    EXPECT_EQ(got[1].rfind("completed||", 0), 0u) << got[1];
    // stdin is the event as JSON.
    auto event = json::parse(got[0].substr(got[0].find("|{") + 1)).as_object();
    EXPECT_EQ(event.at("sessionId"), agent.c_str());
    EXPECT_EQ(event.at("state"), "waiting");
    EXPECT_EQ(event.at("waitingFor"), "input");
    EXPECT_EQ(event.at("previousState"), "starting");

    auto unmute = runCli(f.daemon.home(), {"--json", "ws", "unmute", muted});
    EXPECT_EQ(json::parse(unmute.out).at("notificationsMuted"), false);
}

TEST(Notifications, AFinishedTurnNotifies) {
    TempDir dir("pw-notify");
    Fixture f("command = [\"" + writeRecorder(dir.path()).string() + "\"]\n");
    auto ws = f.api.createWorkspace(dir.path().string());
    // A spinner in the title is working; a title without one, once told, the turn is done.
    auto agent = f.start(ws, {"sh", "-c",
                              "printf '\\033]0;\u280b Working\\007'; read go; "
                              "printf '\\033]0;Done\\007'; exec sleep 60"});
    ASSERT_TRUE(waitUntil([&] {
        auto session = f.api.session(agent);
        return str(session.at("activity").at("state")) == "working";
    }));
    f.api.call("POST", "/api/sessions/" + agent + "/input", R"({"input":"go\r"})");
    ASSERT_TRUE(waitUntil([&] { return lines(dir.path() / "notices").size() >= 1; }))
        << f.daemon.output();
    EXPECT_EQ(lines(dir.path() / "notices")[0].rfind("idle||", 0), 0u);
    f.stopAndWait(agent);
    ASSERT_TRUE(waitUntil([&] { return lines(dir.path() / "notices").size() >= 2; }));
    EXPECT_EQ(lines(dir.path() / "notices").size(), 2u);
}

TEST(Notifications, TheMuteIsABooleanOnTheWorkspace) {
    TempDir dir("pw-notify");
    Fixture f("command = [\"true\"]\n");
    auto ws = f.api.createWorkspace(dir.path().string());
    unsigned status = 0;
    f.api.call("PATCH", "/api/workspaces/" + ws, R"({"notificationsMuted":"yes"})", &status);
    EXPECT_EQ(status, 400u);
    auto patched =
        f.api.call("PATCH", "/api/workspaces/" + ws, R"({"notificationsMuted":true})", &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(patched.at("data").at("notificationsMuted"), true);
    auto listed = f.api.call("GET", "/api/workspaces").at("data").as_array();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].at("notificationsMuted"), true);
    auto missing = runCli(f.daemon.home(), {"--json", "ws", "mute", "no-such-workspace"});
    EXPECT_EQ(missing.exitCode, 1) << describe(missing);
}

TEST(Notifications, AMissingOrHangingCommandIsLoggedAndNothingElseBreaks) {
    TempDir dir("pw-notify");
    {
        Fixture f("command = [\"" + (dir.path() / "no-such-notifier").string() + "\"]\n");
        auto ws = f.api.createWorkspace(dir.path().string());
        auto agent = f.start(ws, kAsksTwice);
        f.waitReason(agent, "Approve it now?");
        EXPECT_TRUE(waitUntil([&] {
            return f.daemon.output().find("notify: command cannot run") != std::string::npos;
        })) << f.daemon.output();
        f.stopAndWait(agent);
    }
    // Hangs after recording: killed at its timeout, and the next notice still goes out.
    auto script = writeRecorder(dir.path(), "exec sleep 60\n");
    Fixture f("command = [\"" + script.string() + "\"]\ntimeout_ms = 300\n");
    auto ws = f.api.createWorkspace(dir.path().string());
    auto agent = f.start(ws, kAsksTwice);
    f.waitReason(agent, "Approve it now?");
    f.stopAndWait(agent);
    ASSERT_TRUE(waitUntil([&] { return lines(dir.path() / "notices").size() >= 2; }))
        << f.daemon.output();
    EXPECT_NE(f.daemon.output().find("killed after 300 ms"), std::string::npos);
    EXPECT_EQ(f.api.call("GET", "/api/health").at("success"), true);
}

/// A local webhook receiver: appends each POST as a JSON line to <dir>/requests.
constexpr const char* kReceiver = R"py(
import http.server, json, os, sys
d = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0))).decode()
        with open(os.path.join(d, 'requests'), 'a') as f:
            f.write(json.dumps({'path': self.path, 'type': self.headers.get('Content-Type'),
                                'title': self.headers.get('Title'), 'body': body}) + '\n')
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
open(os.path.join(d, 'port.tmp'), 'w').write(str(s.server_port))
os.rename(os.path.join(d, 'port.tmp'), os.path.join(d, 'port'))
s.serve_forever()
)py";

struct Receiver {
    explicit Receiver(const fs::path& dir)
        : dir(dir),
          pid(spawnProcess({"/usr/bin/python3", "-c", kReceiver, dir.string()}, {}, dir / "log")) {
        EXPECT_TRUE(waitUntil([&] { return fs::exists(dir / "port"); }));
        std::ifstream(dir / "port") >> port;
    }
    ~Receiver() {
        ::kill(pid, SIGTERM);
        waitForExit(pid, 10s);
    }
    std::vector<json::object> requests() const {
        std::vector<json::object> out;
        for (const auto& line : lines(dir / "requests"))
            out.push_back(json::parse(line).as_object());
        return out;
    }
    fs::path dir;
    pid_t pid;
    int port = 0;
};

TEST(Notifications, AWebhookGetsEachFormat) {
    for (std::string format : {"json", "ntfy", "slack"}) {
        SCOPED_TRACE(format);
        TempDir dir("pw-hook");
        Receiver receiver(dir.path());
        Fixture f("webhook = \"http://127.0.0.1:" + std::to_string(receiver.port) +
                  "/topic\"\nformat = \"" + format + "\"\n");
        auto ws = f.api.createWorkspace(dir.path().string());
        auto agent = f.start(ws, kAsksTwice);
        f.waitReason(agent, "Approve it now?");
        ASSERT_TRUE(waitUntil([&] { return receiver.requests().size() == 1; }))
            << f.daemon.output();
        auto got = receiver.requests()[0];
        EXPECT_EQ(got.at("path"), "/topic");
        auto body = str(got.at("body"));
        if (format == "json") {
            EXPECT_EQ(got.at("type"), "application/json");
            EXPECT_EQ(json::parse(body).at("state"), "waiting");
        } else if (format == "ntfy") {
            EXPECT_EQ(body.rfind("waiting for input: Approve ", 0), 0u) << body;
            EXPECT_EQ(str(got.at("title")).rfind("parawork: ", 0), 0u);
        } else {
            auto text = str(json::parse(body).at("text"));
            EXPECT_NE(text.find("waiting for input: Approve "), std::string::npos) << text;
        }
        f.stopAndWait(agent);
    }
}

TEST(Notifications, AWebhookThatRefusesIsLogged) {
    TempDir dir("pw-hook");
    // Nothing listens on port 1.
    Fixture f("webhook = \"http://127.0.0.1:1/x\"\ntimeout_ms = 2000\n");
    auto ws = f.api.createWorkspace(dir.path().string());
    auto agent = f.start(ws, kAsksTwice);
    f.waitReason(agent, "Approve it now?");
    EXPECT_TRUE(waitUntil([&] {
        return f.daemon.output().find("notify: webhook failed") != std::string::npos;
    })) << f.daemon.output();
    f.stopAndWait(agent);
}

}  // namespace
}  // namespace parawork::test
