// session_run, session_list, session_output, session_screen, session_send, session_stop: the
// session and workspace services' start, list, readOutput, screen, sendKeys and stop.
#include <algorithm>
#include <chrono>

#include "api/body_fields.hpp"
#include "api/entity_json.hpp"
#include "api/limits_body.hpp"
#include "api/screen_routes.hpp"
#include "core/error.hpp"
#include "mcp/tools/session_wait.hpp"
#include "mcp/tools/tool_support.hpp"
#include "session/output_events.hpp"
#include "store/sessions.hpp"

namespace parawork::mcp::tools {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMaxOutputRead = 256 << 10;
constexpr std::size_t kMaxSessionList = 1000;
/// session_output's longest wait for output (a long-poll, so an agent need not poll).
constexpr std::int64_t kMaxOutputWaitMs = 60'000;
/// How soon a waiting call notices its cancellation (output and ends wake it at once).
constexpr auto kCancelCheck = std::chrono::milliseconds(100);

/// What to run: the command as given, else the agent profile's launch with the prompt.
void readProgram(const Services& s, const json::object& args, session::StartRequest& start) {
    auto command = listArg(args, "command");
    auto agentType = optionalText(args, "agentType");
    if (command.empty() && !agentType)
        throw core::ServiceError(400, "Give a command (argv) or an agentType");
    start.kind = agentType ? core::SessionKind::Agent : core::SessionKind::Command;
    start.agentType = agentType.value_or("command");
    start.initialPrompt = optionalText(args, "prompt");
    if (!command.empty()) {
        start.argv = std::move(command);
        return;
    }
    auto launch = s->workspaces.agentLaunch(start.agentType, start.initialPrompt);
    start.argv = std::move(launch.argv);
    start.typedInput = std::move(launch.typedPrompt);
}

/// The run's limits over the workspace's parawork.toml [limits], read as POST /sessions does.
core::ResourceLimits limitsOf(const Services& s, const json::object& args,
                              const std::string& workspaceId) {
    try {
        return api::sessionLimits(json::value(args), s->db, workspaceId);
    } catch (const api::BadRequest& e) {
        throw core::ServiceError(400, e.what());
    }
}

ToolResult runSession(const Services& s, const json::object& args, const CallContext& context) {
    session::StartRequest start;
    start.workspaceId = textArg(args, "workspaceId");
    Reach(*s).workspace(context, start.workspaceId);
    s->workspaces.precheckStart(start.workspaceId, args.contains("agentType"));
    readProgram(s, args, start);
    start.env = envArg(args, "env");
    for (const auto& port : args.contains("ports") ? args.at("ports").as_array() : json::array{})
        start.ports.push_back(static_cast<std::uint16_t>(port.to_number<std::int64_t>()));
    start.limits = limitsOf(s, args, start.workspaceId);
    start.name = optionalText(args, "name");
    // The calling agent's session becomes the new one's parent (issue 21 §4), when it is ours.
    if (context.caller.sessionId && store::findSession(s->db, *context.caller.sessionId))
        start.parentSessionId = context.caller.sessionId;
    auto started = s->workspaces.startSession(std::move(start), false);
    if (optionalBool(args, "detached").value_or(true))
        return ToolResult::ok({{"session", api::toJson(started)}});
    auto waited = waitForSession(*s, started.id, WaitGoal{.until = WaitUntil::Ended},
                                 std::chrono::milliseconds(kMaxWaitMs), context);
    return ToolResult::ok(std::move(waited));
}

ToolDeclaration runTool(const Services& s) {
    return {
        .name = "session_run",
        .title = "Run a session",
        .description =
            "Starts a command (argv) or an agent with a prompt in a workspace, in a terminal that "
            "people see in parawork too. detached (default true) returns at once; false waits "
            "for its end (at most 10 minutes).",
        .input = {workspaceIdArg(),
                  optional("command", textList("The argv, no shell").items(256).maxChars(64 << 10)),
                  optional("agentType",
                           text("An agent profile (claude, codex...)").lengthBetween(1, 64)),
                  optional("prompt", text("The agent's first prompt").maxChars(1 << 20)),
                  optional("env", textList("NAME=value items").items(256).maxChars(64 << 10)),
                  optional("ports", integerList("Ports it will serve").items(16).between(1, 65535)),
                  optional("limits",
                           object("Resource limits",
                                  {optional("memory", text("e.g. \"2G\"").lengthBetween(1, 32)),
                                   optional("cpu", text("e.g. \"150%\"").lengthBetween(1, 32)),
                                   optional("timeout", text("e.g. \"2h\"").lengthBetween(1, 32)),
                                   optional("pids", integer("Processes").between(1, 1 << 22))})),
                  optional("name", text("A name for people").lengthBetween(1, 255)),
                  optional("detached", boolean("Return at once (default true)"))},
        .output = waitOutput(),
        .hints = {.openWorld = true},
        .handler = [s](const json::object& args, const CallContext& context) {
            return runSession(s, args, context);
        }};
}

ToolDeclaration listTool(const Services& s) {
    return {.name = "session_list",
            .title = "List sessions",
            .description = "A workspace's sessions, or the active sessions of every workspace.",
            .input = {optional("workspaceId", text("Only this workspace's").lengthBetween(1, 64))},
            .output = Shape{required(
                "sessions",
                objectList("Sessions as the REST API shows them", sessionFields()).openEnded())},
            .hints = {.readOnly = true, .idempotent = true},
            .handler = [s](const json::object& args, const CallContext& context) {
                auto workspaceId = optionalText(args, "workspaceId");
                if (auto own = Reach(*s).confinedTo(context); own && !workspaceId)
                    workspaceId = own;
                if (workspaceId) Reach(*s).workspace(context, *workspaceId);
                auto sessions = workspaceId ? store::listSessionsByWorkspace(s->db, *workspaceId)
                                            : store::listSessions(s->db, true, kMaxSessionList);
                return ToolResult::ok({{"sessions", api::toJsonArray(sessions)}});
            }};
}

ToolResult readOutput(const Services& s, const json::object& args, const CallContext& context) {
    auto id = textArg(args, "sessionId");
    Reach(*s).session(context, id);
    auto offset = static_cast<std::uint64_t>(optionalInteger(args, "offset").value_or(0));
    auto limit = static_cast<std::size_t>(optionalInteger(args, "maxBytes").value_or(64 << 10));
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(optionalInteger(args, "waitMs").value_or(0));
    auto changes = s->changes.generation();  // before reading: no change is missed
    auto read = s->sessions.readOutput(id, offset, limit);
    auto state = s->sessions.outputState(id);
    if (!state || !read) throw core::ServiceError(404, "Session not found");
    // waitMs: until there is output past `offset`, the session ends, or the time is up. Woken
    // by any session's change; a cancellation is seen within kCancelCheck.
    while (read->bytes.empty() && !state->ended && !context.isCancelled() &&
           std::chrono::steady_clock::now() < deadline) {
        changes = s->changes.waitAfter(
            changes, std::min(deadline, std::chrono::steady_clock::now() + kCancelCheck));
        read = s->sessions.readOutput(id, offset, limit);
        state = s->sessions.outputState(id);
        if (!state || !read) throw core::ServiceError(404, "Session not found");
    }
    // It may have printed its last bytes between the read and the end: read once more.
    if (read->bytes.empty() && state->ended) read = s->sessions.readOutput(id, offset, limit);
    if (!read) throw core::ServiceError(404, "Session not found");
    // JSON strings are UTF-8: an incomplete trailing sequence is left for the next read.
    std::string pending;
    auto text = session::takeUtf8(pending, read->bytes);
    return ToolResult::ok({{"text", std::move(text)},
                           {"offset", read->offset},
                           {"nextOffset", read->nextOffset - pending.size()},
                           {"endOffset", state->endOffset},
                           {"ended", state->ended && read->nextOffset >= state->endOffset}});
}

ToolDeclaration outputTool(const Services& s) {
    return {.name = "session_output",
            .title = "Read a session's output",
            .description =
                "The terminal output from offset on (raw, escape sequences included); "
                "read on from nextOffset. ended: the session has ended and this is "
                "the last of it. waitMs: wait that long at most for output when there is "
                "none past offset yet (instead of calling again).",
            .input = {sessionIdArg(), optional("offset", integer("Where to start").atLeast(0)),
                      optional("maxBytes",
                               integer("At most (default 64 KiB)").between(1, kMaxOutputRead)),
                      optional("waitMs", integer("Wait for output at most this long (default 0)")
                                             .between(0, kMaxOutputWaitMs))},
            .output = Shape{required("text", text("The output, valid UTF-8")),
                            required("offset", integer("Where it starts (older output may have "
                                                       "been dropped)")),
                            required("nextOffset", integer("Where the next read starts")),
                            required("endOffset", integer("The output's end so far")),
                            required("ended", boolean("Nothing more will come"))},
            .hints = {.readOnly = true, .idempotent = true},
            .handler = [s](const json::object& args, const CallContext& context) {
                return readOutput(s, args, context);
            }};
}

ToolDeclaration screenTool(const Services& s) {
    Shape cursor{required("row", integer("Row")), required("col", integer("Column")),
                 required("visible", boolean("Shown"))};
    return {.name = "session_screen",
            .title = "Read a session's screen",
            .description =
                "The terminal's screen as text lines, its cursor and title (what a "
                "person sees now).",
            .input = {sessionIdArg()},
            .output = Shape{required("offset", integer("The output offset it stands for")),
                            required("cols", integer("Columns")), required("rows", integer("Rows")),
                            required("cursor", object("The cursor", std::move(cursor))),
                            required("altScreen", boolean("A full-screen program's screen")),
                            required("title", text("The window title")),
                            required("lines", textList("One per row")),
                            required("text", text("The lines down to the last with text"))},
            .hints = {.readOnly = true, .idempotent = true},
            .handler = [s](const json::object& args, const CallContext& context) {
                auto id = textArg(args, "sessionId");
                Reach(*s).session(context, id);
                return ToolResult::ok(api::screenJson(s->sessions.screen(id)));
            }};
}

ToolDeclaration sendTool(const Services& s) {
    return {
        .name = "session_send",
        .title = "Type into a session",
        .description =
            "Types text (as is), then keys by name (Enter, Escape, Up, C-c... as "
            "`parawork send-keys`) into the session's terminal.",
        .input = {sessionIdArg(), optional("text", text("Typed as is").lengthBetween(1, 64 << 10)),
                  optional("keys", textList("Key names").items(256).lengthBetween(1, 64))},
        .output = Shape{required("sent", boolean("Always true"))},
        .hints = {},
        .handler = [s](const json::object& args, const CallContext& context) {
            auto id = textArg(args, "sessionId");
            Reach(*s).session(context, id);
            auto text = optionalText(args, "text");
            auto keys = listArg(args, "keys");
            if (!text && keys.empty()) throw core::ServiceError(400, "Give text or keys");
            if (text) s->sessions.sendKeys(id, {*text}, true);
            if (!keys.empty()) s->sessions.sendKeys(id, keys, false);
            return ToolResult::ok({{"sent", true}});
        }};
}

ToolDeclaration stopTool(const Services& s) {
    return {.name = "session_stop",
            .title = "Stop a session",
            .description = "SIGTERM to its processes, SIGKILL after the grace period.",
            .input = {sessionIdArg()},
            .output = Shape{required("session", sessionObject("The session as recorded"))},
            .hints = {.destructive = true},
            .handler = [s](const json::object& args, const CallContext& context) {
                auto id = textArg(args, "sessionId");
                Reach(*s).session(context, id);
                auto stopped = s->sessions.stop(id);
                if (!stopped) throw core::ServiceError(404, "Session not found");
                if (stopped->alreadyEnded)
                    throw core::ServiceError(
                        409, "Session already ended (" +
                                 std::string(core::toString(stopped->session.status)) + ")");
                return ToolResult::ok({{"session", api::toJson(stopped->session)}});
            }};
}

}  // namespace

void addSessionTools(McpServer& server, const Services& s) {
    server.addTool(runTool(s));
    server.addTool(listTool(s));
    server.addTool(outputTool(s));
    server.addTool(screenTool(s));
    server.addTool(sendTool(s));
    server.addTool(stopTool(s));
}

}  // namespace parawork::mcp::tools
