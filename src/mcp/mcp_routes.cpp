// POST, GET and DELETE /mcp (see mcp_routes.hpp).
#include "mcp/mcp_routes.hpp"

#include <atomic>
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>

#include "api/security.hpp"
#include "core/ids.hpp"
#include "core/secrets.hpp"

namespace parawork::mcp {
namespace {

constexpr std::size_t kMaxScopeBytes = 64;

api::Response jsonRpcError(unsigned status, int code, std::string_view message) {
    api::Response res;
    res.status = status;
    res.contentType = "application/json";
    res.body = boost::json::serialize(
        errorAnswer(nullptr, RpcError{code, std::string(message), std::nullopt}));
    return res;
}

std::optional<std::string> headerOf(const api::Request& req, std::string_view name) {
    auto value = req.header(name);
    return value ? std::optional<std::string>(*value) : std::nullopt;
}

/// A visible-ASCII token of at most kMaxScopeBytes: a bridge's scope.
bool validScope(std::string_view scope) {
    if (scope.empty() || scope.size() > kMaxScopeBytes) return false;
    for (char c : scope)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
    return true;
}

std::string sseEvent(std::string_view message) {
    return "event: message\ndata: " + std::string(message) + "\n\n";
}

/// The answer: JSON, or, when its progress notifications went out as events while it ran
/// (`streamed`), the event that ends that stream. A client that reads only JSON gets no
/// notifications, as it would drop them.
api::Response answerOf(const McpAnswer& answer, bool streamed) {
    api::Response res;
    res.status = answer.httpStatus;
    if (streamed) {
        res.contentType = "text/event-stream";
        if (answer.body) res.body = sseEvent(*answer.body);  // none: a cancelled call
        return res;
    }
    if (!answer.body) {
        res.contentType.clear();
        return res;
    }
    res.contentType = "application/json";
    res.body = *answer.body;
    return res;
}

api::Response post(api::Request& req, McpServer& server, McpSessions& sessions) {
    CallerInfo caller;
    if (auto session = req.header(kCallerSessionHeader)) {
        if (!core::isUuid(*session))
            return jsonRpcError(400, rpc::kInvalidRequest,
                                "Bad Request: X-Parawork-Session must be a session id");
        caller.sessionId = std::string(*session);
    }
    std::shared_ptr<McpConnection> connection;
    auto sessionId = req.header("mcp-session-id");
    if (sessionId) {
        connection = sessions.find(*sessionId);
        if (!connection)
            return jsonRpcError(404, rpc::kInvalidRequest,
                                "Session not found: initialize a new MCP session");
        caller.scope = "session:" + std::string(*sessionId);
    } else {
        connection = std::make_shared<McpConnection>();
        auto scope = req.header(kScopeHeader);
        if (scope && !validScope(*scope))
            return jsonRpcError(400, rpc::kInvalidRequest,
                                "Bad Request: X-Parawork-Mcp-Scope must be 1-64 letters, digits, "
                                "'-' or '_'");
        caller.scope = scope ? "bridge:" + std::string(*scope) : "request:" + core::randomHex(16);
    }
    // The bridge (unix socket) carries stdio, which has no headers to check.
    std::optional<HttpHeaders> http;
    if (req.transport == api::Transport::Tcp)
        http = HttpHeaders{headerOf(req, "mcp-protocol-version"), headerOf(req, "mcp-method"),
                           headerOf(req, "mcp-name")};
    // Progress goes out as it happens, as SSE events on the POST's answer (Streamable HTTP).
    api::EventSink* events = req.acceptsEventStream() ? req.events : nullptr;
    std::atomic<bool> streamed{false};
    McpAnswer answer = server.handle(
        req.body, *connection, caller,
        [events, &streamed](std::string_view note) {
            if (!events) return;
            events->send(sseEvent(note));
            streamed = true;
        },
        http ? &*http : nullptr, events ? events->clientGone() : nullptr);
    api::Response res = answerOf(answer, streamed);
    if (answer.initialized && !sessionId) res.set("Mcp-Session-Id", sessions.add(connection));
    return res;
}

}  // namespace

void addMcpRoutes(api::Router& router, McpServer& server, McpSessions& sessions) {
    const std::string path(api::kMcpPath);
    router.add("POST", path,
               [&server, &sessions](api::Request& req) { return post(req, server, sessions); });
    router.add("GET", path, [](api::Request&) {
        // No server-initiated stream: the spec lets a server answer GET with 405.
        api::Response res = jsonRpcError(405, rpc::kInvalidRequest,
                                         "Method Not Allowed: POST one JSON-RPC message");
        res.set("Allow", "POST, DELETE");
        return res;
    });
    router.add("DELETE", path, [&sessions](api::Request& req) {
        auto id = req.header("mcp-session-id");
        if (!id) return jsonRpcError(400, rpc::kInvalidRequest, "Bad Request: no Mcp-Session-Id");
        if (!sessions.close(*id))
            return jsonRpcError(404, rpc::kInvalidRequest, "Session not found");
        api::Response res;
        res.status = 204;
        res.contentType.clear();
        return res;
    });
}

}  // namespace parawork::mcp
