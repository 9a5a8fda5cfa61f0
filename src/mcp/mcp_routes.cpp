// POST, GET and DELETE /mcp (see mcp_routes.hpp).
#include "mcp/mcp_routes.hpp"

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

bool acceptsEventStream(const api::Request& req) {
    auto accept = req.header("accept");
    return accept && accept->find("text/event-stream") != std::string_view::npos;
}

/// A visible-ASCII token of at most kMaxScopeBytes: a bridge's scope.
bool validScope(std::string_view scope) {
    if (scope.empty() || scope.size() > kMaxScopeBytes) return false;
    for (char c : scope)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
    return true;
}

/// The answer with the progress notifications that went out before it: as SSE events when the
/// client takes them, else the answer alone (the notifications are dropped, as a client that
/// reads only JSON would drop them).
api::Response answerOf(const McpAnswer& answer, const std::vector<std::string>& notes,
                       bool eventStream) {
    api::Response res;
    res.status = answer.httpStatus;
    if (!answer.body) {
        res.contentType.clear();
        return res;
    }
    if (notes.empty() || !eventStream) {
        res.contentType = "application/json";
        res.body = *answer.body;
        return res;
    }
    res.contentType = "text/event-stream";
    for (const auto& note : notes) res.body += "event: message\ndata: " + note + "\n\n";
    res.body += "event: message\ndata: " + *answer.body + "\n\n";
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
    std::vector<std::string> notes;
    McpAnswer answer = server.handle(
        req.body, *connection, caller,
        [&notes](std::string_view note) { notes.emplace_back(note); }, http ? &*http : nullptr);
    api::Response res = answerOf(answer, notes, acceptsEventStream(req));
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
