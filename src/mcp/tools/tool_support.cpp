#include "mcp/tools/tool_support.hpp"

#include "core/error.hpp"
#include "store/sessions.hpp"

namespace parawork::mcp::tools {

namespace json = boost::json;

std::string textArg(const json::object& args, std::string_view name) {
    return std::string(args.at(name).as_string());
}

std::optional<std::string> optionalText(const json::object& args, std::string_view name) {
    const auto* value = args.if_contains(name);
    if (!value) return std::nullopt;
    return std::string(value->as_string());
}

std::optional<std::int64_t> optionalInteger(const json::object& args, std::string_view name) {
    const auto* value = args.if_contains(name);
    if (!value) return std::nullopt;
    // The shape admitted it as an integer, which JSON Schema lets be written 5.0.
    return value->is_double() ? static_cast<std::int64_t>(value->get_double())
                              : value->to_number<std::int64_t>();
}

std::optional<bool> optionalBool(const json::object& args, std::string_view name) {
    const auto* value = args.if_contains(name);
    if (!value) return std::nullopt;
    return value->as_bool();
}

std::vector<std::string> listArg(const json::object& args, std::string_view name) {
    std::vector<std::string> out;
    if (const auto* value = args.if_contains(name))
        for (const auto& item : value->as_array()) out.emplace_back(item.as_string());
    return out;
}

std::map<std::string, std::string> envArg(const json::object& args, std::string_view name) {
    std::map<std::string, std::string> env;
    for (const auto& item : listArg(args, name)) {
        auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw core::ServiceError(
                400, std::string(name) + ": expected NAME=value, got \"" + item + "\"");
        env[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return env;
}

std::optional<std::string> Reach::confinedTo(const CallContext& context) const {
    if (!services_.confineToWorkspace || !context.caller.sessionId) return std::nullopt;
    auto caller = store::findSession(services_.db, *context.caller.sessionId);
    // A caller that names a session we do not know reaches nothing rather than everything.
    return caller ? caller->workspaceId : std::string();
}

void Reach::workspace(const CallContext& context, const std::string& workspaceId) const {
    auto own = confinedTo(context);
    if (own && *own != workspaceId)
        throw core::ServiceError(
            403, "Workspace " + workspaceId + " is outside this session's workspace");
}

std::string Reach::session(const CallContext& context, const std::string& sessionId) const {
    auto target = store::findSession(services_.db, sessionId);
    if (!target) throw core::ServiceError(404, "Session not found");
    auto own = confinedTo(context);
    if (own && *own != target->workspaceId)
        throw core::ServiceError(403,
                                 "Session " + sessionId + " is outside this session's workspace");
    return target->workspaceId;
}

void Reach::unconfined(const CallContext& context, std::string_view what) const {
    if (confinedTo(context))
        throw core::ServiceError(403, std::string(what) + " is outside this session's workspace");
}

Property workspaceIdArg() {
    return required("workspaceId", text("The workspace's id").lengthBetween(1, 64));
}

Property sessionIdArg() {
    return required("sessionId", text("The session's id").lengthBetween(1, 64));
}

Shape sessionFields() {
    return {required("id", text("Its id")), required("workspaceId", text("Its workspace")),
            required("status", text("starting, running, completed or failed"))};
}

Field sessionObject(std::string description) {
    return object(std::move(description), sessionFields()).openEnded();
}

}  // namespace parawork::mcp::tools
