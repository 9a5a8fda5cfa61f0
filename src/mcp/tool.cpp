#include "mcp/tool.hpp"

#include <stdexcept>

#include <boost/json/serialize.hpp>

namespace parawork::mcp {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxToolName = 128;

bool isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

json::object annotations(const ToolDeclaration& tool) {
    json::object hints{{"readOnlyHint", tool.hints.readOnly},
                       {"destructiveHint", tool.hints.destructive},
                       {"idempotentHint", tool.hints.idempotent},
                       {"openWorldHint", tool.hints.openWorld}};
    if (!tool.title.empty()) hints["title"] = tool.title;
    return hints;
}

}  // namespace

ToolResult ToolResult::ok(json::object structured, std::string text) {
    return ToolResult{std::move(structured), std::move(text), false};
}

ToolResult ToolResult::error(std::string message) {
    return ToolResult{{}, std::move(message), true};
}

json::object toolListing(const ToolDeclaration& tool) {
    json::object listing{{"name", tool.name}};
    if (!tool.title.empty()) listing["title"] = tool.title;
    listing["description"] = tool.description;
    listing["inputSchema"] = toJsonSchema(tool.input);
    if (tool.output) listing["outputSchema"] = toJsonSchema(*tool.output);
    listing["annotations"] = annotations(tool);
    return listing;
}

json::object callResult(const ToolResult& result) {
    // A tool that returns structured content also returns it serialized in a text block, for
    // clients that read only `content` (tools.mdx, "Structured Content").
    std::string text = result.text;
    if (text.empty() && !result.isError) text = json::serialize(result.structured);
    json::object answer{{"content", json::array{json::object{{"type", "text"}, {"text", text}}}}};
    if (result.isError) {
        answer["isError"] = true;
    } else {
        answer["structuredContent"] = result.structured;
    }
    return answer;
}

void checkToolName(std::string_view name) {
    bool valid = !name.empty() && name.size() <= kMaxToolName;
    for (char c : name) valid = valid && isNameChar(c);
    if (!valid)
        throw std::invalid_argument("tool name \"" + std::string(name) +
                                    "\" must be 1-128 of A-Z a-z 0-9 _ - .");
}

}  // namespace parawork::mcp
