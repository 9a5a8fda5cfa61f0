// tools/call through McpServer: arguments checked before a handler runs, tool errors against
// protocol errors per version, progress notifications, cancellation, the in-flight bound.
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "mcp_fixture.hpp"

namespace parawork::mcp::test {
namespace {

TEST_F(McpServerTest, ACallReturnsStructuredContentAndItsText) {
    auto answer = send(request(1, "tools/call", modernCall("echo", {{"text", "hello"}})));
    const auto& result = answer.at("result").as_object();
    EXPECT_EQ(result.at("structuredContent"), json::parse(R"({"text":"hello"})"));
    EXPECT_EQ(firstText(answer), R"({"text":"hello"})");
    EXPECT_EQ(result.at("content").at(0).at("type"), json::value("text"));
    EXPECT_FALSE(result.contains("isError"));
    EXPECT_EQ(result.at("resultType"), json::value("complete"));
}

TEST_F(McpServerTest, AnUnknownToolIsAProtocolError) {
    auto answer = send(request(1, "tools/call", modernCall("nope", {})));
    EXPECT_EQ(errorCode(answer), rpc::kInvalidParams);
    EXPECT_EQ(errorMessage(answer), "Unknown tool: nope");
}

TEST_F(McpServerTest, AMalformedCallIsAProtocolError) {
    json::object noName{{"_meta", modernMeta()}};
    EXPECT_EQ(errorCode(send(request(1, "tools/call", noName))), rpc::kInvalidParams);
    json::object badArguments{{"_meta", modernMeta()}, {"name", "echo"}, {"arguments", "x"}};
    EXPECT_EQ(errorCode(send(request(2, "tools/call", badArguments))), rpc::kInvalidParams);
}

/// Since 2025-11-25, arguments that break the schema are a tool execution error the model can
/// read and correct (tools.mdx "Error Handling").
TEST_F(McpServerTest, BrokenArgumentsAreAToolErrorIn2026) {
    struct Case {
        json::object arguments;
        const char* message;
    };
    std::vector<Case> cases{
        {{}, "arguments.text: is required"},
        {{{"text", 5}}, "arguments.text: must be a string"},
        {{{"text", "hi"}, {"volume", 3}}, "arguments.volume: is not a known property"},
        {{{"text", "hi"}, {"times", 4}}, "arguments.times: must be an integer between 1 and 3"},
        {{{"text", std::string(21, 'a')}}, "arguments.text: must be at most 20 characters long"},
        {{{"text", "hi"}, {"options", {{"timeoutMs", 600001}}}},
         "arguments.options.timeoutMs: must be an integer between 0 and 600000"},
    };
    for (const auto& c : cases) {
        auto answer = send(request(1, "tools/call", modernCall("echo", c.arguments)));
        ASSERT_TRUE(answer.contains("result")) << c.message;
        EXPECT_EQ(answer.at("result").at("isError"), json::value(true));
        EXPECT_EQ(firstText(answer), std::string("Invalid arguments for tool echo: ") + c.message);
        EXPECT_FALSE(answer.at("result").as_object().contains("structuredContent"));
    }
}

TEST_F(McpServerTest, BrokenArgumentsAreAToolErrorIn2025_11_25) {
    send(request(1, "initialize", {{"protocolVersion", "2025-11-25"}}));
    auto answer = send(request(2, "tools/call", {{"name", "echo"}, {"arguments", json::object{}}}));
    EXPECT_EQ(answer.at("result").at("isError"), json::value(true));
}

/// 2025-06-18 lists invalid arguments among the protocol errors.
TEST_F(McpServerTest, BrokenArgumentsAreInvalidParamsIn2025_06_18) {
    send(request(1, "initialize", {{"protocolVersion", "2025-06-18"}}));
    auto answer = send(request(2, "tools/call", {{"name", "echo"}, {"arguments", json::object{}}}));
    EXPECT_EQ(errorCode(answer), rpc::kInvalidParams);
    EXPECT_EQ(errorMessage(answer), "Invalid arguments for tool echo: arguments.text: is required");
}

TEST_F(McpServerTest, AServiceRefusalIsAToolError) {
    auto answer = send(request(1, "tools/call", modernCall("misbehave", {{"how", "refuse"}})));
    EXPECT_EQ(answer.at("result").at("isError"), json::value(true));
    EXPECT_EQ(firstText(answer), "Workspace is busy");
}

TEST_F(McpServerTest, ACrashIsAnInternalError) {
    auto answer = send(request(1, "tools/call", modernCall("misbehave", {{"how", "crash"}})));
    EXPECT_EQ(errorCode(answer), rpc::kInternalError);
    EXPECT_EQ(errorMessage(answer), "Internal error: tool misbehave failed: null session");
}

TEST_F(McpServerTest, OutputThatBreaksItsSchemaIsAnInternalError) {
    auto answer = send(request(1, "tools/call", modernCall("misbehave", {{"how", "badOutput"}})));
    EXPECT_EQ(errorCode(answer), rpc::kInternalError);
    EXPECT_NE(errorMessage(answer).find("structuredContent.ok: must be a boolean"),
              std::string::npos);
}

TEST_F(McpServerTest, ProgressIsNotifiedInOrderBeforeTheResult) {
    auto params = modernCall("count", {{"steps", 3}});
    params["_meta"].as_object()["progressToken"] = "tok-1";
    std::vector<std::string> order;
    auto answer = server.handle(request(1, "tools/call", params), connection, caller,
                                [&](std::string_view n) { order.emplace_back(n); });
    ASSERT_TRUE(answer.body);
    order.push_back(*answer.body);
    ASSERT_EQ(order.size(), 4u);  // three steps; the one that went backwards was dropped
    for (int i = 0; i < 3; ++i) {
        auto note = json::parse(order[i]).as_object();
        EXPECT_EQ(note.at("method"), json::value("notifications/progress"));
        EXPECT_FALSE(note.contains("id"));
        EXPECT_EQ(note.at("params"),
                  json::value(json::object{{"progressToken", "tok-1"},
                                           {"progress", i + 1},
                                           {"total", 3},
                                           {"message", "step " + std::to_string(i + 1)}}));
    }
    EXPECT_EQ(json::parse(order[3]).at("result").at("structuredContent").at("counted"),
              json::value(3));
}

TEST_F(McpServerTest, NoProgressWithoutAToken) {
    send(request(1, "tools/call", modernCall("count", {{"steps", 3}})));
    EXPECT_TRUE(notifications.empty());
    ASSERT_TRUE(last.body);
}

TEST_F(McpServerTest, TheCallerReachesTheHandler) {
    std::optional<std::string> seen;
    server.addTool(ToolDeclaration{.name = "whoami",
                                   .description = "Who calls.",
                                   .input = {},
                                   .output = std::nullopt,
                                   .handler = [&](const json::object&, const CallContext& c) {
                                       seen = c.caller.sessionId;
                                       return ToolResult::ok({});
                                   }});
    caller.sessionId = "session-42";
    send(request(1, "tools/call", modernCall("whoami", {})));
    EXPECT_EQ(seen, "session-42");
}

class McpCancellationTest : public McpServerTest {
  protected:
    McpCancellationTest() { server.addTool(blocking.declaration()); }

    /// Starts `block` as request `id` on another thread and waits until its handler runs.
    /// `clientGone`: the HTTP edge's flag for a client that hung up.
    std::future<McpAnswer> startBlock(json::value id, CallerInfo who,
                                      std::shared_ptr<std::atomic<bool>> clientGone = nullptr) {
        auto params = modernCall("block", {});
        params["_meta"].as_object()["progressToken"] = 7;
        auto body = request(id, "tools/call", params);
        auto future = std::async(std::launch::async, [this, body, who, clientGone] {
            McpConnection own;
            return server.handle(
                body, own, who, [this](std::string_view n) { lateNotifications.emplace_back(n); },
                nullptr, clientGone);
        });
        EXPECT_TRUE(parawork::test::waitUntil([&] { return blocking.started.load(); }));
        return future;
    }

    BlockingTool blocking;
    std::vector<std::string> lateNotifications;
};

TEST_F(McpCancellationTest, CancelledSetsTheFlagAndTheCallGetsNoAnswer) {
    auto running = startBlock("call-1", caller);
    EXPECT_EQ(server.callsInFlight(), 1u);
    send(notification("notifications/cancelled", {{"requestId", "call-1"}, {"reason", "user"}}));
    EXPECT_FALSE(last.body);
    auto answer = running.get();
    EXPECT_TRUE(blocking.sawCancel);
    EXPECT_FALSE(answer.body);
    EXPECT_TRUE(lateNotifications.empty());  // no progress after cancellation
    EXPECT_EQ(server.callsInFlight(), 0u);
}

TEST_F(McpCancellationTest, AClientThatHungUpCancelsItsCallWhichAnswersNothing) {
    auto gone = std::make_shared<std::atomic<bool>>(false);
    auto running = startBlock("call-1", caller, gone);
    auto other = startBlock("call-2", caller);  // the same client's other request runs on
    ASSERT_TRUE(parawork::test::waitUntil([&] { return server.callsInFlight() == 2u; }));
    gone->store(true);
    auto answer = running.get();
    EXPECT_FALSE(answer.body);
    EXPECT_TRUE(lateNotifications.empty());  // no progress to a client that is gone
    EXPECT_EQ(server.callsInFlight(), 1u);
    send(notification("notifications/cancelled", {{"requestId", "call-2"}}));
    EXPECT_FALSE(other.get().body);
}

TEST_F(McpCancellationTest, CancellationIsScopedToTheClientAndTheIdsType) {
    auto running = startBlock(5, caller);
    CallerInfo other{.sessionId = std::nullopt, .scope = "client-2"};
    McpConnection otherConnection;
    server.handle(notification("notifications/cancelled", {{"requestId", 5}}), otherConnection,
                  other, nullptr);
    send(notification("notifications/cancelled", {{"requestId", "5"}}));  // a string, not 5
    EXPECT_FALSE(server.cancel("client-1", json::value("5")));
    EXPECT_EQ(server.callsInFlight(), 1u);
    EXPECT_TRUE(server.cancel("client-1", json::value(5)));
    EXPECT_FALSE(running.get().body);
    EXPECT_TRUE(blocking.sawCancel);
}

TEST_F(McpCancellationTest, ARunningIdCannotBeReused) {
    auto running = startBlock("dup", caller);
    auto answer = send(request("dup", "tools/call", modernCall("echo", {{"text", "x"}})));
    EXPECT_EQ(errorCode(answer), rpc::kInvalidRequest);
    server.cancel("client-1", json::value("dup"));
    running.get();
}

TEST_F(McpCancellationTest, CallsInFlightAreBounded) {
    McpServer one(ServerInfo{}, ServerLimits{.maxCallsInFlight = 1});
    one.addTool(blocking.declaration());
    one.addTool(echoTool());
    auto body = request(1, "tools/call", modernCall("block", {}));
    auto running = std::async(std::launch::async, [&] {
        McpConnection own;
        return one.handle(body, own, caller, nullptr);
    });
    ASSERT_TRUE(parawork::test::waitUntil([&] { return blocking.started.load(); }));
    auto refused = one.handle(request(2, "tools/call", modernCall("echo", {{"text", "x"}})),
                              connection, caller, nullptr);
    ASSERT_TRUE(refused.body);
    auto parsed = json::parse(*refused.body).as_object();
    EXPECT_EQ(errorCode(parsed), rpc::kInternalError);
    EXPECT_NE(errorMessage(parsed).find("limit 1"), std::string::npos);
    one.cancel("client-1", json::value(1));
    running.get();
}

}  // namespace
}  // namespace parawork::mcp::test
