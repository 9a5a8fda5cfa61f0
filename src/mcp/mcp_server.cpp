#include "mcp/mcp_server.hpp"

#include <cmath>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <boost/json/serialize.hpp>

#include "core/error.hpp"

namespace parawork::mcp {
namespace json = boost::json;
namespace {

constexpr std::string_view kVersionKey = "io.modelcontextprotocol/protocolVersion";
constexpr std::string_view kCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";
constexpr std::string_view kServerInfoKey = "io.modelcontextprotocol/serverInfo";
constexpr unsigned kOk = 200;
constexpr unsigned kAccepted = 202;
constexpr unsigned kBadRequest = 400;
constexpr unsigned kNotFound = 404;
// tools/list and server/discover may hold caller-specific data later (confinement): never let a
// shared cache serve them across tokens.
constexpr std::string_view kCacheScope = "private";

const json::object* metaOf(const json::object& params) {
    const auto* meta = params.if_contains("_meta");
    return meta && meta->is_object() ? &meta->get_object() : nullptr;
}

json::array versionList() {
    json::array versions;
    for (const auto& rules : supportedVersions()) versions.emplace_back(rules.version);
    return versions;
}

/// A 2026-07-28 request names its version in _meta; the server answers each on its own.
std::optional<VersionRules> readMetaVersion(const json::object& meta, const json::value& requested,
                                            RpcError& error) {
    if (!requested.is_string()) {
        error = {rpc::kInvalidParams,
                 "Invalid params: _meta[\"" + std::string(kVersionKey) + "\"] must be a string",
                 std::nullopt};
        return std::nullopt;
    }
    auto rules = rulesFor(requested.get_string());
    if (!rules) {
        error = {rpc::kUnsupportedProtocolVersion, "Unsupported protocol version",
                 json::object{{"supported", versionList()}, {"requested", requested}}};
        return std::nullopt;
    }
    const auto* capabilities = meta.if_contains(kCapabilitiesKey);
    if (rules->stateless && !(capabilities && capabilities->is_object())) {
        error = {rpc::kInvalidParams,
                 "Invalid params: _meta[\"" + std::string(kCapabilitiesKey) +
                     "\"] is required (an empty object when the client has none)",
                 std::nullopt};
        return std::nullopt;
    }
    return rules;
}

/// The rules a request is served by: its _meta's version (2026-07-28, stateless), else the
/// version its connection's initialize agreed (2025). A request with neither is malformed.
std::optional<VersionRules> resolveVersion(const RpcMessage& message,
                                           const McpConnection& connection, RpcError& error) {
    const auto* meta = metaOf(message.params);
    if (const auto* requested = meta ? meta->if_contains(kVersionKey) : nullptr)
        return readMetaVersion(*meta, *requested, error);
    if (auto version = connection.negotiatedVersion()) return rulesFor(*version);
    // A 2025 client may ping before initialize (lifecycle.mdx).
    if (message.method == "ping") return rulesFor(negotiateHandshake({}));
    error = {rpc::kInvalidParams,
             "Invalid params: missing _meta[\"" + std::string(kVersionKey) +
                 "\"] (2026-07-28 requests carry it; 2025 clients send initialize first)",
             std::nullopt};
    return std::nullopt;
}

/// Progress goes out as JSON numbers; whole values as integers ("50", not "5E1").
json::value progressNumber(double value) {
    if (std::trunc(value) == value && std::fabs(value) < 9.0e15)
        return static_cast<std::int64_t>(value);
    return value;
}

/// The notifications/progress of one call: only with a progressToken, increasing, and never
/// after the call ended or was cancelled (progress.mdx, cancellation.mdx).
class ProgressChannel : public std::enable_shared_from_this<ProgressChannel> {
  public:
    ProgressChannel(std::optional<json::value> token, Notify notify,
                    std::function<bool()> cancelled)
        : token_(std::move(token)), notify_(std::move(notify)), cancelled_(std::move(cancelled)) {}

    ProgressSink sink() {
        return [self = shared_from_this()](double progress, std::optional<double> total,
                                           std::string message) {
            self->send(progress, total, std::move(message));
        };
    }

    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }

  private:
    void send(double progress, std::optional<double> total, std::string message) {
        std::lock_guard lock(mutex_);  // held while sending: notifications leave in order
        if (!token_ || !notify_ || closed_ || cancelled_()) return;
        if (!std::isfinite(progress) || (last_ && progress <= *last_)) return;
        last_ = progress;
        json::object params{{"progressToken", *token_}, {"progress", progressNumber(progress)}};
        if (total && std::isfinite(*total)) params["total"] = progressNumber(*total);
        if (!message.empty()) params["message"] = std::move(message);
        notify_(json::serialize(notificationMessage("notifications/progress", std::move(params))));
    }

    std::mutex mutex_;
    std::optional<json::value> token_;
    Notify notify_;
    std::function<bool()> cancelled_;
    std::optional<double> last_;
    bool closed_ = false;
};

std::optional<json::value> progressToken(const json::object& params) {
    const auto* meta = metaOf(params);
    const auto* token = meta ? meta->if_contains("progressToken") : nullptr;
    if (token && isValidId(*token)) return *token;
    return std::nullopt;
}

}  // namespace

/// A method's result, a protocol error, or neither (a cancelled call: no answer).
struct McpServer::Outcome {
    std::optional<json::object> result;
    std::optional<RpcError> error;
    unsigned httpStatus = kOk;

    static Outcome ok(json::object result) { return {std::move(result), std::nullopt, kOk}; }
    static Outcome fail(int code, std::string message, unsigned status = kOk) {
        return {std::nullopt, RpcError{code, std::move(message), std::nullopt}, status};
    }
};

/// One request being served.
struct McpServer::Exchange {
    const RpcMessage& message;
    VersionRules rules;
    const CallerInfo& caller;
    const Notify& notify;
    std::shared_ptr<const std::atomic<bool>> clientGone;
};

McpServer::McpServer(ServerInfo info, ServerLimits limits)
    : info_(std::move(info)), limits_(limits), calls_(limits.maxCallsInFlight) {
    if (info_.version.empty()) info_.version = PARAWORK_VERSION;
}

void McpServer::addTool(ToolDeclaration tool) {
    checkToolName(tool.name);
    if (!tool.handler) throw std::invalid_argument("tool " + tool.name + " has no handler");
    auto name = tool.name;
    if (!tools_.emplace(name, std::move(tool)).second)
        throw std::invalid_argument("tool " + name + " is declared twice");
}

bool McpServer::cancel(std::string_view scope, const json::value& requestId) {
    return calls_.cancel(scope, requestId);
}

McpAnswer McpServer::handle(std::string_view body, McpConnection& connection,
                            const CallerInfo& caller, const Notify& notify, const HttpHeaders* http,
                            std::shared_ptr<const std::atomic<bool>> clientGone) {
    RpcBody parsed = parseBody(body, limits_.rpc);
    if (parsed.failure) return {json::serialize(*parsed.failure), kBadRequest, false};
    if (parsed.isBatch) {
        RpcError refusal{rpc::kInvalidRequest,
                         "Invalid Request: JSON-RPC batches are not part of MCP since 2025-06-18; "
                         "send one message per request",
                         std::nullopt};
        return {json::serialize(errorAnswer(nullptr, refusal)), kBadRequest, false};
    }
    const RpcEntry& entry = parsed.entries.front();
    if (entry.errorAnswer) return {json::serialize(*entry.errorAnswer), kBadRequest, false};
    if (!entry.message) return {std::nullopt, kAccepted, false};  // a response: nothing to say
    return handleMessage(*entry.message, connection, caller, notify, http, std::move(clientGone));
}

McpAnswer McpServer::handleMessage(const RpcMessage& message, McpConnection& connection,
                                   const CallerInfo& caller, const Notify& notify,
                                   const HttpHeaders* http,
                                   std::shared_ptr<const std::atomic<bool>> clientGone) {
    McpAnswer answer;
    if (message.isNotification()) {
        handleNotification(message, connection, caller);
        answer.httpStatus = kAccepted;
        return answer;
    }
    if (message.method == "initialize") {
        Outcome outcome = initialize(message, connection);
        answer.initialized = outcome.result.has_value();
        if (answer.initialized) recordConnect(message, caller);
        finish(message, nullptr, std::move(outcome), answer);
        return answer;
    }
    RpcError error;
    auto rules = resolveVersion(message, connection, error);
    if (!rules) {
        finish(message, nullptr, Outcome{std::nullopt, std::move(error), kBadRequest}, answer);
        return answer;
    }
    if (auto refusal = http ? checkHeaders(*http, message, *rules) : std::optional<RpcError>{}) {
        finish(message, nullptr, Outcome{std::nullopt, std::move(refusal), kBadRequest}, answer);
        return answer;
    }
    Exchange exchange{message, *rules, caller, notify, std::move(clientGone)};
    Outcome outcome = dispatch(exchange);
    // Streamable HTTP 2026-07-28: "If the server does not implement the requested RPC method,
    // it MUST respond with 404 Not Found" (and -32601 in the body).
    if (http && rules->stateless && outcome.error && outcome.error->code == rpc::kMethodNotFound)
        outcome.httpStatus = kNotFound;
    finish(message, &*rules, std::move(outcome), answer);
    return answer;
}

void McpServer::handleNotification(const RpcMessage& message, McpConnection& connection,
                                   const CallerInfo& caller) {
    if (message.method == "notifications/initialized") {
        connection.markReady();
    } else if (message.method == "notifications/cancelled") {
        const auto* id = message.params.if_contains("requestId");
        if (id && isValidId(*id)) calls_.cancel(caller.scope, *id);
    }
    // Any other notification is ignored: notifications get no answer, not even an error.
}

// A client's connection goes into the caller's history too: an agent that was given the server
// shows it took it, before any call.
void McpServer::recordConnect(const RpcMessage& message, const CallerInfo& caller) const {
    if (!observer_) return;
    const auto* info = message.params.if_contains("clientInfo");
    static const json::object kNone;
    const json::object& client = info && info->is_object() ? info->get_object() : kNone;
    try {
        observer_({caller, "initialize", client, false, std::chrono::milliseconds(0)});
    } catch (const std::exception&) {
        // The history is a record: it never changes the answer.
    }
}

McpServer::Outcome McpServer::initialize(const RpcMessage& message,
                                         McpConnection& connection) const {
    const auto* requested = message.params.if_contains("protocolVersion");
    if (!requested || !requested->is_string())
        return Outcome::fail(rpc::kInvalidParams,
                             "Invalid params: initialize needs params.protocolVersion (a string)");
    std::string version(negotiateHandshake(requested->get_string()));
    if (!connection.initialize(version))
        return Outcome::fail(rpc::kInvalidRequest,
                             "Invalid Request: this connection is already initialized");
    json::object result{
        {"protocolVersion", version},
        {"capabilities", json::object{{"tools", json::object{{"listChanged", false}}}}},
        {"serverInfo", serverIdentity()}};
    if (!info_.instructions.empty()) result["instructions"] = info_.instructions;
    return Outcome::ok(std::move(result));
}

McpServer::Outcome McpServer::dispatch(const Exchange& exchange) {
    const auto& method = exchange.message.method;
    if (method == "tools/call") return callTool(exchange);
    if (method == "tools/list") return listTools(exchange);
    // server/discover is 2026-07-28's; ping was removed in it.
    if (method == "server/discover" && exchange.rules.stateless) return discover();
    if (method == "ping" && !exchange.rules.stateless) return Outcome::ok({});
    return Outcome::fail(rpc::kMethodNotFound, "Method not found: " + method);
}

McpServer::Outcome McpServer::discover() const {
    json::object result{{"supportedVersions", versionList()},
                        {"capabilities", json::object{{"tools", json::object{}}}},
                        {"ttlMs", limits_.listTtlMs},
                        {"cacheScope", kCacheScope}};
    if (!info_.instructions.empty()) result["instructions"] = info_.instructions;
    return Outcome::ok(std::move(result));
}

McpServer::Outcome McpServer::listTools(const Exchange& exchange) const {
    // One page holds every tool, so no cursor is ever handed out: any cursor is invalid
    // (pagination.mdx: "Invalid cursors SHOULD result in an error with code -32602").
    const auto* cursor = exchange.message.params.if_contains("cursor");
    if (cursor && !cursor->is_null()) return Outcome::fail(rpc::kInvalidParams, "Invalid cursor");
    json::array tools;
    for (const auto& [name, tool] : tools_) tools.push_back(toolListing(tool));
    json::object result{{"tools", std::move(tools)}};
    if (exchange.rules.stateless) {
        result["ttlMs"] = limits_.listTtlMs;
        result["cacheScope"] = kCacheScope;
    }
    return Outcome::ok(std::move(result));
}

McpServer::Outcome McpServer::callTool(const Exchange& exchange) {
    const auto& params = exchange.message.params;
    const auto* name = params.if_contains("name");
    if (!name || !name->is_string())
        return Outcome::fail(rpc::kInvalidParams, "Invalid params: params.name must be a string");
    std::string toolName(name->get_string());
    auto it = tools_.find(toolName);
    if (it == tools_.end()) return Outcome::fail(rpc::kInvalidParams, "Unknown tool: " + toolName);
    const auto* raw = params.if_contains("arguments");
    if (raw && !raw->is_object() && !raw->is_null())
        return Outcome::fail(rpc::kInvalidParams,
                             "Invalid params: params.arguments must be an object");
    json::object arguments = raw && raw->is_object() ? raw->get_object() : json::object{};
    if (auto problem = validate(it->second.input, arguments, "arguments")) {
        std::string message = "Invalid arguments for tool " + toolName + ": " + *problem;
        if (exchange.rules.argumentErrorsAreToolErrors)
            return Outcome::ok(callResult(ToolResult::error(message)));
        return Outcome::fail(rpc::kInvalidParams, message);
    }
    return runTool(it->second, arguments, exchange);
}

McpServer::Outcome McpServer::runTool(const ToolDeclaration& tool, const json::object& arguments,
                                      const Exchange& exchange) {
    RpcError refusal;
    auto ticket = calls_.enter(exchange.caller.scope, *exchange.message.id, refusal);
    if (!ticket) return Outcome{std::nullopt, std::move(refusal), kOk};
    CallContext context{exchange.caller, nullptr, ticket->cancelled(), exchange.clientGone};
    auto progress = std::make_shared<ProgressChannel>(
        progressToken(exchange.message.params), exchange.notify,
        [cancelled = context.cancelled, gone = context.clientGone] {
            return CallContext{{}, nullptr, cancelled, gone}.isCancelled();
        });
    context.progress = progress->sink();
    const auto started = std::chrono::steady_clock::now();
    Outcome outcome = invoke(tool, arguments, context);
    progress->close();
    bool cancelled = context.isCancelled();
    if (observer_) {
        bool failed = cancelled || outcome.error ||
                      (outcome.result && outcome.result->contains("isError") &&
                       outcome.result->at("isError").as_bool());
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        try {
            observer_({exchange.caller, tool.name, arguments, failed, took});
        } catch (const std::exception&) {
            // The history is a record: it never changes the answer.
        }
    }
    // A cancelled call gets no answer (cancellation.mdx: "Not send a response").
    if (cancelled) return Outcome{};
    return outcome;
}

McpServer::Outcome McpServer::invoke(const ToolDeclaration& tool, const json::object& arguments,
                                     const CallContext& context) {
    try {
        ToolResult result = tool.handler(arguments, context);
        if (!result.isError && tool.output) {
            if (auto problem = validate(*tool.output, result.structured, "structuredContent"))
                return Outcome::fail(
                    rpc::kInternalError,
                    "Internal error: tool " + tool.name + " broke its outputSchema: " + *problem);
        }
        return Outcome::ok(callResult(result));
    } catch (const core::ServiceError& e) {
        return Outcome::ok(callResult(ToolResult::error(e.what())));
    } catch (const core::Error& e) {
        return Outcome::ok(callResult(ToolResult::error(e.what())));
    } catch (const std::exception& e) {
        return Outcome::fail(rpc::kInternalError,
                             "Internal error: tool " + tool.name + " failed: " + e.what());
    }
}

json::object McpServer::serverIdentity() const {
    return {{"name", info_.name}, {"version", info_.version}};
}

void McpServer::finish(const RpcMessage& message, const VersionRules* rules, Outcome outcome,
                       McpAnswer& answer) const {
    if (outcome.error) {
        answer.body = json::serialize(errorAnswer(*message.id, *outcome.error));
        answer.httpStatus = outcome.httpStatus;
        return;
    }
    if (!outcome.result) {
        answer.httpStatus = kAccepted;
        return;
    }
    json::object result = std::move(*outcome.result);
    if (rules && rules->stateless) {
        result["resultType"] = "complete";
        auto& meta = result["_meta"];
        if (!meta.is_object()) meta.emplace_object();
        meta.get_object()[kServerInfoKey] = serverIdentity();
    }
    answer.body = json::serialize(resultAnswer(*message.id, std::move(result)));
}

}  // namespace parawork::mcp
