// A server with small test tools, and helpers to build messages and read answers (mcp_*_test).
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "core/error.hpp"
#include "mcp/mcp_server.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::mcp::test {

namespace json = boost::json;

inline constexpr const char* kModern = "2026-07-28";

/// The _meta every 2026-07-28 request carries.
inline json::object modernMeta(const char* version = kModern) {
    return {{"io.modelcontextprotocol/protocolVersion", version},
            {"io.modelcontextprotocol/clientCapabilities", json::object{}}};
}

inline std::string request(json::value id, std::string_view method, json::object params = {}) {
    json::object message{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.empty()) message["params"] = std::move(params);
    return json::serialize(message);
}

inline std::string notification(std::string_view method, json::object params = {}) {
    return json::serialize(
        json::object{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

inline json::object modernCall(std::string_view tool, json::object arguments) {
    return {{"_meta", modernMeta()}, {"name", tool}, {"arguments", std::move(arguments)}};
}

/// `echo`: the one tool declaration that exercises each kind of bound.
inline ToolDeclaration echoTool() {
    return ToolDeclaration{
        .name = "echo",
        .title = "Echo",
        .description = "Says the text again.",
        .input = {required("text", text("What to say").lengthBetween(1, 20)),
                  optional("times", integer("How often").between(1, 3)),
                  optional("mode", text("Letter case").oneOf({"upper", "lower"})),
                  optional("tags", textList("Labels").items(2).maxChars(5)),
                  optional("loud", boolean("Shout")),
                  optional("options", object("More", {required("timeoutMs", integer("Wait").between(
                                                                                0, 600000))}))},
        .output = Shape{required("text", text("What was said"))},
        .hints = {.readOnly = true},
        .handler = [](const json::object& arguments, const CallContext&) {
            std::string said(arguments.at("text").as_string());
            return ToolResult::ok({{"text", said}});
        }};
}

/// `count`: reports progress for each step, then how many steps it took.
inline ToolDeclaration countTool() {
    return ToolDeclaration{
        .name = "count",
        .description = "Counts to steps.",
        .input = {required("steps", integer("How far").between(0, 10))},
        .output = Shape{required("counted", integer("How far it got"))},
        .handler = [](const json::object& arguments, const CallContext& context) {
            auto steps = arguments.at("steps").as_int64();
            for (std::int64_t i = 1; i <= steps; ++i)
                context.progress(static_cast<double>(i), static_cast<double>(steps),
                                 "step " + std::to_string(i));
            context.progress(1.0, std::nullopt, "going back: dropped");
            return ToolResult::ok({{"counted", steps}});
        }};
}

/// `misbehave`: a service's refusal, a crash, or output that breaks its schema.
inline ToolDeclaration misbehaveTool() {
    return ToolDeclaration{
        .name = "misbehave",
        .description = "Fails on purpose.",
        .input = {required("how", text("How to fail").oneOf({"refuse", "crash", "badOutput"}))},
        .output = Shape{required("ok", boolean("Never false"))},
        .handler = [](const json::object& arguments, const CallContext&) -> ToolResult {
            auto how = arguments.at("how").as_string();
            if (how == "refuse") throw core::ServiceError(409, "Workspace is busy");
            if (how == "crash") throw std::logic_error("null session");
            return ToolResult::ok({{"ok", "yes"}});
        }};
}

/// `block`: runs until it is cancelled (a ceiling of 20 s for a machine under load).
struct BlockingTool {
    std::atomic<bool> started{false};
    std::atomic<bool> sawCancel{false};

    ToolDeclaration declaration() {
        return ToolDeclaration{
            .name = "block",
            .description = "Waits for cancellation.",
            .input = {},
            .output = std::nullopt,
            .handler = [this](const json::object&, const CallContext& context) {
                started = true;
                sawCancel = parawork::test::waitUntil([&] { return context.isCancelled(); });
                context.progress(1, std::nullopt, "after cancel: dropped");
                return ToolResult::ok({{"done", true}});
            }};
    }
};

/// A server with echo, count and misbehave, one 2026 exchange at a time.
class McpServerTest : public ::testing::Test {
  protected:
    McpServerTest() {
        server.addTool(misbehaveTool());
        server.addTool(echoTool());
        server.addTool(countTool());
    }

    /// Sends `body` on `connection` (a fresh one by default) and returns the parsed answer.
    json::object send(const std::string& body) { return send(body, connection); }
    json::object send(const std::string& body, McpConnection& on) {
        last = server.handle(body, on, caller, [this](std::string_view n) {
            notifications.push_back(json::parse(n).as_object());
        });
        if (!last.body) return {};
        return json::parse(*last.body).as_object();
    }

    static int errorCode(const json::object& answer) {
        return static_cast<int>(answer.at("error").at("code").as_int64());
    }
    static std::string errorMessage(const json::object& answer) {
        return std::string(answer.at("error").at("message").as_string());
    }
    static std::string firstText(const json::object& answer) {
        return std::string(answer.at("result").at("content").at(0).at("text").as_string());
    }

    McpServer server{
        ServerInfo{.name = "parawork", .version = "9.9.9", .instructions = "Be kind."}};
    McpConnection connection;
    CallerInfo caller{.sessionId = std::nullopt, .scope = "client-1"};
    std::vector<json::object> notifications;
    McpAnswer last;
};

}  // namespace parawork::mcp::test
