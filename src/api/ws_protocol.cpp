#include "api/ws_protocol.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/ids.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

/// A bound on one workspace's count, so a client looping on subscribe cannot overflow it.
constexpr int kMaxSubscriptionCount = 1000;

constexpr std::array<std::string_view, 7> kClientTypes = {
    "focus_workspace", "subscribe_workspace", "unsubscribe_workspace", "terminal_input",
    "terminal_resize", "user_terminal_input", "user_terminal_resize"};

std::string errorEvent(std::string_view message) {
    return eventJson("error", json::object{{"message", message}});
}

/// A zod-like issue list, so the original frontend sees the same kind of text (§0).
std::string invalid(std::string_view path, std::string_view code, std::string_view message) {
    json::array pathArray;
    pathArray.emplace_back("data");
    if (!path.empty()) pathArray.emplace_back(path);
    json::array issues;
    issues.emplace_back(json::object{{"code", code}, {"path", pathArray}, {"message", message}});
    return errorEvent("Invalid message format: " + json::serialize(issues));
}

std::optional<std::string> readId(const json::object& data, std::string_view key,
                                  std::string& out) {
    auto* v = data.if_contains(key);
    if (!v || !v->is_string() || !core::isUuid(v->as_string()))
        return invalid(key, "invalid_string", "Invalid uuid");
    out = std::string(v->as_string());
    return std::nullopt;
}

std::optional<std::string> readSize(const json::object& data, std::string_view key, int max,
                                    int& out) {
    auto* v = data.if_contains(key);
    if (!v || !(v->is_int64() || v->is_uint64()))
        return invalid(key, "invalid_type", "Expected integer");
    // A uint64 past int64 is out of range too; saturate rather than wrap to a negative.
    auto n = v->is_int64() ? v->as_int64()
                           : static_cast<std::int64_t>(std::min<std::uint64_t>(
                                 v->as_uint64(), std::numeric_limits<std::int64_t>::max()));
    if (n < 1 || n > max)
        return invalid(key, "invalid_size",
                       std::string(key) + " must be between 1 and " + std::to_string(max) +
                           " (got " + std::to_string(n) + ")");
    out = static_cast<int>(n);
    return std::nullopt;
}

std::optional<std::string> readText(const json::object& data, std::string_view key,
                                    std::string& out) {
    auto* v = data.if_contains(key);
    if (!v || !v->is_string()) return invalid(key, "invalid_type", "Expected string");
    out = std::string(v->as_string());
    return std::nullopt;
}

std::optional<std::string> handleInput(
    const json::object& data, std::string_view idKey,
    const std::function<bool(const std::string&, std::string_view)>& send,
    std::string_view failure) {
    std::string id, text;
    if (auto e = readId(data, idKey, id)) return e;
    if (auto e = readText(data, "data", text)) return e;
    if (!send || !send(id, text)) return errorEvent(failure);
    return std::nullopt;
}

std::optional<std::string> handleResize(
    const json::object& data, std::string_view idKey,
    const std::function<void(const std::string&, int, int)>& resize, WsSubscriptions& subs,
    bool userTerminal) {
    std::string id;
    int cols = 0, rows = 0;
    if (auto e = readId(data, idKey, id)) return e;
    if (auto e = readSize(data, "cols", 500, cols)) return e;
    if (auto e = readSize(data, "rows", 200, rows)) return e;
    if (resize) resize(id, cols, rows);
    if (subs.resized.size() < 16) subs.resized.push_back({id, userTerminal});
    return std::nullopt;
}

}  // namespace

std::string eventJson(std::string_view type, json::object data) {
    return json::serialize(json::object{{"type", type}, {"data", std::move(data)}});
}

std::optional<std::string> handleClientFrame(std::string_view frame, WsSubscriptions& subs,
                                             const WsActions& actions) {
    boost::system::error_code ec;
    auto value = json::parse(frame, ec);
    if (ec || !value.is_object()) return errorEvent("Invalid JSON");
    const auto& msg = value.as_object();
    auto* typeValue = msg.if_contains("type");
    std::string_view type;
    if (typeValue && typeValue->is_string()) type = typeValue->as_string();
    bool known = false;
    for (auto t : kClientTypes) known = known || t == type;
    if (!known) {
        std::string expected;
        for (auto t : kClientTypes)
            expected += (expected.empty() ? "'" : " | '") + std::string(t) + "'";
        return errorEvent("Invalid message format: " +
                          json::serialize(json::array{json::object{
                              {"code", "invalid_union_discriminator"},
                              {"path", json::array{"type"}},
                              {"message", "Invalid discriminator value. Expected " + expected}}}));
    }
    static const json::object kEmpty;
    auto* dataValue = msg.if_contains("data");
    const json::object& data =
        dataValue && dataValue->is_object() ? dataValue->as_object() : kEmpty;

    std::string id;
    if (type == "focus_workspace") return readId(data, "workspaceId", id);
    if (type == "subscribe_workspace") {
        if (auto e = readId(data, "workspaceId", id)) return e;
        if (subs.workspaceIds.size() >= subs.max)
            return errorEvent("Too many workspace subscriptions");
        int& count = subs.workspaceIds[id];
        count = std::min(count + 1, kMaxSubscriptionCount);
        return std::nullopt;
    }
    if (type == "unsubscribe_workspace") {
        if (auto e = readId(data, "workspaceId", id)) return e;
        auto it = subs.workspaceIds.find(id);
        if (it != subs.workspaceIds.end() && --it->second <= 0) subs.workspaceIds.erase(it);
        return std::nullopt;
    }
    if (type == "terminal_input")
        return handleInput(data, "sessionId", actions.terminalInput,
                           "Failed to send input to terminal");
    if (type == "terminal_resize")
        return handleResize(data, "sessionId", actions.terminalResize, subs, false);
    if (type == "user_terminal_input")
        return handleInput(data, "terminalId", actions.userTerminalInput,
                           "Failed to send input to user terminal");
    return handleResize(data, "terminalId", actions.userTerminalResize, subs, true);
}

}  // namespace parawork::api
