#include "api/session_routes.hpp"

#include <csignal>

#include <spdlog/spdlog.h>

#include "activity/activity_json.hpp"
#include "api/body_fields.hpp"
#include "api/entity_json.hpp"
#include "api/limits_body.hpp"
#include "api/query_number.hpp"
#include "api/screen_routes.hpp"
#include "api/service_answer.hpp"
#include "session/output_events.hpp"
#include "store/agent_logs.hpp"
#include "store/file_changes.hpp"
#include "store/messages.hpp"
#include "store/sessions.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;
constexpr std::size_t kMaxOutputRead = 4u << 20;
// GET /api/sessions answers at most this many (newest first): a bounded list (STYLE §8).
constexpr std::size_t kMaxSessionList = 1000;

std::optional<std::uint64_t> queryNumber(const Request& req, std::string_view name) {
    auto text = req.queryParam(name);
    if (!text || text->empty()) return std::nullopt;
    auto n = parseQueryNumber(*text);
    if (!n) throw BadRequest(std::string(name) + ": expected a non-negative integer");
    return n;
}

/// Whether the body asks for an agent session (the default kind).
bool startsAgent(const Request& req) {
    const auto* kind = req.json.as_object().if_contains("kind");
    return !kind || !kind->is_string() || kind->as_string() == "agent";
}

/// The body's kind, agentType, prompt and the command (given, or the agent profile's launch).
void readProgram(Request& req, session::StartRequest& start,
                 workspace::WorkspaceService& workspaces) {
    start.agentType = requiredString(req.json, "agentType", 1, 64);
    start.initialPrompt = optionalString(req.json, "initialPrompt", 0, 1u << 20);
    auto command = optionalStringArray(req.json, "command");
    if (command && command->empty()) throw BadRequest("command: must not be empty");
    if (auto kind = optionalString(req.json, "kind")) {
        auto parsed = core::parseSessionKind(*kind);
        if (!parsed || *parsed == core::SessionKind::Terminal)
            throw BadRequest("kind: expected agent, command or setup");
        start.kind = *parsed;
    }
    if (command) {
        start.argv = *command;
    } else {
        auto launch = workspaces.agentLaunch(start.agentType, start.initialPrompt);
        start.argv = std::move(launch.argv);
        start.typedInput = std::move(launch.typedPrompt);
    }
}

Response startSession(Request& req, store::Database& db, workspace::WorkspaceService& workspaces) {
    session::StartRequest start;
    start.workspaceId = req.params["id"];
    workspaces.precheckStart(start.workspaceId, startsAgent(req));
    readProgram(req, start, workspaces);
    start.env = optionalStringMap(req.json, "env").value_or(std::map<std::string, std::string>{});
    start.ports = optionalPorts(req.json, "ports");
    start.limits = sessionLimits(req.json, db, start.workspaceId);
    if (auto cwd = optionalString(req.json, "cwd", 1, 4096)) {
        std::error_code ec;
        auto real = std::filesystem::canonical(*cwd, ec);
        if (ec || !std::filesystem::is_directory(real))
            return fail(400, "cwd: not a directory: " + *cwd);
        start.cwd = real;
    }
    start.name = optionalString(req.json, "name", 1, 255);
    start.size.cols =
        static_cast<std::uint16_t>(optionalInteger(req.json, "cols", 1, 1000).value_or(120));
    start.size.rows =
        static_cast<std::uint16_t>(optionalInteger(req.json, "rows", 1, 1000).value_or(30));
    bool ignoreSetup = optionalBool(req.json, "ignoreSetup").value_or(false);
    return ok(toJson(workspaces.startSession(std::move(start), ignoreSetup)), 201);
}

/// POST /api/sessions/:id/messages. Our extension: `submit: true` presses Enter after the text
/// (the original wrote the text only, which leaves a chat message typed but unsent in most
/// agents).
Response sendMessage(Request& req, store::Database& db, session::SessionService& sessions) {
    if (!store::findSession(db, req.params["id"])) return fail(404, "Session not found");
    auto content = requiredString(req.json, "content", 1);
    bool submit = optionalBool(req.json, "submit").value_or(false);
    auto message = sessions.sendMessage(req.params["id"], std::move(content), submit);
    return message ? ok(toJson(*message), 201) : fail(404, "Session not found");
}

Response readOutput(Request& req, session::SessionService& sessions) {
    auto offset = queryNumber(req, "offset").value_or(0);
    auto limit =
        std::min<std::uint64_t>(queryNumber(req, "limit").value_or(1u << 20), kMaxOutputRead);
    auto state = sessions.outputState(req.params["id"]);
    auto read = sessions.readOutput(req.params["id"], offset, static_cast<std::size_t>(limit));
    if (!state || !read) return fail(404, "Session not found");
    // JSON strings are UTF-8: an incomplete trailing sequence is left for the next read.
    std::string pending;
    auto text = session::takeUtf8(pending, read->bytes);
    return ok(json::object{{"logs", text},
                           {"offset", read->offset},
                           {"nextOffset", read->nextOffset - pending.size()},
                           {"truncated", read->truncated},
                           {"endOffset", state->endOffset},
                           {"ended", state->ended}});
}

/// Listing, starting, resuming, reading and stopping sessions.
void addLifecycleRoutes(Router& router, store::Database& db, session::SessionService& sessions,
                        workspace::WorkspaceService& workspaces) {
    router.add("GET", "/api/workspaces/:id/sessions", [&db](Request& req) {
        return ok(toJsonArray(store::listSessionsByWorkspace(db, req.params["id"])));
    });
    router.add("POST", "/api/workspaces/:id/sessions", [&db, &workspaces](Request& req) {
        return answering([&] { return startSession(req, db, workspaces); });
    });
    // A new session in the same workspace, starting with the original's messages (§4.4, §10).
    router.add("POST", "/api/sessions/:id/resume", [&workspaces](Request& req) {
        return answering([&] { return ok(toJson(workspaces.resumeSession(req.params["id"]))); });
    });
    // The original opened macOS Terminal.app (and always failed, §4.4); we say what to use.
    router.add("POST", "/api/sessions/:id/open-terminal", [&db, &workspaces](Request& req) {
        auto session = store::findSession(db, req.params["id"]);
        if (!session) return fail(404, "Session not found");
        if (!workspaces.find(session->workspaceId)) return fail(404, "Workspace not found");
        return fail(501,
                    "Opening a desktop terminal is not supported: use the workspace's terminal "
                    "(POST /api/workspaces/:id/terminal) or `parawork attach`");
    });
    router.add("GET", "/api/workspaces/:id/sessions/history", [&db](Request& req) {
        return ok(toJsonArray(store::listSessionHistory(db, req.params["id"])));
    });
    // Ours, for the CLI: every kind in every workspace, active ones unless ?all=1.
    router.add("GET", "/api/sessions", [&db](Request& req) {
        auto all = req.queryParam("all");
        bool everything = all && (*all == "1" || *all == "true");
        return ok(toJsonArray(store::listSessions(db, !everything, kMaxSessionList)));
    });
    router.add("GET", "/api/sessions/:id", [&db](Request& req) {
        auto session = store::findSession(db, req.params["id"]);
        return session ? ok(toJson(*session)) : fail(404, "Session not found");
    });
    router.add("POST", "/api/sessions/:id/stop", [&sessions](Request& req) {
        auto stopped = sessions.stop(req.params["id"]);
        if (!stopped) return fail(404, "Session not found");
        if (stopped->alreadyEnded)
            return fail(409, "Session already ended (" +
                                 std::string(core::toString(stopped->session.status)) + ")");
        return ok(toJson(stopped->session));
    });
}

/// What reaches a running session's terminal: keys, its size, signals.
void addControlRoutes(Router& router, store::Database& db, session::SessionService& sessions) {
    router.add("POST", "/api/sessions/:id/input", [&db, &sessions](Request& req) {
        auto session = store::findSession(db, req.params["id"]);
        if (!session) return fail(404, "Session not found");
        if (session->status != core::SessionStatus::Running)
            return fail(400, "Session is not running");
        auto* input = req.json.as_object().if_contains("input");
        if (!input || !input->is_string()) return fail(400, "Input must be a string");
        if (!sessions.input(session->id, input->as_string()))
            return fail(500, "Failed to send input to agent");
        return ok(nullptr);
    });
    router.add("POST", "/api/sessions/:id/resize", [&sessions](Request& req) {
        auto cols = optionalInteger(req.json, "cols", 0, 65535);
        auto rows = optionalInteger(req.json, "rows", 0, 65535);
        if (!cols || !rows) return fail(400, "cols and rows are required");
        if (!sessions.resize(req.params["id"], static_cast<int>(*cols), static_cast<int>(*rows)))
            return fail(404, "Session not found or not running");
        return ok(nullptr);
    });
    router.add("POST", "/api/sessions/:id/signal", [&sessions](Request& req) {
        static const std::map<std::string, int> names{
            {"INT", SIGINT},   {"TERM", SIGTERM}, {"KILL", SIGKILL}, {"HUP", SIGHUP},
            {"QUIT", SIGQUIT}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"WINCH", SIGWINCH},
            {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}};
        auto name = requiredString(req.json, "signal", 1, 16);
        if (name.starts_with("SIG")) name = name.substr(3);
        auto it = names.find(name);
        if (it == names.end())
            return fail(400,
                        "signal: expected one of INT TERM KILL HUP QUIT USR1 USR2 WINCH CONT "
                        "STOP TSTP");
        if (!sessions.signal(req.params["id"], it->second))
            return fail(404, "Session not found or not running");
        return ok(nullptr);
    });
}

/// What a session left: its output, log lines, messages and file changes.
void addRecordRoutes(Router& router, store::Database& db, session::SessionService& sessions) {
    router.add("GET", "/api/sessions/:id/output",
               [&sessions](Request& req) { return readOutput(req, sessions); });
    router.add("GET", "/api/sessions/:id/logs", [&db](Request& req) {
        // As the original's parseInt: leading digits count; anything else ("abc"), 0 or a
        // negative number means no limit.
        std::optional<std::size_t> bound;
        if (auto text = req.queryParam("limit")) {
            auto n = parseQueryNumber(*text, NumberSyntax::LeadingDigits);
            if (n && *n > 0) bound = static_cast<std::size_t>(*n);
        }
        return ok(toJsonArray(store::listAgentLogsBySession(db, req.params["id"], bound)));
    });
    router.add("GET", "/api/sessions/:id/messages", [&db](Request& req) {
        return ok(toJsonArray(store::listMessagesBySession(db, req.params["id"])));
    });
    router.add("POST", "/api/sessions/:id/messages",
               [&db, &sessions](Request& req) { return sendMessage(req, db, sessions); });
    router.add("GET", "/api/sessions/:id/changes", [&db](Request& req) {
        return ok(toJsonArray(store::listFileChangesBySession(db, req.params["id"])));
    });
    router.add("GET", "/api/sessions/:id/full-conversation", [&db](Request& req) {
        return ok(toJsonArray(store::fullConversation(db, req.params["id"])));
    });
}

/// What an agent says of itself (issue 19): `parawork hook` posts its hook events here. The body
/// is the event as the agent wrote it (the server's 1 MiB body limit bounds it); a refusal is
/// logged, since the hook itself says nothing to anyone.
void addHookRoute(Router& router, session::SessionService& sessions) {
    router.add("POST", "/api/sessions/:id/hook", [&sessions](Request& req) {
        const auto& id = req.params["id"];
        try {
            return ok(activity::toJson(sessions.hookEvent(id, req.body)));
        } catch (const core::ServiceError& e) {
            spdlog::warn("hook event for session {} refused ({}): {}", id, e.status, e.what());
            return fail(e.status, e.what());
        }
    });
}

}  // namespace

void addSessionRoutes(Router& router, store::Database& db, session::SessionService& sessions,
                      workspace::WorkspaceService& workspaces) {
    addLifecycleRoutes(router, db, sessions, workspaces);
    addControlRoutes(router, db, sessions);
    addRecordRoutes(router, db, sessions);
    addScreenRoutes(router, sessions);
    addHookRoute(router, sessions);
}

}  // namespace parawork::api
