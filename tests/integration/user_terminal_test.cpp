// User terminals end to end (protocol §4.5, §6, §8): the right panel's login shell, one per
// workspace, in a session host like every other session — typed into and resized over the main
// WebSocket, stopped, refused with clear answers, kept across a daemon restart, and ended with
// its workspace.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <functional>
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

std::string terminalPath(const std::string& workspaceId) {
    return "/api/workspaces/" + workspaceId + "/terminal";
}

/// The main WebSocket of a test, subscribed to one workspace.
class Events {
  public:
    Events(const DaemonProcess& daemon, const std::string& workspaceId)
        : ws_(api::WsClient::connect(daemon.unixSocket(), "/")) {
        ws_.sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":")" + workspaceId +
                     "\"}}");
        std::this_thread::sleep_for(100ms);  // processed before what the test does next
    }

    void send(const std::string& type, const json::object& data) {
        ws_.sendText(json::serialize(json::object{{"type", type}, {"data", data}}));
    }

    /// The next event of `type` for which `match` holds; earlier events are passed to `seen`.
    json::object waitFor(const std::string& type,
                         const std::function<bool(const json::object&)>& match = {},
                         std::chrono::milliseconds timeout = 20s) {
        auto until = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now());
            auto msg = left.count() > 0 ? ws_.read(left) : std::nullopt;
            if (!msg) throw core::Error("no " + type + " event; data so far: " + data_);
            auto event = json::parse(*msg).as_object();
            auto eventType = str(event.at("type"));
            auto data = event.at("data").as_object();
            if (eventType == "user_terminal_data") data_ += str(data.at("data"));
            if (eventType == "terminal_data") ++agentDataEvents_;
            if (eventType == type && (!match || match(data))) return data;
        }
    }

    /// Waits until the user terminal `terminalId` has printed `needle` (since the last call).
    void waitOutput(const std::string& terminalId, const std::string& needle) {
        while (data_.find(needle) == std::string::npos)
            waitFor("user_terminal_data", [&](const json::object& d) {
                EXPECT_EQ(str(d.at("terminalId")), terminalId);
                return data_.find(needle) != std::string::npos;
            });
        data_.erase(0, data_.find(needle) + needle.size());
    }

    /// Types into a user terminal.
    void type(const std::string& terminalId, const std::string& text) {
        send("user_terminal_input", {{"terminalId", terminalId}, {"data", text}});
    }

    int agentDataEvents() const { return agentDataEvents_; }

  private:
    api::WsClient ws_;
    std::string data_;  ///< user_terminal_data received and not yet matched
    int agentDataEvents_ = 0;
};

/// POST /terminal; returns {terminalId, existing} and the status.
json::object openTerminal(SessionApi& api, const std::string& workspaceId, unsigned& status,
                          const std::string& body = "{}") {
    auto res = api.call("POST", terminalPath(workspaceId), body, &status);
    if (!res.at("success").as_bool()) throw core::Error("refused: " + json::serialize(res));
    return res.at("data").as_object();
}

TEST(UserTerminal, StartTypeResizeAndStop) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    TempDir dir("pw-term");
    auto ws = api.createWorkspace(dir.path().string());
    Events events(daemon, ws);

    unsigned status = 0;
    auto opened = openTerminal(api, ws, status);
    EXPECT_EQ(status, 201u);
    EXPECT_EQ(opened.at("existing"), false);
    auto id = str(opened.at("terminalId"));
    auto started = events.waitFor("user_terminal_started");
    EXPECT_EQ(str(started.at("terminalId")), id);
    EXPECT_EQ(str(started.at("workspaceId")), ws);
    int pid = started.at("pid").to_number<int>();
    EXPECT_TRUE(processAlive(pid));

    auto again = openTerminal(api, ws, status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(again.at("existing"), true);
    EXPECT_EQ(str(again.at("terminalId")), id);
    auto state = api.call("GET", terminalPath(ws)).at("data");
    EXPECT_EQ(state.at("active"), true);
    EXPECT_EQ(str(state.at("terminalId")), id);

    // A login shell in the workspace's directory, 120×30 by default.
    auto session = api.session(id);
    ASSERT_TRUE(session.at("command").is_array());
    EXPECT_EQ(session.at("command").as_array().back(), "-l");
    EXPECT_EQ(str(session.at("cwd")), std::filesystem::canonical(dir.path()).string());
    events.type(id, "echo hi-$((6*7)); pwd; stty size\r");
    events.waitOutput(id, "hi-42");
    events.waitOutput(id, "30 120");

    events.send("user_terminal_resize", {{"terminalId", id}, {"cols", 101}, {"rows", 37}});
    events.type(id, "stty size\r");
    events.waitOutput(id, "37 101");
    EXPECT_EQ(events.agentDataEvents(), 0) << "a user terminal's output came as terminal_data";

    // The agent's terminal_input does not reach a user terminal.
    events.send("terminal_input", {{"sessionId", id}, {"data", "echo nope\r"}});
    auto error = events.waitFor("error");
    EXPECT_EQ(error.at("message"), "Failed to send input to terminal");

    // Not an agent session: no agent_log rows, not in the workspace's session list.
    EXPECT_TRUE(api.call("GET", "/api/sessions/" + id + "/logs").at("data").as_array().empty());
    EXPECT_TRUE(
        api.call("GET", "/api/workspaces/" + ws + "/sessions").at("data").as_array().empty());
    EXPECT_EQ(api.call("GET", "/api/workspaces/" + ws).at("data").at("status"), "idle");

    auto stopped = api.call("DELETE", terminalPath(ws), {}, &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(json::serialize(stopped), R"({"success":true,"data":null})");
    auto exited = events.waitFor("user_terminal_exited");
    EXPECT_EQ(str(exited.at("terminalId")), id);
    EXPECT_EQ(str(exited.at("workspaceId")), ws);
    EXPECT_TRUE(exited.contains("exitCode"));
    EXPECT_EQ(api.call("GET", terminalPath(ws)).at("data").at("active"), false);
    EXPECT_FALSE(processAlive(pid));

    auto none = api.call("DELETE", terminalPath(ws), {}, &status);
    EXPECT_EQ(status, 404u);
    EXPECT_EQ(none.at("error"), "No terminal found for workspace");
    events.type(id, "echo late\r");
    error = events.waitFor("error");
    EXPECT_EQ(error.at("message"), "Failed to send input to user terminal");

    // A new one after the old one has gone.
    auto fresh = openTerminal(api, ws, status);
    EXPECT_EQ(status, 201u);
    EXPECT_NE(str(fresh.at("terminalId")), id);
    api.call("DELETE", terminalPath(ws));
    events.waitFor("user_terminal_exited");
}

TEST(UserTerminal, StaysActiveUntilItHasReallyExited) {
    DaemonProcess daemon(DaemonProcess::Options{.configToml = "[sessions]\nstop_grace_ms = 700\n"});
    SessionApi api(daemon);
    TempDir dir("pw-term");
    auto ws = api.createWorkspace(dir.path().string());
    Events events(daemon, ws);
    unsigned status = 0;
    auto id = str(openTerminal(api, ws, status).at("terminalId"));
    events.type(id, "trap '' HUP TERM; echo trapped-$((1+2))\r");
    events.waitOutput(id, "trapped-3");
    api.call("DELETE", terminalPath(ws), {}, &status);
    EXPECT_EQ(status, 200u);
    // Until SIGKILL after the grace, it is still the workspace's terminal (as the original).
    auto state = api.call("GET", terminalPath(ws)).at("data");
    EXPECT_EQ(state.at("active"), true);
    auto again = openTerminal(api, ws, status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(str(again.at("terminalId")), id);
    auto exited = events.waitFor("user_terminal_exited");
    EXPECT_EQ(str(exited.at("terminalId")), id);
    EXPECT_EQ(exited.at("signal").to_number<int>(), SIGKILL);
    EXPECT_TRUE(exited.at("exitCode").is_null());
    EXPECT_EQ(api.call("GET", terminalPath(ws)).at("data").at("active"), false);
}

TEST(UserTerminal, RefusalsAreClear) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    TempDir dir("pw-term");
    auto ws = api.createWorkspace(dir.path().string());
    unsigned status = 0;
    for (const char* shell : {"/bin/nonexistent", "relative", "/etc/passwd", "bash"}) {
        auto res = api.call("POST", terminalPath(ws),
                            json::serialize(json::object{{"shell", shell}}), &status);
        EXPECT_EQ(status, 400u) << shell;
        EXPECT_NE(str(res.at("error")).find("shell: "), std::string::npos) << res;
    }
    api.call("POST", terminalPath(ws), R"({"shell":42})", &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(api.call("GET", terminalPath(ws)).at("data").at("active"), false);

    const std::string unknown = "00000000-0000-4000-8000-000000000000";
    auto res = api.call("POST", terminalPath(unknown), "{}", &status);
    EXPECT_EQ(status, 404u);
    EXPECT_EQ(res.at("error"), "Workspace not found");
    res = api.call("DELETE", terminalPath(ws), {}, &status);
    EXPECT_EQ(status, 404u);
    EXPECT_EQ(res.at("error"), "No terminal found for workspace");
    res = api.call("GET", terminalPath(unknown), {}, &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(json::serialize(res.at("data")), R"({"active":false})");

    // user_terminal_input does not reach an agent session.
    auto agent = api.start(ws, {"sh", "-c", "echo ready; sleep 30"});
    auto agentId = str(agent.at("id"));
    Events events(daemon, ws);
    events.type(agentId, "x");
    EXPECT_EQ(events.waitFor("error").at("message"), "Failed to send input to user terminal");

    // An agent and a terminal live side by side; a named shell from /etc/shells is used.
    auto opened = openTerminal(api, ws, status, R"({"shell":"/bin/sh","cols":80,"rows":24})");
    EXPECT_EQ(status, 201u);
    auto id = str(opened.at("terminalId"));
    auto command = api.session(id).at("command").as_array();
    EXPECT_EQ(json::serialize(command), R"(["/bin/sh","-l"])");
    events.type(id, "stty size\r");
    events.waitOutput(id, "24 80");
    EXPECT_EQ(api.session(agentId).at("status"), "running");
    api.call("DELETE", terminalPath(ws));
    events.waitFor("user_terminal_exited");
    api.call("POST", "/api/sessions/" + agentId + "/stop");
    api.waitEnded(agentId);
}

TEST(UserTerminal, ConcurrentOpensShareOneTerminal) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    TempDir dir("pw-term");
    auto ws = api.createWorkspace(dir.path().string());
    std::vector<std::string> ids(4);
    std::vector<unsigned> statuses(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < ids.size(); ++i)
        threads.emplace_back([&, i] {
            try {
                SessionApi own(daemon);
                ids[i] = str(openTerminal(own, ws, statuses[i]).at("terminalId"));
            } catch (const std::exception& e) {
                ids[i] = e.what();
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201u), 1);
    for (const auto& id : ids) EXPECT_EQ(id, ids.front());
    Events events(daemon, ws);
    api.call("DELETE", terminalPath(ws));
    events.waitFor("user_terminal_exited");
}

TEST(UserTerminal, SurvivesADaemonRestart) {
    TempDir home("pw-home");
    TempDir dir("pw-term");
    std::string ws, id;
    int pid = 0;
    {
        DaemonProcess first(DaemonProcess::Options{.home = home.path()});
        SessionApi api(first);
        ws = api.createWorkspace(dir.path().string());
        {
            Events events(first, ws);
            unsigned status = 0;
            id = str(openTerminal(api, ws, status).at("terminalId"));
            pid = events.waitFor("user_terminal_started").at("pid").to_number<int>();
            events.type(id, "MARK=kept; echo set-$((1+1))\r");
            events.waitOutput(id, "set-2");
        }
        EXPECT_EQ(first.stop(), 0);
    }
    EXPECT_TRUE(processAlive(pid)) << "the shell died with the daemon";
    DaemonProcess second(DaemonProcess::Options{.home = home.path()});
    SessionApi api(second);
    auto state = api.call("GET", terminalPath(ws)).at("data");
    EXPECT_EQ(state.at("active"), true);
    EXPECT_EQ(str(state.at("terminalId")), id);
    unsigned status = 0;
    auto opened = openTerminal(api, ws, status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(opened.at("existing"), true);
    EXPECT_EQ(str(opened.at("terminalId")), id);

    Events events(second, ws);
    events.type(id, "echo $MARK-$((6*7))\r");  // the same shell: its variable is still there
    events.waitOutput(id, "kept-42");
    events.send("user_terminal_resize", {{"terminalId", id}, {"cols", 90}, {"rows", 20}});
    events.type(id, "stty size\r");
    events.waitOutput(id, "20 90");
    api.call("DELETE", terminalPath(ws), {}, &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(str(events.waitFor("user_terminal_exited").at("terminalId")), id);
    EXPECT_EQ(api.call("GET", terminalPath(ws)).at("data").at("active"), false);
    EXPECT_FALSE(processAlive(pid));
}

TEST(UserTerminal, DeletingTheWorkspaceEndsItsTerminal) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    TempDir dir("pw-term");
    auto ws = api.createWorkspace(dir.path().string());
    Events events(daemon, ws);
    unsigned status = 0;
    auto id = str(openTerminal(api, ws, status).at("terminalId"));
    int pid = events.waitFor("user_terminal_started").at("pid").to_number<int>();
    events.type(id, "echo up-$((2*3))\r");
    events.waitOutput(id, "up-6");
    api.call("DELETE", "/api/workspaces/" + ws, {}, &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(str(events.waitFor("user_terminal_exited").at("terminalId")), id);
    EXPECT_FALSE(processAlive(pid));
    EXPECT_EQ(api.call("GET", terminalPath(ws)).at("data").at("active"), false);
}

}  // namespace
}  // namespace parawork::test
