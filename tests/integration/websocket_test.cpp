// The main WebSocket against the real daemon: authentication at the upgrade, Origin checks,
// the message size limit, events, and the goodbye on shutdown.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include <boost/json/parse.hpp>

#include "support/daemon_process.hpp"
#include "support/session_api.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

TEST(WebSocket, UpgradeNeedsTheTokenAndAnAllowedOrigin) {
    DaemonProcess daemon;
    try {
        api::WsClient::connect(daemon.tcp(), "/");
        FAIL() << "upgrade without a token was accepted";
    } catch (const api::WsRefused& e) {
        EXPECT_EQ(e.status, 401u);
    }
    try {
        api::WsClient::connect(daemon.tcp(), "/?api_key=" + daemon.token(),
                               {{"Origin", "http://evil.example"}});
        FAIL() << "cross-site upgrade was accepted";
    } catch (const api::WsRefused& e) {
        EXPECT_EQ(e.status, 403u);
    }
    // Any path, as the original: "/" and "/ws" both work; the same-origin page is fine.
    auto ws = api::WsClient::connect(daemon.tcp(), "/ws?api_key=" + daemon.token(),
                                     {{"Origin", "http://" + daemon.hostHeader()}});
    ws.sendText("{not json");
    auto reply = ws.read(5s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(*reply, R"({"type":"error","data":{"message":"Invalid JSON"}})");
}

TEST(WebSocket, CookieAuthenticatesAndUnixSocketNeedsNothing) {
    DaemonProcess daemon;
    auto ws =
        api::WsClient::connect(daemon.tcp(), "/", {{"Cookie", "parawork_token=" + daemon.token()}});
    ws.sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":"bad"}})");
    auto reply = ws.read(5s);
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("Invalid message format"), std::string::npos);
    auto local = api::WsClient::connect(daemon.unixSocket(), "/");
    local.sendText("[]");
    EXPECT_TRUE(local.read(5s));
}

TEST(WebSocket, OversizedMessageClosesWith1009) {
    // A small configured limit, so the whole message fits in socket buffers and the client can
    // read the close frame instead of meeting a reset mid-write.
    DaemonProcess daemon(
        DaemonProcess::Options{.configToml = "[limits]\nmax_ws_message_bytes = 1024\n"});
    auto ws = api::WsClient::connect(daemon.unixSocket(), "/");
    ws.sendText(std::string(1000, 'x'));  // under the limit: answered
    ASSERT_TRUE(ws.read(5s));
    ws.sendText(std::string(4096, 'x'));
    EXPECT_THROW(
        {
            while (ws.read(5s)) {
            }
        },
        api::ConnectError);
    EXPECT_EQ(ws.closeCode(), 1009);
}

TEST(WebSocket, ShutdownClosesWith1001) {
    DaemonProcess daemon;
    auto ws = api::WsClient::connect(daemon.unixSocket(), "/");
    ws.sendText("{}");
    ASSERT_TRUE(ws.read(5s));  // the connection is established and served
    std::thread stopper([&] { daemon.stop(); });
    EXPECT_THROW(
        {
            while (ws.read(10s)) {
            }
        },
        api::ConnectError);
    stopper.join();
    EXPECT_EQ(ws.closeCode(), 1001);
}

}  // namespace
}  // namespace parawork::test

namespace parawork::test {
namespace {

/// Reads events until one of `type` whose data contains `needle`; returns its data text.
std::string waitEvent(api::WsClient& ws, const std::string& type, const std::string& needle) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    std::string seen;
    while (std::chrono::steady_clock::now() < until) {
        auto text = ws.read(std::chrono::milliseconds(500));
        if (!text) continue;
        auto event = boost::json::parse(*text).as_object();
        if (event.at("type").as_string() != type) continue;
        std::string data(event.at("data").at("data").as_string());
        seen += data;
        if (seen.find(needle) != std::string::npos) return seen;
    }
    throw std::runtime_error("no " + type + " with " + needle + "; got: " + seen);
}

TEST(WebSocket, ShowingATerminalReplaysItsScreenThenStreams) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    // Printed before any client connects: the original never showed it to a late viewer.
    auto s =
        api.start(ws, {"sh", "-c", "echo early-banner; read line; echo \"late $line\"; sleep 30"});
    std::string id(s.at("id").as_string());
    api.waitOutput(id, "early-banner");
    auto client = api::WsClient::connect(daemon.unixSocket(), "/");
    client.sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":")" + ws + "\"}}");
    client.sendText(R"({"type":"terminal_resize","data":{"sessionId":")" + id +
                    R"(","cols":100,"rows":30}})");
    EXPECT_NE(waitEvent(client, "terminal_data", "early-banner").find("early-banner"),
              std::string::npos);
    // Then the live stream goes on from where the screen was taken.
    client.sendText(R"({"type":"terminal_input","data":{"sessionId":")" + id +
                    R"(","data":"x\r"}})");
    waitEvent(client, "terminal_data", "late x");
    // Known issue: under load a few bytes before the screen's offset can arrive again after
    // the screen (see the closing note); the stream itself is complete.
}

/// One event of the main WebSocket.
struct Event {
    std::string type;
    json::object data;
};

/// Events of a main WebSocket client, read with a deadline.
class EventReader {
  public:
    explicit EventReader(api::WsClient& ws) : ws_(ws) {}

    /// Subscribes to the workspace and returns once the daemon has taken the subscription (a
    /// bad frame sent after it is answered after it: frames are handled in order).
    void subscribe(const std::string& workspaceId) {
        ws_.sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":")" + workspaceId +
                     "\"}}");
        sync();
    }
    /// Events until the daemon has answered a frame sent now (those already on their way).
    std::vector<Event> sync() {
        ws_.sendText("{not json");
        std::vector<Event> before;
        for (;;) {
            auto e = next();
            if (e.type == "error" && e.data.at("message") == "Invalid JSON") return before;
            before.push_back(std::move(e));
        }
    }
    /// Reads until an event for which `wanted` is true; returns every event read, that one last.
    std::vector<Event> until(const std::function<bool(const Event&)>& wanted) {
        std::vector<Event> seen;
        do seen.push_back(next());
        while (!wanted(seen.back()));
        return seen;
    }
    Event next() {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until_ - std::chrono::steady_clock::now());
        auto text = ws_.read(std::max(left, std::chrono::milliseconds(0)));
        if (!text) throw std::runtime_error("no event in time");
        auto event = json::parse(*text).as_object();
        return {std::string(event.at("type").as_string()), event.at("data").as_object()};
    }

  private:
    api::WsClient& ws_;
    std::chrono::steady_clock::time_point until_ = std::chrono::steady_clock::now() + 30s;
};

/// A string field of an event's data ("" when absent or not a string).
std::string text(const Event& e, const char* key) {
    const auto* v = e.data.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool terminalDataWith(const Event& e, const std::string& sessionId, const std::string& needle) {
    return e.type == "terminal_data" && text(e, "sessionId") == sessionId &&
           text(e, "data").find(needle) != std::string::npos;
}

/// A daemon, a workspace, and a WebSocket client subscribed to that workspace's events.
struct SubscribedWorkspace {
    DaemonProcess daemon;
    SessionApi api{daemon};
    std::string ws = api.createWorkspace();
    api::WsClient client = api::WsClient::connect(daemon.unixSocket(), "/");
    EventReader events{client};
    SubscribedWorkspace() { events.subscribe(ws); }
};

// A session that starts tells its workspace's subscribers (workspace_status_changed, running for
// an agent), so an open UI learns of sessions started elsewhere; and a client's first resize of a
// session still replays the screen when the connection already streams that session: its first
// output may have come before the client knew the session (a resume) (issue 17 item 12).
TEST(WebSocket, AStartedSessionIsAnnouncedAndItsFirstScreenReachesItsView) {
    SubscribedWorkspace f;
    auto& [daemon, api, ws, client, events] = f;
    auto id = std::string(
        api.start(ws, {"sh", "-c", "echo first-screen; exec sleep 600"}).at("id").as_string());
    auto seen = events.until([&](const Event& e) {
        return e.type == "workspace_status_changed" && text(e, "workspaceId") == ws;
    });
    EXPECT_EQ(seen.back().data.at("status"), "running");
    if (std::none_of(seen.begin(), seen.end(),
                     [&](const Event& e) { return terminalDataWith(e, id, "first-screen"); }))
        events.until([&](const Event& e) { return terminalDataWith(e, id, "first-screen"); });

    // The view appears: its first resize gets the screen, although the bytes were streamed.
    client.sendText(R"({"type":"terminal_resize","data":{"sessionId":")" + id +
                    R"(","cols":100,"rows":30}})");
    auto replay =
        events.until([&](const Event& e) { return terminalDataWith(e, id, "first-screen"); });
    EXPECT_TRUE(text(replay.back(), "data").starts_with("\x1b[0m"));
    // A later resize is the same view changing size: no second screen.
    client.sendText(R"({"type":"terminal_resize","data":{"sessionId":")" + id +
                    R"(","cols":90,"rows":30}})");
    for (const auto& e : events.sync()) EXPECT_FALSE(terminalDataWith(e, id, "first-screen"));
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

// Deleting a workspace: its sessions' ends (session_completed, the agent's
// workspace_status_changed) come before workspace_deleted, and nothing of the workspace comes
// after it (issue 17 item 13: the original UI acted on events of a workspace it had dropped).
TEST(WebSocket, AWorkspacesDeletionIsItsLastEvent) {
    SubscribedWorkspace f;
    auto& [daemon, api, ws, client, events] = f;
    auto agent = std::string(
        api.start(ws, {"sh", "-c", "echo agent-up; exec sleep 600"}).at("id").as_string());
    auto command = std::string(
        api.start(ws, {"sh", "-c", "echo command-up; exec sleep 600"}, R"("kind":"command")")
            .at("id")
            .as_string());
    api.waitOutput(agent, "agent-up");
    api.waitOutput(command, "command-up");
    events.sync();  // the starts' events

    auto deleted = api.call("DELETE", "/api/workspaces/" + ws);
    EXPECT_EQ(deleted.at("success"), true);
    auto seen = events.until([](const Event& e) { return e.type == "workspace_deleted"; });
    EXPECT_EQ(text(seen.back(), "workspaceId"), ws);
    auto position = [&](const std::string& type, const std::string& sessionId = {}) {
        return std::find_if(seen.begin(), seen.end(),
                            [&](const Event& e) {
                                return e.type == type &&
                                       (sessionId.empty() || text(e, "sessionId") == sessionId);
                            }) -
               seen.begin();
    };
    auto last = static_cast<long>(seen.size()) - 1;
    EXPECT_LT(position("session_completed", agent), last);
    EXPECT_LT(position("session_completed", command), last);
    EXPECT_LT(position("workspace_status_changed"), last);
    for (const auto& e : events.sync()) ADD_FAILURE() << "after workspace_deleted: " << e.type;
}

}  // namespace
}  // namespace parawork::test
