// libFuzzer target: bodies sent to the MCP server (untrusted JSON-RPC from any MCP client),
// through the whole protocol path with a tool whose arguments use every kind of bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mcp/mcp_server.hpp"

namespace {

parawork::mcp::McpServer& server() {
    using namespace parawork::mcp;
    // Built once and kept for the whole run (libFuzzer never returns from its loop).
    static McpServer* instance = [] {
        auto* s = new McpServer(
            ServerInfo{.name = "parawork", .version = "fuzz", .instructions = {}},
            ServerLimits{.rpc = {.maxBytes = 64 * 1024, .maxBatch = 8, .maxDepth = 16}});
        s->addTool(ToolDeclaration{
            .name = "probe",
            .description = "Every kind of argument.",
            .input = {required("text", text("t").lengthBetween(1, 8)),
                      optional("n", integer("n").between(-5, 5)),
                      optional("mode", text("m").oneOf({"a", "b"})),
                      optional("list", textList("l").items(3).maxChars(4)),
                      optional("x", number("x")), optional("flag", boolean("f")),
                      optional("inner", object("i", {required("k", integer("k").atLeast(0))}))},
            .output = Shape{required("echo", text("e"))},
            .hints = {},
            .handler = [](const boost::json::object& arguments, const CallContext& context) {
                context.progress(1, 2, "half");
                return ToolResult::ok({{"echo", arguments.at("text")}});
            }});
        return s;
    }();
    return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    parawork::mcp::McpConnection connection;
    parawork::mcp::CallerInfo caller{.sessionId = std::nullopt, .scope = "fuzz"};
    server().handle(std::string_view(reinterpret_cast<const char*>(data), size), connection, caller,
                    [](std::string_view) {});
    return 0;
}
