// The MCP server (issue 21, docs/mcp.md): the tool registry and the protocol — version
// negotiation for 2026-07-28 (per-request _meta) and 2025-11-25 / 2025-06-18 (initialize),
// ping, server/discover, tools/list, tools/call with progress and cancellation. Transport-free:
// the Streamable HTTP edge and the stdio bridge hand it bodies and write out what it returns.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "mcp/http_headers.hpp"
#include "mcp/in_flight_calls.hpp"
#include "mcp/json_rpc.hpp"
#include "mcp/mcp_connection.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/tool.hpp"

namespace parawork::mcp {

/// The server's identity and guidance for models.
struct ServerInfo {
    std::string name = "parawork";
    std::string version;  ///< empty: this build's version (the same as `parawork --version`)
    std::string instructions;
};

struct ServerLimits {
    RpcLimits rpc;                      ///< body size, batch size, JSON depth
    std::size_t maxCallsInFlight = 64;  ///< tool calls running at once, all clients together
    std::int64_t listTtlMs = 60'000;    ///< ttlMs of tools/list and server/discover (2026)
};

/// Sends one serialized JSON-RPC notification (notifications/progress) to the client of the
/// call being handled, before its answer. Called on the handler's thread.
using Notify = std::function<void(std::string_view message)>;

/// One tool call that ran, for the caller's history (issue 21 §4: every call an agent makes is in
/// its session's history).
struct ToolCallRecord {
    const CallerInfo& caller;
    std::string_view tool;
    const boost::json::object& arguments;
    bool failed = false;  ///< a tool error, a protocol error, or cancelled
    std::chrono::milliseconds took{0};
};
using CallObserver = std::function<void(const ToolCallRecord&)>;

/// What to send back for one body.
struct McpAnswer {
    /// The serialized answer; nullopt when none is due (a notification, a client's response, a
    /// cancelled call).
    std::optional<std::string> body;
    /// The Streamable HTTP status: 200 with a body, 202 without, 400 for a body the transports
    /// answer with 400 (parse errors, invalid requests, bad or unsupported protocol version).
    unsigned httpStatus = 200;
    /// The body was a successful initialize: over HTTP, keep the connection in McpSessions and
    /// send its id as Mcp-Session-Id.
    bool initialized = false;
};

class McpServer {
  public:
    explicit McpServer(ServerInfo info = {}, ServerLimits limits = {});

    /// Registers a tool. Call before serving (the registry is read without a lock). Throws
    /// std::invalid_argument on a bad or duplicate name or a missing handler.
    void addTool(ToolDeclaration tool);
    /// Hears of every tool call once it ran (on the handler's thread), and of each initialize
    /// (as a call of "initialize" with the clientInfo for arguments). Call before serving.
    void setCallObserver(CallObserver observer) { observer_ = std::move(observer); }

    /// Handles one body from a client. `connection` holds the client's handshake state (a 2025
    /// client's MCP session; a fresh one for each 2026 request is fine). Blocks while a tool
    /// runs; holds no lock meanwhile, so calls from many threads run side by side. Never throws
    /// on bad input. `http`: the Streamable HTTP headers to check against the body (null for
    /// the stdio bridge); over HTTP a 2026-07-28 method we lack is also a 404.
    /// `clientGone`: set when the client hung up (Streamable HTTP: the cancellation of its
    /// request); the call is cancelled and answers nothing.
    McpAnswer handle(std::string_view body, McpConnection& connection, const CallerInfo& caller,
                     const Notify& notify, const HttpHeaders* http = nullptr,
                     std::shared_ptr<const std::atomic<bool>> clientGone = nullptr);

    /// Cancels the running call `requestId` of `scope`, as notifications/cancelled does. False
    /// when no such call runs.
    bool cancel(std::string_view scope, const boost::json::value& requestId);

    const ServerInfo& info() const { return info_; }
    std::size_t callsInFlight() const { return calls_.size(); }

  private:
    struct Exchange;
    struct Outcome;

    McpAnswer handleMessage(const RpcMessage& message, McpConnection& connection,
                            const CallerInfo& caller, const Notify& notify, const HttpHeaders* http,
                            std::shared_ptr<const std::atomic<bool>> clientGone);
    void handleNotification(const RpcMessage& message, McpConnection& connection,
                            const CallerInfo& caller);
    Outcome initialize(const RpcMessage& message, McpConnection& connection) const;
    void recordConnect(const RpcMessage& message, const CallerInfo& caller) const;
    Outcome dispatch(const Exchange& exchange);
    Outcome discover() const;
    Outcome listTools(const Exchange& exchange) const;
    Outcome callTool(const Exchange& exchange);
    Outcome runTool(const ToolDeclaration& tool, const boost::json::object& arguments,
                    const Exchange& exchange);
    static Outcome invoke(const ToolDeclaration& tool, const boost::json::object& arguments,
                          const CallContext& context);
    boost::json::object serverIdentity() const;
    void finish(const RpcMessage& message, const VersionRules* rules, Outcome outcome,
                McpAnswer& answer) const;

    ServerInfo info_;
    ServerLimits limits_;
    std::map<std::string, ToolDeclaration, std::less<>> tools_;  ///< by name: tools/list's order
    InFlightCalls calls_;
    CallObserver observer_;
};

}  // namespace parawork::mcp
