// session_wait and exec: the two long calls, with progress while they run.
#include "mcp/tools/session_wait.hpp"

#include <algorithm>
#include <future>

#include "api/entity_json.hpp"
#include "core/error.hpp"
#include "store/sessions.hpp"

namespace parawork::mcp::tools {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// How often the session is looked at: the store and the port list are cheap to read.
constexpr milliseconds kPortPollInterval{50};
constexpr milliseconds kCancelCheck{100};
/// How often progress (the time waited so far) is reported.
constexpr milliseconds kProgressInterval{1000};

bool hasEnded(const core::Session& session) {
    return session.status == core::SessionStatus::Completed ||
           session.status == core::SessionStatus::Failed;
}

/// The preview URL of `port` (0: any port) when the session listens on it.
std::optional<std::string> readyPort(const ToolServices& services, const std::string& sessionId,
                                     std::uint16_t port) {
    auto ports = services.ports.sessionPorts(sessionId);
    if (!ports) return std::nullopt;
    for (const auto& entry : *ports) {
        const auto& item = entry.as_object();
        if ((port == 0 || item.at("port").to_number<std::int64_t>() == port) &&
            item.at("state").as_string() == "listening")
            return std::string(item.at("url").as_string());
    }
    return std::nullopt;
}

bool reached(const core::Session& session, WaitGoal goal, std::optional<std::string>& url,
             const ToolServices& services) {
    switch (goal.until) {
        case WaitUntil::Ended:
            return hasEnded(session);
        case WaitUntil::Waiting:
            return session.activity.state == core::ActivityState::Waiting;
        case WaitUntil::Idle:
            return session.activity.state == core::ActivityState::Idle;
        case WaitUntil::Port:
            url = readyPort(services, session.id, goal.port);
            return url.has_value();
    }
    return false;
}

WaitUntil parseUntil(std::string_view text) {
    if (text == "waiting") return WaitUntil::Waiting;
    if (text == "idle") return WaitUntil::Idle;
    if (text == "port") return WaitUntil::Port;
    return WaitUntil::Ended;
}

ToolDeclaration waitTool(const Services& s) {
    return {
        .name = "session_wait",
        .title = "Wait for a session",
        .description =
            "Waits until the session's agent waits for input, is idle, the "
            "session has ended, or a port of it is ready (until: port; with port, that one); "
            "at most timeoutMs (default 60 s). A timeout answers timedOut: true.",
        .input = {sessionIdArg(),
                  required("until",
                           text("What to wait for").oneOf({"waiting", "idle", "ended", "port"})),
                  optional("port", integer("For until: port, the port (default: any port the "
                                           "session listens on)")
                                       .between(1, 65535)),
                  optional("timeoutMs", integer("How long at most").between(0, kMaxWaitMs))},
        .output = waitOutput(),
        .hints = {.readOnly = true, .idempotent = true},
        .handler = [s](const json::object& args, const CallContext& context) {
            auto id = textArg(args, "sessionId");
            Reach(*s).session(context, id);
            WaitGoal goal{.until = parseUntil(args.at("until").as_string())};
            auto port = optionalInteger(args, "port");
            goal.port = static_cast<std::uint16_t>(port.value_or(0));
            milliseconds timeout(optionalInteger(args, "timeoutMs").value_or(60'000));
            return ToolResult::ok(waitForSession(*s, id, goal, timeout, context));
        }};
}

json::object execResult(const session::CommandResult& result) {
    json::object out = session::toJson(result);
    // exitCode and signal are left out rather than null: one of them is unset.
    for (const char* key : {"exitCode", "signal"})
        if (out.at(key).is_null()) out.erase(key);
    return out;
}

/// Runs `run` on its own thread and reports the time spent every second until it is done.
session::CommandResult withProgress(const std::function<session::CommandResult()>& run,
                                    const CallContext& context) {
    auto started = Clock::now();
    auto done = std::async(std::launch::async, run);
    while (done.wait_for(kProgressInterval) != std::future_status::ready) {
        auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
        context.progress(static_cast<double>(elapsed.count()), std::nullopt,
                         "running for " + std::to_string(elapsed.count() / 1000) + " s");
    }
    return done.get();
}

ToolDeclaration execTool(const Services& s) {
    return {
        .name = "exec",
        .title = "Run a command to completion",
        .description =
            "Runs an argv (no shell) in a workspace's directory and environment, "
            "or in a session's (sessionId), and answers its stdout, stderr "
            "(8 MiB each at most) and exit code.",
        .input = {optional("workspaceId", text("Where to run").lengthBetween(1, 64)),
                  optional("sessionId", text("Or: in this session's place").lengthBetween(1, 64)),
                  required("command", textList("The argv").items(256).maxChars(64 << 10)),
                  optional(
                      "timeoutMs",
                      integer("At most (default 60 s)").between(1, session::kMaxExecTimeoutMs)),
                  optional("stdin",
                           text("Its standard input").maxChars(session::kMaxExecStdinBytes)),
                  optional("env", textList("NAME=value items").items(256).maxChars(64 << 10))},
        .output = Shape{required("stdout", text("Its standard output")),
                        required("stderr", text("Its standard error")),
                        optional("exitCode", integer("When it exited")),
                        optional("signal", integer("When a signal ended it")),
                        required("timedOut", boolean("Killed at the timeout")),
                        required("durationMs", integer("How long it ran")),
                        required("truncated", boolean("Output past the bound was dropped"))},
        .hints = {.openWorld = true},
        .handler = [s](const json::object& args, const CallContext& context) {
            auto workspaceId = optionalText(args, "workspaceId");
            auto sessionId = optionalText(args, "sessionId");
            if (!workspaceId == !sessionId)
                throw core::ServiceError(400, "Give either workspaceId or sessionId");
            session::ExecRequest request;
            request.argv = listArg(args, "command");
            request.timeout = milliseconds(
                optionalInteger(args, "timeoutMs").value_or(session::kDefaultExecTimeoutMs));
            request.stdinData = optionalText(args, "stdin");
            request.env = envArg(args, "env");
            request.cancelled = [&context] { return context.isCancelled(); };
            if (sessionId) Reach(*s).session(context, *sessionId);
            if (workspaceId) Reach(*s).workspace(context, *workspaceId);
            auto result = withProgress(
                [&] {
                    return sessionId ? s->exec.inSession(*sessionId, request)
                                     : s->exec.inWorkspace(*workspaceId, request);
                },
                context);
            return ToolResult::ok(execResult(result));
        }};
}

}  // namespace

json::object waitForSession(const ToolServices& services, const std::string& sessionId,
                            WaitGoal goal, milliseconds timeout, const CallContext& context) {
    auto started = Clock::now();
    auto lastProgress = started;
    std::optional<std::string> url;
    for (;;) {
        auto changes = services.changes.generation();  // before looking: no change is missed
        auto session = store::findSession(services.db, sessionId);
        if (!session) throw core::ServiceError(404, "Session not found");
        bool met = reached(*session, goal, url, services);
        auto now = Clock::now();
        auto elapsed = std::chrono::duration_cast<milliseconds>(now - started);
        bool over = elapsed >= timeout || context.isCancelled();
        if (met || hasEnded(*session) || over) {
            json::object out{{"session", api::toJson(*session)},
                             {"reached", met},
                             {"state", core::toString(session->activity.state)},
                             {"timedOut", !met && !hasEnded(*session) && over},
                             {"elapsedMs", elapsed.count()}};
            if (url) out["url"] = *url;
            return out;
        }
        if (now - lastProgress >= kProgressInterval) {
            lastProgress = now;
            context.progress(static_cast<double>(elapsed.count()),
                             static_cast<double>(timeout.count()),
                             "waited " + std::to_string(elapsed.count() / 1000) + " s");
        }
        // Woken by any session's change; a port's readiness is not one of them (polled), nor a
        // cancellation (seen within the slice).
        auto slice = goal.until == WaitUntil::Port ? kPortPollInterval : kCancelCheck;
        services.changes.waitAfter(changes, std::min(started + timeout, now + slice));
    }
}

Shape waitOutput() {
    return {required("session", sessionObject("The session as the REST API shows it")),
            optional("reached", boolean("The goal was met")),
            optional("state", text("Its activity state then")),
            optional("timedOut", boolean("The timeout passed first")),
            optional("elapsedMs", integer("How long it waited")),
            optional("url", text("The ready port's preview URL"))};
}

void addWaitTools(McpServer& server, const Services& s) {
    server.addTool(waitTool(s));
    server.addTool(execTool(s));
}

}  // namespace parawork::mcp::tools
