// JSON-RPC 2.0 as MCP uses it (docs/mcp.md): reading one message or a batch from bytes, and
// building results, errors and notifications. Plain data, no transport: the HTTP and stdio
// edges hand bytes in and write the strings out.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace parawork::mcp {

/// JSON-RPC 2.0's codes and the MCP codes we answer with (schema 2026-07-28).
namespace rpc {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kUnsupportedProtocolVersion = -32022;
inline constexpr int kHeaderMismatch = -32020;  ///< Streamable HTTP headers vs. the body (2026)
}  // namespace rpc

/// A JSON-RPC error object: {code, message, data?}.
struct RpcError {
    int code = rpc::kInternalError;
    std::string message;
    std::optional<boost::json::value> data;
};

/// One valid incoming request (it has an id) or notification (it has none).
struct RpcMessage {
    /// A string or an integer exactly as the client sent it; nullopt for a notification.
    std::optional<boost::json::value> id;
    std::string method;
    boost::json::object params;  ///< empty when the message had none
    bool isNotification() const { return !id.has_value(); }
};

/// One element of a body: a message to handle, an error answer ready to send (the element was
/// not a valid message), or neither (a response from the client, which asks for no answer).
struct RpcEntry {
    std::optional<RpcMessage> message;
    std::optional<boost::json::object> errorAnswer;
};

/// What a body holds.
struct RpcBody {
    bool isBatch = false;
    std::vector<RpcEntry> entries;  ///< in the order sent; empty when `failure` is set
    /// The whole body is refused (malformed JSON, too large, an empty or too big batch): send
    /// this one answer and run nothing.
    std::optional<boost::json::object> failure;
};

/// The bounds a caller sets on a body.
struct RpcLimits {
    std::size_t maxBytes = 4 * 1024 * 1024;
    std::size_t maxBatch = 100;  ///< messages in one batch; more: the whole batch is refused
    std::size_t maxDepth = 64;   ///< JSON nesting; deeper is a parse error
};

/// Reads `bytes`: one JSON object or a JSON array of them (a batch). Malformed JSON, a body over
/// limits.maxBytes or too deep → -32700/-32600 with id null; an element that is not a valid
/// request → -32600 for that element (its id echoed when readable). Never throws on input.
RpcBody parseBody(std::string_view bytes, const RpcLimits& limits);

/// {"jsonrpc":"2.0","id":id,"result":result}.
boost::json::object resultAnswer(const boost::json::value& id, boost::json::object result);

/// {"jsonrpc":"2.0","id":id,"error":{code,message,data?}}; pass a null value when the id could
/// not be read.
boost::json::object errorAnswer(const boost::json::value& id, const RpcError& error);

/// {"jsonrpc":"2.0","method":method,"params":params}.
boost::json::object notificationMessage(std::string_view method, boost::json::object params);

/// True when `id` is a valid JSON-RPC id for MCP: a string or an integer (never null).
bool isValidId(const boost::json::value& id);

}  // namespace parawork::mcp
