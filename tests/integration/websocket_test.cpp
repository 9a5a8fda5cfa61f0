// The main WebSocket against the real daemon: authentication at the upgrade, Origin checks,
// the message size limit, events, and the goodbye on shutdown.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace parawork::test
