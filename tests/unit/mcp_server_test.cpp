// The protocol paths of McpServer (src/mcp/mcp_server): 2026-07-28's per-request _meta and
// server/discover, 2025's initialize handshake, tools/list, bad bodies and batches.
#include "mcp/mcp_server.hpp"

#include <gtest/gtest.h>

#include "mcp_fixture.hpp"

namespace parawork::mcp::test {
namespace {

TEST_F(McpServerTest, DiscoverAnswersVersionsCapabilitiesAndIdentity) {
    auto answer = send(request("d-1", "server/discover", {{"_meta", modernMeta()}}));
    EXPECT_EQ(answer.at("id"), json::value("d-1"));
    const auto& result = answer.at("result").as_object();
    EXPECT_EQ(result.at("resultType"), json::value("complete"));
    EXPECT_EQ(result.at("supportedVersions"),
              json::parse(R"(["2026-07-28","2025-11-25","2025-06-18"])"));
    EXPECT_EQ(result.at("capabilities"), json::parse(R"({"tools":{}})"));
    EXPECT_EQ(result.at("_meta").at("io.modelcontextprotocol/serverInfo"),
              json::parse(R"({"name":"parawork","version":"9.9.9"})"));
    EXPECT_EQ(result.at("instructions"), json::value("Be kind."));
    EXPECT_EQ(result.at("cacheScope"), json::value("private"));
    EXPECT_TRUE(result.at("ttlMs").is_int64());
    EXPECT_EQ(last.httpStatus, 200u);
    EXPECT_FALSE(connection.negotiatedVersion());  // stateless: nothing kept
}

TEST_F(McpServerTest, TheBuildsVersionIsTheDefault) {
    McpServer plain;
    EXPECT_EQ(plain.info().name, "parawork");
    EXPECT_EQ(plain.info().version, PARAWORK_TEST_VERSION);
}

TEST_F(McpServerTest, AModernRequestWithoutAVersionIsInvalidParams) {
    auto answer = send(request(1, "tools/list"));
    EXPECT_EQ(errorCode(answer), rpc::kInvalidParams);
    EXPECT_NE(errorMessage(answer).find("io.modelcontextprotocol/protocolVersion"),
              std::string::npos);
    EXPECT_EQ(last.httpStatus, 400u);
}

TEST_F(McpServerTest, AModernRequestWithoutCapabilitiesIsInvalidParams) {
    json::object meta{{"io.modelcontextprotocol/protocolVersion", kModern}};
    auto answer = send(request(1, "tools/list", {{"_meta", meta}}));
    EXPECT_EQ(errorCode(answer), rpc::kInvalidParams);
    EXPECT_NE(errorMessage(answer).find("clientCapabilities"), std::string::npos);
    EXPECT_EQ(last.httpStatus, 400u);
}

TEST_F(McpServerTest, AnUnsupportedVersionListsTheSupportedOnes) {
    auto answer = send(request(1, "tools/list", {{"_meta", modernMeta("1900-01-01")}}));
    EXPECT_EQ(errorCode(answer), rpc::kUnsupportedProtocolVersion);
    EXPECT_EQ(answer.at("error").at("data"),
              json::parse(R"({"supported":["2026-07-28","2025-11-25","2025-06-18"],
                              "requested":"1900-01-01"})"));
    EXPECT_EQ(last.httpStatus, 400u);
}

TEST_F(McpServerTest, AVersionThatIsNotAStringIsInvalidParams) {
    json::object meta{{"io.modelcontextprotocol/protocolVersion", 2026}};
    EXPECT_EQ(errorCode(send(request(1, "tools/list", {{"_meta", meta}}))), rpc::kInvalidParams);
}

TEST_F(McpServerTest, ToolsAreListedByNameWithTheirSchemas) {
    auto answer = send(request(2, "tools/list", {{"_meta", modernMeta()}}));
    const auto& result = answer.at("result").as_object();
    const auto& tools = result.at("tools").as_array();
    ASSERT_EQ(tools.size(), 3u);
    EXPECT_EQ(tools[0].at("name"), json::value("count"));
    EXPECT_EQ(tools[1].at("name"), json::value("echo"));
    EXPECT_EQ(tools[2].at("name"), json::value("misbehave"));
    const auto& echo = tools[1].as_object();
    EXPECT_EQ(echo.at("title"), json::value("Echo"));
    EXPECT_EQ(echo.at("inputSchema"), json::value(toJsonSchema(echoTool().input)));
    EXPECT_EQ(echo.at("outputSchema").at("required"), json::parse(R"(["text"])"));
    EXPECT_EQ(echo.at("annotations").at("readOnlyHint"), json::value(true));
    EXPECT_EQ(result.at("resultType"), json::value("complete"));
    EXPECT_EQ(result.at("cacheScope"), json::value("private"));
    EXPECT_FALSE(result.contains("nextCursor"));  // one page holds every tool
}

TEST_F(McpServerTest, AnyCursorIsInvalidSinceNoneIsHandedOut) {
    auto answer = send(request(2, "tools/list", {{"_meta", modernMeta()}, {"cursor", "abc"}}));
    EXPECT_EQ(errorCode(answer), rpc::kInvalidParams);
    EXPECT_EQ(errorMessage(answer), "Invalid cursor");
}

TEST_F(McpServerTest, PingAndInitializeAreNotMethodsOf2026) {
    EXPECT_EQ(errorCode(send(request(3, "ping", {{"_meta", modernMeta()}}))), rpc::kMethodNotFound);
    EXPECT_EQ(errorCode(send(request(4, "resources/list", {{"_meta", modernMeta()}}))),
              rpc::kMethodNotFound);
}

TEST_F(McpServerTest, InitializeAnswersTheClientsVersionWhenSupported) {
    auto answer = send(request(1, "initialize",
                               {{"protocolVersion", "2025-06-18"},
                                {"capabilities", json::object{}},
                                {"clientInfo", {{"name", "c"}, {"version", "1"}}}}));
    const auto& result = answer.at("result").as_object();
    EXPECT_EQ(result.at("protocolVersion"), json::value("2025-06-18"));
    EXPECT_EQ(result.at("capabilities"), json::parse(R"({"tools":{"listChanged":false}})"));
    EXPECT_EQ(result.at("serverInfo"), json::parse(R"({"name":"parawork","version":"9.9.9"})"));
    EXPECT_EQ(result.at("instructions"), json::value("Be kind."));
    EXPECT_FALSE(result.contains("resultType"));  // 2025 results have none
    EXPECT_TRUE(last.initialized);
    EXPECT_EQ(connection.negotiatedVersion(), "2025-06-18");
}

TEST_F(McpServerTest, InitializeOffersTheNewestHandshakeVersionOtherwise) {
    for (const char* asked : {"2024-11-05", "2026-07-28", "2099-01-01"}) {
        McpConnection fresh;
        auto answer = send(request(1, "initialize", {{"protocolVersion", asked}}), fresh);
        EXPECT_EQ(answer.at("result").at("protocolVersion"), json::value("2025-11-25")) << asked;
    }
}

TEST_F(McpServerTest, InitializeNeedsAVersionAndHappensOnce) {
    EXPECT_EQ(errorCode(send(request(1, "initialize"))), rpc::kInvalidParams);
    EXPECT_FALSE(last.initialized);
    send(request(2, "initialize", {{"protocolVersion", "2025-11-25"}}));
    auto again = send(request(3, "initialize", {{"protocolVersion", "2025-06-18"}}));
    EXPECT_EQ(errorCode(again), rpc::kInvalidRequest);
    EXPECT_EQ(connection.negotiatedVersion(), "2025-11-25");
}

TEST_F(McpServerTest, AHandshakeClientIsServedByItsNegotiatedVersion) {
    send(request(1, "initialize", {{"protocolVersion", "2025-11-25"}}));
    EXPECT_FALSE(send(notification("notifications/initialized")).contains("id"));
    EXPECT_FALSE(last.body);
    EXPECT_EQ(last.httpStatus, 202u);
    EXPECT_TRUE(connection.ready());
    auto list = send(request(2, "tools/list"));
    EXPECT_EQ(list.at("result").at("tools").as_array().size(), 3u);
    EXPECT_FALSE(list.at("result").as_object().contains("resultType"));
    EXPECT_FALSE(list.at("result").as_object().contains("ttlMs"));
    EXPECT_EQ(send(request(3, "ping")).at("result"), json::object{});
    EXPECT_EQ(errorCode(send(request(4, "server/discover"))), rpc::kMethodNotFound);
}

TEST_F(McpServerTest, PingMayPrecedeInitialize) {
    EXPECT_EQ(send(request("p", "ping")).at("result"), json::object{});
}

TEST_F(McpServerTest, AModernRequestOnAHandshakeConnectionIsServedStatelessly) {
    send(request(1, "initialize", {{"protocolVersion", "2025-06-18"}}));
    auto answer = send(request(2, "tools/list", {{"_meta", modernMeta()}}));
    EXPECT_EQ(answer.at("result").at("resultType"), json::value("complete"));
}

TEST_F(McpServerTest, UnknownMethodIsMethodNotFound) {
    auto answer = send(request(9, "tools/destroy", {{"_meta", modernMeta()}}));
    EXPECT_EQ(errorCode(answer), rpc::kMethodNotFound);
    EXPECT_EQ(errorMessage(answer), "Method not found: tools/destroy");
    EXPECT_EQ(answer.at("id"), json::value(9));
}

TEST_F(McpServerTest, NotificationsGetNoAnswerEvenUnknownOrMalformedOnes) {
    for (const auto& body : {notification("notifications/whatever"),
                             notification("notifications/cancelled", {{"requestId", nullptr}}),
                             notification("notifications/initialized")}) {
        send(body);
        EXPECT_FALSE(last.body) << body;
        EXPECT_EQ(last.httpStatus, 202u);
    }
    EXPECT_FALSE(connection.ready());  // initialized before initialize means nothing
}

TEST_F(McpServerTest, MalformedJsonIsAParseError) {
    auto answer = send("{\"jsonrpc\":\"2.0\",");
    EXPECT_EQ(errorCode(answer), rpc::kParseError);
    EXPECT_TRUE(answer.at("id").is_null());
    EXPECT_EQ(last.httpStatus, 400u);
}

TEST_F(McpServerTest, WrongJsonrpcIsAnInvalidRequest) {
    auto answer = send(R"({"jsonrpc":"2.1","id":5,"method":"ping"})");
    EXPECT_EQ(errorCode(answer), rpc::kInvalidRequest);
    EXPECT_EQ(answer.at("id"), json::value(5));
}

TEST_F(McpServerTest, AClientsResponseGetsNoAnswer) {
    send(R"({"jsonrpc":"2.0","id":5,"result":{}})");
    EXPECT_FALSE(last.body);
    EXPECT_EQ(last.httpStatus, 202u);
}

TEST_F(McpServerTest, ABatchIsRefusedWholeInEveryVersion) {
    std::string batch = "[" + request(1, "tools/list", {{"_meta", modernMeta()}}) + "," +
                        request(2, "tools/call", modernCall("echo", {{"text", "hi"}})) + "]";
    auto answer = send(batch);
    EXPECT_EQ(errorCode(answer), rpc::kInvalidRequest);
    EXPECT_NE(errorMessage(answer).find("batches"), std::string::npos);
    EXPECT_TRUE(answer.at("id").is_null());
    send(request(3, "initialize", {{"protocolVersion", "2025-11-25"}}));
    EXPECT_EQ(errorCode(send("[" + request(4, "ping") + "]")), rpc::kInvalidRequest);
}

TEST_F(McpServerTest, ABatchOfAThousandCallsRunsNothing) {
    std::atomic<int> runs{0};
    server.addTool(ToolDeclaration{.name = "tally",
                                   .description = "Counts its runs.",
                                   .input = {},
                                   .output = std::nullopt,
                                   .handler = [&](const json::object&, const CallContext&) {
                                       ++runs;
                                       return ToolResult::ok({});
                                   }});
    std::string batch = "[";
    for (int i = 0; i < 1000; ++i)
        batch += (i ? "," : "") + request(i, "tools/call", modernCall("tally", {}));
    auto answer = send(batch + "]");
    EXPECT_EQ(errorCode(answer), rpc::kInvalidRequest);
    EXPECT_NE(errorMessage(answer).find("1000 messages"), std::string::npos);
    EXPECT_EQ(runs, 0);
}

TEST_F(McpServerTest, ABodyOverTheSizeBoundIsRefused) {
    McpServer small(ServerInfo{}, ServerLimits{.rpc = {.maxBytes = 256}});
    small.addTool(echoTool());
    auto params = modernCall("echo", {{"text", "hi"}});
    params["_meta"].as_object()["com.example/pad"] = std::string(300, 'x');
    std::string body = request(1, "tools/call", params);
    auto answer = send(body, connection);  // the fixture's server: fine at this size
    EXPECT_EQ(answer.at("result").at("structuredContent").at("text"), json::value("hi"));
    auto refused = small.handle(body, connection, caller, nullptr);
    ASSERT_TRUE(refused.body);
    auto parsed = json::parse(*refused.body).as_object();
    EXPECT_EQ(errorCode(parsed), rpc::kInvalidRequest);
    EXPECT_NE(errorMessage(parsed).find("limit of 256"), std::string::npos);
    EXPECT_EQ(refused.httpStatus, 400u);
}

TEST_F(McpServerTest, ToolDeclarationsAreChecked) {
    EXPECT_THROW(server.addTool(echoTool()), std::invalid_argument);  // twice
    auto nameless = echoTool();
    nameless.name = "no spaces";
    EXPECT_THROW(server.addTool(nameless), std::invalid_argument);
    auto handless = echoTool();
    handless.name = "echo2";
    handless.handler = nullptr;
    EXPECT_THROW(server.addTool(handless), std::invalid_argument);
}

}  // namespace
}  // namespace parawork::mcp::test
