// The MCP server's Streamable HTTP edge against the real daemon (docs/mcp.md): the 2025
// handshake with its Mcp-Session-Id, a 2026-07-28 request with its headers, and each refusal —
// no or a wrong token, a foreign Origin, a body over the limit, a batch, mismatched headers, an
// unknown session, GET — as the status and JSON-RPC error the spec names.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>
#include <functional>

#include "support/daemon_process.hpp"
#include "support/session_api.hpp"
#include "unit_support/read_file.hpp"
#include "unit_support/temp_dir.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;

constexpr const char* kLatest = "2026-07-28";

class McpHttp : public ::testing::Test {
  public:
    DaemonProcess daemon;
    api::HttpClient client{daemon.tcp()};

    api::Headers auth(api::Headers more = {}) {
        more.emplace_back("Authorization", "Bearer " + daemon.token());
        more.emplace_back("Content-Type", "application/json");
        more.emplace_back("Accept", "application/json, text/event-stream");
        return more;
    }
    api::HttpReply post(const std::string& body, api::Headers headers) {
        return client.request("POST", "/mcp", headers, body);
    }
    /// A 2026-07-28 request with its _meta and the headers that must match it.
    api::HttpReply call2026(const std::string& method, json::object params = {},
                            api::Headers extra = {}) {
        params["_meta"] =
            json::object{{"io.modelcontextprotocol/protocolVersion", kLatest},
                         {"io.modelcontextprotocol/clientCapabilities", json::object{}}};
        json::object message{{"jsonrpc", "2.0"}, {"id", 7}, {"method", method}, {"params", params}};
        api::Headers headers = auth({{"MCP-Protocol-Version", kLatest}, {"Mcp-Method", method}});
        for (auto& h : extra) headers.push_back(h);
        return post(json::serialize(message), headers);
    }
    static json::value errorOf(const api::HttpReply& r) { return json::parse(r.body).at("error"); }
};

TEST_F(McpHttp, HandshakeVersionsKeepTheirSessionById) {
    auto init = post(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{
        "protocolVersion":"2025-11-25","capabilities":{},
        "clientInfo":{"name":"test","version":"1"}}})",
                     auth());
    ASSERT_EQ(init.status, 200u) << init.body;
    std::string session = init.header("mcp-session-id");
    ASSERT_EQ(session.size(), 32u);
    EXPECT_EQ(json::parse(init.body).at("result").at("protocolVersion"), "2025-11-25");
    api::Headers inSession =
        auth({{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", "2025-11-25"}});
    EXPECT_EQ(post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", inSession).status,
              202u);
    auto listed = post(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})", inSession);
    ASSERT_EQ(listed.status, 200u) << listed.body;
    EXPECT_TRUE(json::parse(listed.body).at("result").at("tools").is_array());
    // Another version than the session's, an unknown session, and one ended by DELETE.
    auto wrongVersion =
        post(R"({"jsonrpc":"2.0","id":3,"method":"ping"})",
             auth({{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", "2025-06-18"}}));
    EXPECT_EQ(wrongVersion.status, 400u);
    EXPECT_EQ(post(R"({"jsonrpc":"2.0","id":4,"method":"ping"})",
                   auth({{"Mcp-Session-Id", std::string(32, 'a')}}))
                  .status,
              404u);
    EXPECT_EQ(client.request("DELETE", "/mcp", auth({{"Mcp-Session-Id", session}})).status, 204u);
    EXPECT_EQ(post(R"({"jsonrpc":"2.0","id":5,"method":"ping"})", inSession).status, 404u);
}

TEST_F(McpHttp, TheCurrentVersionIsStatelessAndItsHeadersMustMatchTheBody) {
    auto discovered = call2026("server/discover");
    ASSERT_EQ(discovered.status, 200u) << discovered.body;
    auto result = json::parse(discovered.body).at("result");
    EXPECT_EQ(result.at("supportedVersions").at(0), kLatest);
    EXPECT_TRUE(discovered.header("mcp-session-id").empty());

    auto listed = call2026("tools/list");
    EXPECT_EQ(listed.status, 200u) << listed.body;
    // A header that does not match the body, one missing, and a method we lack.
    auto mismatched = call2026("tools/list", {}, {{"Mcp-Method", "tools/call"}});
    // (two Mcp-Method headers reach the server joined: "tools/list, tools/call")
    EXPECT_EQ(mismatched.status, 400u);
    EXPECT_EQ(errorOf(mismatched).at("code"), -32020);
    json::object message{
        {"jsonrpc", "2.0"},
        {"id", 8},
        {"method", "tools/list"},
        {"params",
         json::object{{"_meta", json::object{{"io.modelcontextprotocol/protocolVersion", kLatest},
                                             {"io.modelcontextprotocol/clientCapabilities",
                                              json::object{}}}}}}};
    auto missing = post(json::serialize(message), auth({{"MCP-Protocol-Version", kLatest}}));
    EXPECT_EQ(missing.status, 400u);
    EXPECT_EQ(errorOf(missing).at("code"), -32020);
    auto call = call2026("tools/call", {{"name", "workspace_list"}, {"arguments", json::object{}}},
                         {{"Mcp-Name", "=?base64?d29ya3NwYWNlX2xpc3Q=?="}});  // decoded: equal
    EXPECT_NE(call.status, 400u) << call.body;
    auto unknown = call2026("resources/list");
    EXPECT_EQ(unknown.status, 404u);
    EXPECT_EQ(errorOf(unknown).at("code"), -32601);
}

TEST_F(McpHttp, RefusalsAreJsonRpcErrorsAndNothingRuns) {
    auto noToken = client.request("POST", "/mcp", {{"Content-Type", "application/json"}},
                                  R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
    EXPECT_EQ(noToken.status, 401u);  // loopback too: /mcp is never served without the token
    auto wrongToken = client.request("POST", "/mcp", {{"Authorization", "Bearer wrong"}},
                                     R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
    EXPECT_EQ(wrongToken.status, 403u);
    auto foreign = post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})",
                        auth({{"Origin", "http://evil.example"}}));
    EXPECT_EQ(foreign.status, 403u);

    auto huge = post(std::string(10 << 20, ' '), auth());
    EXPECT_EQ(huge.status, 413u);
    EXPECT_EQ(errorOf(huge).at("code"), -32600);

    std::string batch = "[";
    for (int i = 0; i < 1000; ++i)
        batch += (i ? "," : "") + std::string(R"({"jsonrpc":"2.0","id":)") + std::to_string(i) +
                 R"(,"method":"ping"})";
    auto batched = post(batch + "]", auth());
    EXPECT_EQ(batched.status, 400u);
    EXPECT_EQ(errorOf(batched).at("code"), -32600);

    auto malformed = post("{not json", auth());
    EXPECT_EQ(malformed.status, 400u);
    EXPECT_EQ(errorOf(malformed).at("code"), -32700);

    auto get = client.request("GET", "/mcp", auth());
    EXPECT_EQ(get.status, 405u);
    EXPECT_EQ(get.header("allow"), "POST, DELETE");
}

// Issue 21 §3: progress goes out while the tool runs, as events of a chunked answer. The
// session ends only once the test has read a progress event (it then makes the file the command
// waits for): progress sent along with the answer would leave the call waiting until its timeout.
TEST_F(McpHttp, ProgressIsStreamedWhileTheCallRuns) {
    SessionApi api(daemon);
    TempDir dir;
    auto ws = api.createWorkspace(dir.path().string());
    auto flag = dir.path() / "go";
    auto started =
        api.start(ws, {"sh", "-c", "while [ ! -e '" + flag.string() + "' ]; do sleep 0.05; done"});
    std::string id(started.at("id").as_string());
    json::object params{
        {"name", "session_wait"},
        {"arguments", {{"sessionId", id}, {"until", "ended"}, {"timeoutMs", 120000}}},
        {"_meta",
         {{"io.modelcontextprotocol/protocolVersion", kLatest},
          {"io.modelcontextprotocol/clientCapabilities", json::object{}},
          {"progressToken", "p1"}}}};
    json::object message{
        {"jsonrpc", "2.0"}, {"id", 9}, {"method", "tools/call"}, {"params", params}};
    api::Headers headers = auth({{"MCP-Protocol-Version", kLatest},
                                 {"Mcp-Method", "tools/call"},
                                 {"Mcp-Name", "session_wait"}});
    std::vector<json::value> events;
    std::string pending;
    bool released = false;
    auto reply =
        api::HttpClient(daemon.tcp(), std::chrono::minutes(3))
            .request("POST", "/mcp", headers, json::serialize(message),
                     [&](const api::HttpReply&, std::string_view bytes) {
                         pending += bytes;
                         for (std::size_t end; (end = pending.find("\n\n")) != std::string::npos;) {
                             std::string event = pending.substr(0, end);
                             pending.erase(0, end + 2);
                             events.push_back(json::parse(event.substr(event.find("data: ") + 6)));
                             if (!released && events.back().as_object().contains("method")) {
                                 std::ofstream(flag).flush();
                                 released = true;
                             }
                         }
                     });
    EXPECT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.header("content-type"), "text/event-stream");
    EXPECT_EQ(reply.header("transfer-encoding"), "chunked");
    ASSERT_TRUE(released);
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events.front().at("method"), "notifications/progress");
    EXPECT_EQ(events.front().at("params").at("progressToken"), "p1");
    const auto& result = events.back().at("result").at("structuredContent");
    EXPECT_EQ(result.at("reached"), true) << json::serialize(events.back());
    EXPECT_EQ(result.at("state"), "completed");  // the command exited 0
}

/// Sends a 2026-07-28 tools/call over a raw TCP connection (as the calling session `caller`)
/// and, once `hangUpWhen` holds (if given), closes it without reading a byte of the answer.
void callAndHangUp(McpHttp& test, const std::string& tool, json::object arguments,
                   const std::string& caller, const std::function<bool()>& hangUpWhen = {}) {
    json::object params{{"name", tool},
                        {"arguments", std::move(arguments)},
                        {"_meta",
                         {{"io.modelcontextprotocol/protocolVersion", kLatest},
                          {"io.modelcontextprotocol/clientCapabilities", json::object{}}}}};
    std::string body = json::serialize(
        json::object{{"jsonrpc", "2.0"}, {"id", 3}, {"method", "tools/call"}, {"params", params}});
    auto port = test.daemon.tcp().port;
    std::string request = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
    for (const auto& [name, value] : test.auth({{"MCP-Protocol-Version", kLatest},
                                                {"Mcp-Method", "tools/call"},
                                                {"Mcp-Name", tool},
                                                {"X-Parawork-Session", caller}}))
        request += name + ": " + value + "\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    if (hangUpWhen) {
        EXPECT_TRUE(waitUntil(hangUpWhen));
    }
    ::close(fd);
}

/// The calling session's history, once it holds a call of `tool`.
std::string historyWith(SessionApi& api, const std::string& session, const std::string& tool) {
    std::string logs;
    EXPECT_TRUE(waitUntil([&] {
        logs = json::serialize(api.call("GET", "/api/sessions/" + session + "/logs"));
        return logs.find("mcp: " + tool) != std::string::npos;
    })) << logs;
    return logs;
}

// 2026-07-28, Streamable HTTP: "Closing the SSE response stream is the cancellation signal. The
// server MUST treat a client disconnect as cancellation of that request." A session_wait with
// ten minutes to go ends as soon as its client hangs up: the calling session's history says so.
TEST_F(McpHttp, AClientThatHangsUpCancelsItsCall) {
    SessionApi api(daemon);
    TempDir dir;
    auto ws = api.createWorkspace(dir.path().string());
    std::string id(api.start(ws, {"sleep", "1000"}).at("id").as_string());
    callAndHangUp(*this, "session_wait",
                  {{"sessionId", id}, {"until", "ended"}, {"timeoutMs", 600000}}, id);
    auto logs = historyWith(api, id, "session_wait");
    EXPECT_NE(logs.find("→ error"), std::string::npos) << logs;  // cancelled, not timed out
    api.call("POST", "/api/sessions/" + id + "/stop");
}

// ...and the command of an exec is killed, not left to run its ten minutes.
TEST_F(McpHttp, AClientThatHangsUpDuringAnExecStopsItsCommand) {
    SessionApi api(daemon);
    TempDir dir;
    auto ws = api.createWorkspace(dir.path().string());
    std::string id(api.start(ws, {"sleep", "1000"}).at("id").as_string());
    auto pidFile = dir.path() / "exec.pid";
    callAndHangUp(*this, "exec",
                  {{"workspaceId", ws},
                   {"command", json::array{"sh", "-c",
                                           "echo $$ > '" + pidFile.string() + "'; exec sleep 600"}},
                   {"timeoutMs", 600000}},
                  id, [&] { return !readFile(pidFile).empty(); });  // while the command runs
    auto logs = historyWith(api, id, "exec");
    EXPECT_NE(logs.find("→ error"), std::string::npos) << logs;
    pid_t pid = std::stoi(readFile(pidFile));
    EXPECT_TRUE(waitUntil([&] { return !processAlive(pid); })) << "the command outlived its call";
    api.call("POST", "/api/sessions/" + id + "/stop");
}

}  // namespace
}  // namespace parawork::test
