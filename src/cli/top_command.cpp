// `parawork top`: running sessions with their CPU, memory, tasks, uptime and startup figures,
// refreshed every second like top(1); --once (or output that is not a terminal) prints one
// table, --json one snapshot (docs/cli.md).
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "cli/activity_text.hpp"
#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"
#include "cli/resource_text.hpp"
#include "core/clock.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

double number(const json::object& o, const char* name) {
    const auto* v = o.if_contains(name);
    return v && v->is_number() ? v->to_number<double>() : 0;
}

/// The running sessions, each with the monitor's figures under "resources" (null when it has
/// none yet), and the sampling mechanism.
json::object snapshot(DaemonClient& client) {
    auto sessions = client.get("/api/sessions").as_array();
    auto overview = client.get("/api/resources").as_object();
    std::map<std::string, json::object> byId;
    for (const auto& r : overview.at("sessions").as_array())
        byId[field(r.as_object(), "sessionId")] = r.as_object();
    json::array rows;
    for (auto& item : sessions) {
        auto s = item.as_object();
        auto it = byId.find(field(s, "id"));
        s["resources"] = it == byId.end() ? json::value(nullptr) : json::value(it->second);
        rows.push_back(std::move(s));
    }
    return json::object{{"mechanism", overview.at("mechanism")}, {"sessions", std::move(rows)}};
}

void printTable(const json::object& snap, std::ostream& out) {
    auto now = core::nowMs();
    const auto& sessions = snap.at("sessions").as_array();
    out << "parawork top: " << sessions.size() << " running, sampled by "
        << field(snap, "mechanism") << "\n\n";
    Table table({"ID", "NAME", "STATE", "CPU%", "MEM", "PEAK", "PIDS", "THREADS", "UPTIME", "SPAWN",
                 "STARTUP", "COMMAND"});
    for (const auto& item : sessions) {
        const auto& s = item.as_object();
        std::string cpu = "-", memory = "-", peak = "-", pids = "-", threads = "-", spawn = "-";
        if (const auto* r = s.if_contains("resources"); r && r->is_object()) {
            const auto& res = r->as_object();
            peak = shortBytes(number(res, "peakMemoryMb") * 1024 * 1024);
            if (const auto* ms = res.if_contains("spawnMs"); ms && ms->is_number())
                spawn = durationText(static_cast<std::int64_t>(ms->to_number<double>()));
            if (const auto* c = res.if_contains("current"); c && c->is_object()) {
                const auto& cur = c->as_object();
                char buf[16];
                std::snprintf(buf, sizeof buf, "%.1f", number(cur, "cpuPercent"));
                cpu = buf;
                memory = shortBytes(number(cur, "memoryBytes"));
                pids = std::to_string(static_cast<long long>(number(cur, "processes")));
                threads = std::to_string(static_cast<long long>(number(cur, "threads")));
            }
        }
        std::string command;
        if (const auto* c = s.if_contains("command"); c && c->is_array())
            for (const auto& part : c->as_array())
                if (part.is_string())
                    command += (command.empty() ? "" : " ") + std::string(part.as_string());
        auto started = static_cast<std::int64_t>(number(s, "startedAt"));
        auto name = field(s, "name");
        table.add({shortId(field(s, "id")), name.empty() ? "-" : name, stateCell(s), cpu, memory,
                   peak, pids, threads, started > 0 ? durationText(now - started) : "-", spawn,
                   startupText(s),
                   ellipsize(command.empty() ? field(s, "agentType") : command, 40)});
    }
    table.print(out);
}

int topCommand(Context& ctx, bool once) {
    auto& client = ctx.client();
    if (ctx.globals.json) {
        printJson(snapshot(client));
        return 0;
    }
    if (once || !::isatty(STDOUT_FILENO)) {
        printTable(snapshot(client), std::cout);
        return 0;
    }
    for (;;) {  // until Ctrl-C, like top(1)
        auto snap = snapshot(client);
        std::cout << "\x1b[H\x1b[2J";
        printTable(snap, std::cout);
        std::cout << std::flush;
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

}  // namespace

void addTopCommand(CLI::App& app, Context& ctx) {
    auto once = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("top", "Show running sessions' CPU, memory and startup, live");
    cmd->add_flag("--once", *once, "Print one table and exit (--json: one snapshot)");
    handle(cmd, ctx, [&ctx, once] { return topCommand(ctx, *once); });
}

}  // namespace parawork::cli
