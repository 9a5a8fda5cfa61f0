// How a tool is declared (docs/mcp.md): its name, description, argument and output shapes (from
// which both the published JSON Schemas and the validation come), its hints, and the handler
// that calls one service. The handler sees who calls, a progress sink and a cancellation flag.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "mcp/tool_schema.hpp"

namespace parawork::mcp {

/// Who sends a message, as the edge knows it.
struct CallerInfo {
    /// The parawork session the calling agent runs in (from its environment), if any.
    std::optional<std::string> sessionId;
    /// Whose request ids these are: ids are unique per client only, so cancellation looks a
    /// request up by (scope, id). The edge picks it: the Mcp-Session-Id of a 2025 HTTP session,
    /// one stdio bridge's id, or one HTTP request's own id.
    std::string scope;
};

/// Reports progress of a call: progress so far, total if known, a message for people.
using ProgressSink =
    std::function<void(double progress, std::optional<double> total, std::string message)>;

/// What a handler gets besides its arguments.
struct CallContext {
    CallerInfo caller;
    /// Always callable. Sends notifications/progress only when the client asked for them (a
    /// progressToken); a value not above the last one sent, or one sent after the call ended or
    /// was cancelled, is dropped (the spec wants progress to increase and stop at the end).
    ProgressSink progress;
    /// Set by the server when the client cancels this call (notifications/cancelled, or
    /// McpServer::cancel). A long handler checks isCancelled().
    std::shared_ptr<const std::atomic<bool>> cancelled;
    /// Set when an HTTP client hung up while the call ran: a cancellation too.
    std::shared_ptr<const std::atomic<bool>> clientGone;

    bool isCancelled() const {
        return (cancelled && cancelled->load()) || (clientGone && clientGone->load());
    }
};

/// What a call returns: structured content and its text, or a tool execution error (isError:
/// the model sees the message and may retry — unlike a protocol error).
struct ToolResult {
    boost::json::object structured;  ///< structuredContent; must match the tool's output shape
    std::string text;                ///< the text block; empty: the structured content as JSON
    bool isError = false;

    static ToolResult ok(boost::json::object structured, std::string text = {});
    static ToolResult error(std::string message);
};

/// ToolAnnotations (hints to clients, never trusted for security).
struct ToolHints {
    bool readOnly = false;
    bool destructive = false;
    bool idempotent = false;
    bool openWorld = false;
};

using ToolHandler =
    std::function<ToolResult(const boost::json::object& arguments, const CallContext& context)>;

/// One tool. `input` is checked before `handler` runs; a handler that throws core::ServiceError
/// or core::Error gives a tool execution error with that message, anything else -32603.
struct ToolDeclaration {
    std::string name;  ///< 1-128 of [A-Za-z0-9_.-] (the spec's tool name rule)
    std::string title;
    std::string description;
    Shape input;
    std::optional<Shape> output;  ///< published as outputSchema, checked on every result
    ToolHints hints;
    ToolHandler handler;
};

/// The Tool object of tools/list: {name, title?, description, inputSchema, outputSchema?,
/// annotations}.
boost::json::object toolListing(const ToolDeclaration& tool);

/// The CallToolResult (without resultType): {content:[{type:"text",text}], structuredContent?,
/// isError?}.
boost::json::object callResult(const ToolResult& result);

/// Throws std::invalid_argument when `name` breaks the spec's tool name rule.
void checkToolName(std::string_view name);

}  // namespace parawork::mcp
