#include "mcp/json_rpc.hpp"

#include <boost/json/parse.hpp>

namespace parawork::mcp {
namespace json = boost::json;
namespace {

json::object invalid(const json::value& id, std::string message) {
    return errorAnswer(id, RpcError{rpc::kInvalidRequest, std::move(message), std::nullopt});
}

/// A whole body refused: one answer with id null, nothing in it read further.
RpcBody refused(int code, std::string message) {
    RpcBody body;
    body.failure = errorAnswer(nullptr, RpcError{code, std::move(message), std::nullopt});
    return body;
}

RpcBody overLimit(std::string_view what, std::size_t size, std::string_view unit,
                  std::size_t limit) {
    return refused(rpc::kInvalidRequest, "Invalid Request: a " + std::string(what) + " of " +
                                             std::to_string(size) + " " + std::string(unit) +
                                             " is over the limit of " + std::to_string(limit));
}

/// The id to echo in an error about this element: its own when it is a valid id, else null.
json::value readableId(const json::object& element) {
    const auto* id = element.if_contains("id");
    return id && isValidId(*id) ? *id : json::value(nullptr);
}

/// A response sent by the client (it has an id and a result or an error, no method). MCP
/// servers here send no requests, so there is nothing to match it with: it gets no answer.
bool isResponse(const json::object& element) {
    return !element.contains("method") && element.contains("id") &&
           (element.contains("result") || element.contains("error"));
}

RpcEntry readElement(const json::value& value) {
    if (!value.is_object())
        return {std::nullopt, invalid(nullptr, "Invalid Request: a message must be a JSON object")};
    const auto& element = value.get_object();
    auto id = readableId(element);
    const auto* version = element.if_contains("jsonrpc");
    if (!version || !version->is_string() || version->get_string() != "2.0")
        return {std::nullopt, invalid(id, "Invalid Request: \"jsonrpc\" must be \"2.0\"")};
    if (isResponse(element)) return {};
    const auto* method = element.if_contains("method");
    if (!method || !method->is_string())
        return {std::nullopt, invalid(id, "Invalid Request: \"method\" must be a string")};
    const auto* rawId = element.if_contains("id");
    if (rawId && !isValidId(*rawId))
        return {std::nullopt,
                invalid(nullptr, "Invalid Request: \"id\" must be a string or an integer")};
    const auto* params = element.if_contains("params");
    if (params && !params->is_object())
        return {std::nullopt, invalid(id, "Invalid Request: \"params\" must be an object")};
    RpcMessage message;
    if (rawId) message.id = *rawId;
    message.method = std::string(method->get_string());
    if (params) message.params = params->get_object();
    return {std::move(message), std::nullopt};
}

RpcBody readBatch(const json::array& batch, const RpcLimits& limits) {
    if (batch.empty()) return refused(rpc::kInvalidRequest, "Invalid Request: empty batch");
    if (batch.size() > limits.maxBatch)
        return overLimit("batch", batch.size(), "messages", limits.maxBatch);
    RpcBody body;
    body.isBatch = true;
    body.entries.reserve(batch.size());
    for (const auto& element : batch) body.entries.push_back(readElement(element));
    return body;
}

}  // namespace

RpcBody parseBody(std::string_view bytes, const RpcLimits& limits) {
    if (bytes.size() > limits.maxBytes)
        return overLimit("body", bytes.size(), "bytes", limits.maxBytes);
    json::parse_options options;
    options.max_depth = limits.maxDepth;
    boost::system::error_code ec;
    json::value value = json::parse(bytes, ec, {}, options);
    if (ec) return refused(rpc::kParseError, "Parse error: " + ec.message());
    if (value.is_array()) return readBatch(value.get_array(), limits);
    RpcBody body;
    body.entries.push_back(readElement(value));
    return body;
}

json::object resultAnswer(const json::value& id, json::object result) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json::object errorAnswer(const json::value& id, const RpcError& error) {
    json::object object{{"code", error.code}, {"message", error.message}};
    if (error.data) object["data"] = *error.data;
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(object)}};
}

json::object notificationMessage(std::string_view method, json::object params) {
    return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

bool isValidId(const json::value& id) {
    return id.is_string() || id.is_int64() || id.is_uint64();
}

}  // namespace parawork::mcp
