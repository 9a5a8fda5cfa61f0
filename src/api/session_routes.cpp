#include "api/session_routes.hpp"

#include <atomic>
#include <charconv>
#include <csignal>

#include "api/body_fields.hpp"
#include "api/entity_json.hpp"
#include "api/limits_body.hpp"
#include "api/project_defaults.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "deps/setup_plan.hpp"
#include "deps/setup_state.hpp"
#include "session/output_events.hpp"
#include "store/agent_logs.hpp"
#include "store/file_changes.hpp"
#include "store/messages.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;
constexpr std::size_t kMaxOutputRead = 4u << 20;
// GET /api/sessions answers at most this many (newest first): a bounded list (STYLE §8).
constexpr std::size_t kMaxSessionList = 1000;

std::optional<std::uint64_t> queryNumber(const Request& req, std::string_view name) {
    auto text = req.queryParam(name);
    if (!text || text->empty()) return std::nullopt;
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || end != text->data() + text->size())
        throw BadRequest(std::string(name) + ": expected a non-negative integer");
    return n;
}

/// 400 "Agent type X is not enabled" unless a profile by that name exists and is enabled.
const core::AgentProfile* enabledAgent(const std::vector<core::AgentProfile>& agents,
                                       const std::string& name) {
    const auto* profile = core::findAgent(agents, name);
    return profile && profile->enabled ? profile : nullptr;
}

/// The original's order of checks (§4.4): the workspace, then an active agent session, then the
/// body. (The service checks both again, atomically with the insert.)
std::optional<Response> precheckStart(Request& req, store::Database& db) {
    const std::string& id = req.params["id"];
    if (!store::findWorkspace(db, id)) return fail(404, "Workspace not found");
    const auto* kind = req.json.as_object().if_contains("kind");
    bool agent = !kind || !kind->is_string() || kind->as_string() == "agent";
    if (!agent) return std::nullopt;
    for (const auto& s : store::listActiveSessionsInWorkspace(db, id))
        if (s.kind == core::SessionKind::Agent)
            return fail(400, "Workspace already has an active session");
    return std::nullopt;
}

/// Requests that may wait for a setup at once: each holds a worker thread while it waits.
constexpr int kMaxSetupWaiters = 1;
/// What a setup's own `timeout` may take beyond the setup's limit to end it (--kill-after).
constexpr std::chrono::seconds kSetupEndGrace{15};

/// An agent starts after its workspace's setup (issue 9): while the setup runs, the start waits
/// for it (bounded by the setup's timeout); a setup that failed or timed out refuses the start
/// with a pointer to its log.
std::optional<Response> awaitSetup(store::Database& db, const std::string& workspaceId) {
    static std::atomic<int> waiters{0};
    auto state = deps::latestSetup(db, workspaceId);
    if (!state) return std::nullopt;
    if (state->running()) {
        struct Slot {  // released on every path
            bool held = waiters.fetch_add(1) < kMaxSetupWaiters;
            ~Slot() { waiters.fetch_sub(1); }
        } slot;
        if (!slot.held)
            return fail(409, "setup is still running: see `parawork logs " + state->sessionId +
                                 " -f`, and start the agent when it has finished");
        auto workspace = store::findWorkspace(db, workspaceId);
        auto bound = (workspace ? deps::setupTimeoutOf(*workspace) : deps::kDefaultSetupTimeout) +
                     kSetupEndGrace;
        state = deps::waitForSetup(db, workspaceId, bound);
    }
    if (auto problem = deps::setupProblem(*state)) return fail(424, *problem);
    return std::nullopt;
}

Response startSession(Request& req, store::Database& db, session::SessionService& sessions,
                      const std::vector<core::AgentProfile>& agents) {
    if (auto refused = precheckStart(req, db)) return *refused;
    session::StartRequest start;
    start.workspaceId = req.params["id"];
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
        const auto* profile = enabledAgent(agents, start.agentType);
        if (!profile) return fail(400, "Agent type " + start.agentType + " is not enabled");
        auto launch = core::agentLaunch(*profile, start.initialPrompt, false);
        start.argv = std::move(launch.argv);
        start.typedInput = std::move(launch.typedPrompt);
    }
    start.env = optionalStringMap(req.json, "env").value_or(std::map<std::string, std::string>{});
    start.ports = optionalPorts(req.json, "ports");
    // parawork.toml: [env] under the request's own; [run] ports when this is the [run] command.
    if (auto project = storedProjectConfig(db, start.workspaceId)) {
        for (const auto& [name, value] : project->env) start.env.try_emplace(name, value);
        if (start.ports.empty() && project->command && *project->command == start.argv)
            for (int port : project->ports) start.ports.push_back(static_cast<std::uint16_t>(port));
    }
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
    if (start.kind == core::SessionKind::Agent &&
        !optionalBool(req.json, "ignoreSetup").value_or(false)) {
        if (auto refused = awaitSetup(db, start.workspaceId)) return *refused;
    }
    try {
        return ok(toJson(sessions.start(start)), 201);
    } catch (const session::ServiceError& e) {
        return fail(e.status, e.what());
    }
}

/// A new session in the same workspace, starting with the original's messages (§4.4, §10).
/// Unlike the original, the agent continues its own previous conversation where its profile
/// knows how (claude --continue, codex resume --last, ...); a command session runs its command
/// again.
Response resumeSession(Request& req, store::Database& db, session::SessionService& sessions,
                       const std::vector<core::AgentProfile>& agents) {
    auto original = store::findSession(db, req.params["id"]);
    if (!original) return fail(404, "Session not found");
    if (original->kind == core::SessionKind::Terminal)
        return fail(400, "A user terminal cannot be resumed; start a new one");
    for (const auto& s : store::listActiveSessionsInWorkspace(db, original->workspaceId))
        if (s.kind == core::SessionKind::Agent)
            return fail(400, "Workspace already has an active session");
    if (!store::findWorkspace(db, original->workspaceId)) return fail(404, "Workspace not found");
    session::StartRequest start;
    start.workspaceId = original->workspaceId;
    start.kind = original->kind;
    start.agentType = original->agentType;
    start.resumeOf = original->id;
    start.name = original->name;
    if (const auto* profile = enabledAgent(agents, original->agentType)) {
        start.argv = core::agentLaunch(*profile, std::nullopt, true).argv;
    } else if (original->command && !original->command->empty() &&
               !core::findAgent(agents, original->agentType)) {
        start.argv = *original->command;
        if (original->cwd) start.cwd = *original->cwd;
        if (original->env) start.env = *original->env;
    } else {
        return fail(400, "Agent not enabled");
    }
    try {
        return ok(toJson(sessions.start(start)), 200);
    } catch (const session::ServiceError& e) {
        return fail(e.status, e.what());
    }
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

}  // namespace

void addSessionRoutes(Router& router, store::Database& db, session::SessionService& sessions,
                      const std::vector<core::AgentProfile>& agents) {
    router.add("GET", "/api/workspaces/:id/sessions", [&db](Request& req) {
        return ok(toJsonArray(store::listSessionsByWorkspace(db, req.params["id"])));
    });
    router.add("POST", "/api/workspaces/:id/sessions", [&db, &sessions, &agents](Request& req) {
        return startSession(req, db, sessions, agents);
    });
    router.add("POST", "/api/sessions/:id/resume", [&db, &sessions, &agents](Request& req) {
        return resumeSession(req, db, sessions, agents);
    });
    // The original opened macOS Terminal.app (and always failed, §4.4); we say what to use.
    router.add("POST", "/api/sessions/:id/open-terminal", [&db](Request& req) {
        auto session = store::findSession(db, req.params["id"]);
        if (!session) return fail(404, "Session not found");
        if (!store::findWorkspace(db, session->workspaceId))
            return fail(404, "Workspace not found");
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
    router.add("GET", "/api/sessions/:id/output",
               [&sessions](Request& req) { return readOutput(req, sessions); });
    router.add("GET", "/api/sessions/:id/logs", [&db](Request& req) {
        // As the original's parseInt: leading digits count; anything else ("abc"), 0 or a
        // negative number means no limit.
        std::optional<std::size_t> bound;
        if (auto text = req.queryParam("limit")) {
            std::size_t n = 0;
            auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
            if (ec == std::errc() && end != text->data() && n > 0) bound = n;
        }
        return ok(toJsonArray(store::listAgentLogsBySession(db, req.params["id"], bound)));
    });
    router.add("GET", "/api/sessions/:id/messages", [&db](Request& req) {
        return ok(toJsonArray(store::listMessagesBySession(db, req.params["id"])));
    });
    router.add("POST", "/api/sessions/:id/messages", [&db, &sessions](Request& req) {
        auto session = store::findSession(db, req.params["id"]);
        if (!session) return fail(404, "Session not found");
        core::Message message;
        message.id = core::newUuid();
        message.sessionId = session->id;
        message.role = core::MessageRole::User;
        message.content = requiredString(req.json, "content", 1);
        // Our extension: `submit: true` presses Enter after the text (the original wrote the
        // text only, which leaves a chat message typed but unsent in most agents).
        bool submit = optionalBool(req.json, "submit").value_or(false);
        message.timestamp = core::nowMs();
        store::insertMessage(db, message);
        if (sessions.input(session->id, message.content) && submit)
            sessions.input(session->id, "\r");
        return ok(toJson(message), 201);
    });
    router.add("GET", "/api/sessions/:id/changes", [&db](Request& req) {
        return ok(toJsonArray(store::listFileChangesBySession(db, req.params["id"])));
    });
    router.add("GET", "/api/sessions/:id/full-conversation", [&db](Request& req) {
        return ok(toJsonArray(store::fullConversation(db, req.params["id"])));
    });
}

}  // namespace parawork::api
