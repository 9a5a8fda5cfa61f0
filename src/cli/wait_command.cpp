// `parawork wait ID --until waiting|idle|turn-end|ended [--timeout D]`: blocks until a session's
// agent reaches a state (issue 19 §3), for scripts and for agents that steer other agents. It
// follows the workspace's `session_state_changed` events on the main WebSocket rather than
// polling: it subscribes first, then reads the session once, so no change can slip between the
// two; a slow re-read (kRecheck) covers an event the daemon dropped for a flooded client.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cli/activity_text.hpp"
#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"
#include "core/quantities.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// What `timeout(1)` (and `exec`) exit with when the time ran out.
constexpr int kExitTimedOut = 124;
/// The session ended without reaching the state asked for (it never will).
constexpr int kExitEnded = 3;
/// How often the session is read again even without an event.
constexpr auto kRecheck = 10s;

struct WaitOptions {
    std::string id, until = "turn-end", timeout;
};

/// The main WebSocket, subscribed to one workspace's events.
api::WsClient subscribe(const api::Endpoint& endpoint, const std::string& workspaceId) {
    auto ws = api::WsClient::connect(endpoint, "/api/ws");
    ws.sendText(json::serialize(
        json::object{{"type", "subscribe_workspace"}, {"data", {{"workspaceId", workspaceId}}}}));
    return ws;
}

/// Reads events until one is about session `id` or `budget` has passed. Answers the state the
/// event tells ("" for none: read the session to know).
std::optional<std::string> nextChange(api::WsClient& ws, const std::string& id,
                                      Clock::duration budget) {
    auto until = Clock::now() + budget;
    for (auto now = Clock::now(); now < until; now = Clock::now()) {
        auto frame = ws.read(std::chrono::duration_cast<std::chrono::milliseconds>(until - now));
        if (!frame) return std::nullopt;
        boost::system::error_code ec;
        auto event = json::parse(*frame, ec);
        if (ec || !event.is_object()) continue;
        const auto* data = event.as_object().if_contains("data");
        if (!data || !data->is_object() || field(data->as_object(), "sessionId") != id) continue;
        auto type = field(event.as_object(), "type");
        if (type == "session_state_changed") return field(data->as_object(), "state");
        if (type == "session_completed") return std::string();
    }
    return std::nullopt;
}

std::optional<Clock::time_point> deadlineOf(const std::string& timeout) {
    if (timeout.empty()) return std::nullopt;
    auto ms = core::parseDurationMs(timeout);
    if (!ms)
        throw CliError("--timeout " + timeout + ": expected a duration", "usage",
                       "e.g. --timeout 30s, --timeout 10m, --timeout 2h", kExitUsage);
    return Clock::now() + std::chrono::milliseconds(*ms);
}

int report(Context& ctx, const json::object& session) {
    if (ctx.globals.json) {
        printJson(session);
        return 0;
    }
    auto reason = activityReason(session);
    auto state = activityState(session);
    bool ended = state == "completed" || state == "failed";
    std::cout << shortId(field(session, "id")) << " is " << (ended ? state : stateCell(session))
              << (reason.empty() ? "" : ": " + reason) << "\n";
    return 0;
}

int waitCommand(Context& ctx, const WaitOptions& o) {
    auto target = parseWaitTarget(o.until);
    if (!target)
        throw CliError("--until " + o.until + ": expected waiting, idle, turn-end or ended",
                       "usage", "turn-end is idle or waiting: the agent's turn is over",
                       kExitUsage);
    auto deadline = deadlineOf(o.timeout);
    auto& client = ctx.client();
    auto session = resolveSession(client, o.id);
    auto id = field(session, "id");
    auto ws = std::make_unique<api::WsClient>(
        subscribe(client.endpoint(), field(session, "workspaceId")));
    for (;;) {
        session = client.get("/api/sessions/" + id).as_object();
        auto state = activityState(session);
        if (reached(*target, state)) return report(ctx, session);
        if (state == "completed" || state == "failed")
            throw CliError("session " + shortId(id) + " ended (" + field(session, "status") +
                               ") before it was " + o.until,
                           "ended", "`parawork logs " + shortId(id) + "` shows how", kExitEnded);
        auto budget = deadline ? std::min<Clock::duration>(*deadline - Clock::now(), kRecheck)
                               : Clock::duration(kRecheck);
        if (budget <= Clock::duration::zero())
            throw CliError("session " + shortId(id) + " is still " + stateCell(session) +
                               " after " + o.timeout,
                           "timeout", {}, kExitTimedOut);
        try {
            auto told = nextChange(*ws, id, budget);
            // A state passed through between two reads still counts (a short idle).
            if (told && reached(*target, *told))
                return report(ctx, client.get("/api/sessions/" + id).as_object());
        } catch (const api::ConnectError&) {
            // The daemon restarted: follow the new one (a gone daemon fails the GET above).
            ws = std::make_unique<api::WsClient>(
                subscribe(client.endpoint(), field(session, "workspaceId")));
        }
    }
}

}  // namespace

void addWaitCommand(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<WaitOptions>();
    auto* cmd = app.add_subcommand("wait", "Wait until a session's agent waits, idles or ends");
    cmd->add_option("id", o->id, "Session (id, prefix or name)")->required();
    cmd->add_option("--until", o->until,
                    "waiting, idle, turn-end (idle or waiting; the default) or ended");
    cmd->add_option("--timeout", o->timeout, "Give up after this long (30s, 10m); exit 124");
    handle(cmd, ctx, [&ctx, o] { return waitCommand(ctx, *o); });
}

}  // namespace parawork::cli
