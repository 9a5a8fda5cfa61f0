// The MCP server's Streamable HTTP edge against the real daemon (docs/mcp.md): the 2025
// handshake with its Mcp-Session-Id, a 2026-07-28 request with its headers, and each refusal —
// no or a wrong token, a foreign Origin, a body over the limit, a batch, mismatched headers, an
// unknown session, GET — as the status and JSON-RPC error the spec names.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/daemon_process.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;

constexpr const char* kLatest = "2026-07-28";

class McpHttp : public ::testing::Test {
  protected:
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

}  // namespace
}  // namespace parawork::test
