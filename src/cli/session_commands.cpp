// run, ps, logs, stop, send: the verbs that start and follow sessions (DESIGN §6.3, docs/cli.md).
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>

#include "cli/activity_text.hpp"
#include "cli/attach.hpp"
#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/detach_keys.hpp"
#include "cli/env_pairs.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"
#include "cli/pull_request_text.hpp"
#include "cli/resource_text.hpp"
#include "cli/spinner.hpp"
#include "core/clock.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::size_t kOutputChunk = 1u << 20;

std::int64_t intField(const json::object& o, const char* name, std::int64_t otherwise = 0) {
    const auto* v = o.if_contains(name);
    return v && v->is_number() ? v->to_number<std::int64_t>() : otherwise;
}

bool active(const json::object& session) {
    auto status = field(session, "status");
    return status == "starting" || status == "running";
}

/// The command line of a session as one string ("" for an agent without one).
std::string commandLine(const json::object& session) {
    std::string out;
    if (const auto* cmd = session.if_contains("command"); cmd && cmd->is_array())
        for (const auto& part : cmd->as_array())
            if (part.is_string()) out += (out.empty() ? "" : " ") + std::string(part.as_string());
    return out;
}

// ---- run --------------------------------------------------------------------------------------

struct RunOptions {
    bool detach = false;
    std::vector<std::string> ports, env;
    std::string workspace, agent, name;
    std::vector<std::string> command;
    std::function<std::string()> detachKeys;  ///< the --detach-keys bytes, validated
    LimitFlags limits;
};

/// The workspace whose directory is the current one, else a new plain-directory workspace there
/// (the daemon links it to the registered repository it lies in: in a repository's root the
/// command runs in the repository itself), named after the directory — with "-2", "-3"… when
/// that name is taken, since a repository's workspaces have distinct names.
json::object workspaceForCwd(DaemonClient& client) {
    std::error_code ec;
    auto cwd = fs::canonical(fs::current_path(), ec);
    if (ec) throw CliError("cannot resolve the current directory: " + ec.message(), "invalid");
    auto workspaces = client.get("/api/workspaces");
    std::set<std::string> taken;
    for (const auto& item : workspaces.as_array()) {
        const auto& ws = item.as_object();
        auto path = fs::weakly_canonical(field(ws, "path"), ec);
        if (!ec && path == cwd) return ws;
        taken.insert(field(ws, "name"));
    }
    std::string base = cwd.filename().string();
    if (base.empty()) base = "root";
    std::string name = base;
    for (int n = 2; taken.count(name) && n < 100; ++n) name = base + "-" + std::to_string(n);
    return client
        .post("/api/workspaces", {{"name", name}, {"path", cwd.string()}, {"worktree", false}})
        .as_object();
}

std::vector<int> parsePorts(const std::vector<std::string>& texts) {
    std::vector<int> ports;
    for (const auto& text : texts) {
        int port = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (ec != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535)
            throw CliError("-p " + text + ": expected a port number (1-65535)", "usage", {},
                           kExitUsage);
        ports.push_back(port);
    }
    return ports;
}

json::object startBody(const RunOptions& o) {
    json::object body;
    if (!o.agent.empty()) {
        body["agentType"] = o.agent;
        std::string prompt;
        for (const auto& word : o.command) prompt += (prompt.empty() ? "" : " ") + word;
        if (!prompt.empty()) body["initialPrompt"] = prompt;
    } else {
        body["agentType"] = "command";
        body["kind"] = "command";
        body["command"] = json::value_from(o.command);
    }
    auto env = envObject(o.env);
    if (!env.empty()) body["env"] = std::move(env);
    if (!o.name.empty()) body["name"] = o.name;
    if (auto limits = limitsBody(o.limits); !limits.empty()) body["limits"] = std::move(limits);
    return body;
}

int runCommand(Context& ctx, const RunOptions& o) {
    if (o.command.empty() && o.agent.empty())
        throw CliError("nothing to run", "usage",
                       "give a command after --, e.g. `parawork run -d -- make test`, or --agent",
                       kExitUsage);
    if (!o.detach && ctx.globals.json)
        throw CliError("--json needs -d (an attached run is a terminal)", "usage",
                       "add -d, then follow it with `parawork logs --json -f ID`", kExitUsage);
    auto ports = parsePorts(o.ports);
    auto body = startBody(o);
    if (!ports.empty()) body["ports"] = json::value_from(ports);
    AttachOptions attach;
    attach.detachKeys = o.detachKeys();  // validated with -d too: a typo is never silent
    if (!o.detach) attach.reconnectTimeout = reconnectTimeoutFromEnv();
    // An attached run starts at the size of this terminal.
    winsize size{};
    if (!o.detach && ::ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col && size.ws_row) {
        body["cols"] = size.ws_col;
        body["rows"] = size.ws_row;
    }
    auto& client = ctx.client();
    auto ws = o.workspace.empty() ? workspaceForCwd(client) : resolveWorkspace(client, o.workspace);
    json::object session;
    try {
        Spinner spinner(ctx.globals, "starting " + (o.command.empty() ? o.agent : o.command[0]));
        session = client.post("/api/workspaces/" + field(ws, "id") + "/sessions", body).as_object();
    } catch (CliError& e) {
        std::string_view message = e.what();
        bool notFound = message.find("not found on PATH") != std::string_view::npos ||
                        message.find("not executable") != std::string_view::npos;
        if (notFound)
            e.hint = "the command runs in " + field(ws, "path") +
                     " with the daemon's PATH; check its name";
        else if (message.find("already has an active session") != std::string_view::npos)
            e.hint = "one agent per workspace: `parawork ps` shows it; use another -w";
        throw;
    }
    auto id = field(session, "id");
    if (!o.detach) return attachSession(client.endpoint(), id, attach);
    // The declared ports' previews (they show a loading page until the server answers).
    json::object previewUrls;
    if (!ports.empty()) {
        auto declared = client.get("/api/sessions/" + id + "/ports");
        for (const auto& p : declared.as_array())
            previewUrls[std::to_string(p.at("port").as_int64())] = p.at("url");
    }
    if (ctx.globals.json) {
        printJson(json::object{{"event", "job_started"},
                               {"job_id", id},
                               {"workspace_id", field(ws, "id")},
                               {"ports", json::value_from(ports)},
                               {"preview_urls", previewUrls},
                               {"session", session}});
    } else {
        std::cout << "started " << bold(shortId(id)) << " in workspace " << field(ws, "name")
                  << " (" << field(ws, "path") << ")\n";
        for (const auto& [port, url] : previewUrls)
            std::cout << "  port " << std::string(port) << ": " << std::string(url.as_string())
                      << "\n";
        std::cout << "  parawork attach " << shortId(id) << "    attach this terminal to it\n"
                  << "  parawork logs -f " << shortId(id) << "   follow its output\n"
                  << "  parawork stop " << shortId(id) << "      stop it\n";
    }
    return 0;
}

// ---- ps ---------------------------------------------------------------------------------------

std::string statusText(const json::object& s) {
    auto status = field(s, "status");
    if (auto limit = limitReasonText(field(s, "exitReason")))
        return colourStatus(status) + " (" + *limit + ")";
    const auto* code = s.if_contains("exitCode");
    if (!active(s) && code && code->is_number())
        return colourStatus(status) + " (" + std::to_string(code->to_number<int>()) + ")";
    return colourStatus(status);
}

/// `ps --waiting`: the waiting `sessions`, each with why; the oldest wait first.
void printWaiting(const json::array& sessions, std::map<std::string, std::string>& workspaceNames) {
    std::vector<const json::object*> waiting;
    for (const auto& item : sessions) waiting.push_back(&item.as_object());
    if (waiting.empty()) {
        std::cout << "no session is waiting\n";
        return;
    }
    auto since = [](const json::object* s) {
        return intField(s->at("activity").as_object(), "since");
    };
    std::stable_sort(waiting.begin(), waiting.end(),
                     [&](auto* a, auto* b) { return since(a) < since(b); });
    Table table({"ID", "NAME", "WORKSPACE", "STATE", "SINCE", "REASON"});
    auto now = core::nowMs();
    for (const auto* s : waiting) {
        auto name = field(*s, "name");
        auto reason = activityReason(*s);
        table.add({shortId(field(*s, "id")), name.empty() ? "-" : name,
                   workspaceNames[field(*s, "workspaceId")], stateCell(*s),
                   relativeTime(since(s), now), reason.empty() ? "-" : ellipsize(reason, 80)});
    }
    table.print(std::cout);
}

int psCommand(Context& ctx, bool all, bool waitingOnly) {
    auto& client = ctx.client();
    // Ended sessions never wait: --waiting lists the same with or without -a.
    auto fetched = client.get(all ? "/api/sessions?all=1" : "/api/sessions");
    json::array sessions;
    for (const auto& s : fetched.as_array())
        if (!waitingOnly || activityState(s.as_object()) == "waiting") sessions.push_back(s);
    if (ctx.globals.json) {
        printJson(sessions);
        return 0;
    }
    std::map<std::string, std::string> workspaceNames, pullRequests;
    if (!sessions.empty()) {
        auto workspaces = client.get("/api/workspaces");
        for (const auto& ws : workspaces.as_array()) {
            workspaceNames[field(ws.as_object(), "id")] = field(ws.as_object(), "name");
            pullRequests[field(ws.as_object(), "id")] = pullRequestCell(ws.as_object());
        }
    }
    if (waitingOnly) {
        printWaiting(sessions, workspaceNames);
        return 0;
    }
    if (sessions.empty()) {
        std::cout << (all ? "no sessions\n"
                          : "no running sessions (`parawork ps -a` shows finished ones)\n");
        return 0;
    }
    Table table({"ID", "NAME", "KIND", "STATUS", "STATE", "WORKSPACE", "PR", "STARTED", "STARTUP",
                 "COMMAND"});
    auto now = core::nowMs();
    for (const auto& item : sessions) {
        const auto& s = item.as_object();
        auto name = field(s, "name");
        auto command = commandLine(s);
        table.add({shortId(field(s, "id")), name.empty() ? "-" : name, field(s, "kind"),
                   statusText(s), stateCell(s), workspaceNames[field(s, "workspaceId")],
                   pullRequests.count(field(s, "workspaceId"))
                       ? pullRequests[field(s, "workspaceId")]
                       : "-",
                   relativeTime(intField(s, "startedAt"), now), startupText(s),
                   ellipsize(command.empty() ? field(s, "agentType") : command, 60)});
    }
    table.print(std::cout);
    return 0;
}

// ---- logs -------------------------------------------------------------------------------------

struct LogsOptions {
    bool follow = false;
    std::string offset;  ///< as given: parsed by parseOffset
    std::string id;
};

/// `--offset N`: a byte offset, 0 or more ("" is 0).
std::uint64_t parseOffset(const std::string& text) {
    std::uint64_t offset = 0;
    if (text.empty()) return offset;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
    if (ec != std::errc() || end != text.data() + text.size())
        throw CliError("--offset " + text + ": expected a byte offset, 0 or more", "usage",
                       "offsets count from the start of the output; `parawork logs ID` prints "
                       "all of it",
                       kExitUsage);
    return offset;
}

struct OutputRead {
    std::string logs;
    std::uint64_t start = 0, next = 0, end = 0;
    bool truncated = false, ended = false;
};

OutputRead readOutput(DaemonClient& client, const std::string& id, std::uint64_t offset) {
    auto o = client
                 .get("/api/sessions/" + id + "/output?offset=" + std::to_string(offset) +
                      "&limit=" + std::to_string(kOutputChunk))
                 .as_object();
    OutputRead r;
    r.logs = field(o, "logs");
    r.start = static_cast<std::uint64_t>(intField(o, "offset"));
    r.next = static_cast<std::uint64_t>(intField(o, "nextOffset"));
    r.end = static_cast<std::uint64_t>(intField(o, "endOffset"));
    r.truncated = o.at("truncated").as_bool();
    r.ended = o.at("ended").as_bool();
    return r;
}

/// Reads from `offset` up to the end known now, handing each chunk to `sink` (so that a big log
/// never sits in memory); returns the last read.
OutputRead drain(DaemonClient& client, const std::string& id, std::uint64_t offset,
                 const std::function<void(const OutputRead&)>& sink) {
    for (;;) {
        auto r = readOutput(client, id, offset);
        sink(r);
        // No progress: only an incomplete UTF-8 sequence is left, for a later read.
        bool progressed = r.next != offset;
        offset = r.next;
        if (r.next >= r.end || !progressed) return r;
    }
}

void printHuman(const OutputRead& r) {
    if (r.truncated) std::cerr << "parawork: output before offset " << r.start << " was dropped\n";
    std::cout << r.logs << std::flush;
}

/// The end line of a session a limit ended, on stderr: its output may not say why it stopped.
void printLimitEnd(DaemonClient& client, const std::string& id) {
    auto session = client.get("/api/sessions/" + id).as_object();
    if (auto limit = limitReasonText(field(session, "exitReason")))
        std::cerr << "parawork: " << shortId(id) << " was stopped: " << *limit << "\n";
}

/// Human: the bytes as they come. JSON: one object per round (the whole range without -f).
int logsCommand(Context& ctx, const LogsOptions& o) {
    std::uint64_t offset = parseOffset(o.offset);
    auto& client = ctx.client();
    auto id = field(resolveSession(client, o.id), "id");
    bool asJson = ctx.globals.json;
    for (bool first = true;; first = false) {
        std::optional<OutputRead> batch;
        auto last = drain(client, id, offset, [&](const OutputRead& r) {
            if (!asJson) return printHuman(r);
            if (!batch) return void(batch = r);
            batch->logs += r.logs;
            batch->truncated = batch->truncated || r.truncated;
        });
        // Ended, and nothing more will come (an incomplete UTF-8 tail at the end never will).
        bool ended = last.ended && (last.next >= last.end || last.next == offset);
        if (asJson && (first || !batch->logs.empty() || batch->truncated || ended))
            printJson(json::object{{"session_id", id},
                                   {"logs", batch->logs},
                                   {"offset", last.next},
                                   {"start", batch->start},
                                   {"truncated", batch->truncated},
                                   {"ended", ended}});
        offset = last.next;
        if (ended && !asJson) printLimitEnd(client, id);
        if (!o.follow || ended) return 0;
        std::this_thread::sleep_for(200ms);
    }
}

// ---- stop, send -------------------------------------------------------------------------------

int stopCommand(Context& ctx, const std::string& arg, bool wait) {
    auto& client = ctx.client();
    auto id = field(resolveSession(client, arg), "id");
    json::object session;
    try {
        session = client.post("/api/sessions/" + id + "/stop").as_object();
    } catch (CliError& e) {
        if (e.code != "conflict") throw;
        // 409: it had ended on its own; nothing was stopped.
        auto ended = client.get("/api/sessions/" + id).as_object();
        throw CliError(
            "session " + shortId(id) + " already ended (" + field(ended, "status") + ")",
            "conflict",
            "`parawork ps -a` lists it; `parawork logs " + shortId(id) + "` shows how it ended");
    }
    // The stop answers at once; wait (bounded) for the end so that `ps` afterwards is true.
    auto deadline = std::chrono::steady_clock::now() + 60s;
    std::optional<Spinner> spinner;
    if (wait && active(session)) spinner.emplace(ctx.globals, "stopping " + shortId(id));
    while (wait && active(session) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(100ms);
        session = client.get("/api/sessions/" + id).as_object();
    }
    spinner.reset();
    if (ctx.globals.json) {
        printJson(session);
    } else {
        std::cout << (active(session) ? "stopping " : "stopped ") << shortId(id) << " ("
                  << field(session, "status") << ")\n";
    }
    return 0;
}

int sendCommand(Context& ctx, const std::string& arg, const std::string& text, bool submit) {
    auto& client = ctx.client();
    auto session = resolveSession(client, arg);
    auto id = field(session, "id");
    if (!active(session))
        throw CliError("session " + shortId(id) + " is " + field(session, "status"), "not_running",
                       "`parawork ps` lists running sessions");
    auto message =
        client.post("/api/sessions/" + id + "/messages", {{"content", text}, {"submit", submit}});
    if (ctx.globals.json)
        printJson(message);
    else
        std::cout << "sent to " << shortId(id) << "\n";
    return 0;
}

/// Adds --detach-keys to `cmd`; the function answers the detach key bytes (docker's form,
/// validated: detach_keys.hpp), from the flag, else $PARAWORK_DETACH_KEYS, else Ctrl-\ twice.
std::function<std::string()> addDetachKeysOption(CLI::App* cmd) {
    auto keys = std::make_shared<std::string>();
    auto* option = cmd->add_option(
        "--detach-keys", *keys,
        "Keys that detach and leave the session running, e.g. ctrl-a,d (default ctrl-\\,ctrl-\\; "
        "env PARAWORK_DETACH_KEYS)");
    return [keys, option] {
        return detachKeysFor(option->count() > 0 ? std::optional(*keys) : std::nullopt);
    };
}

}  // namespace

void addSessionCommands(CLI::App& app, Context& ctx) {
    auto run = std::make_shared<RunOptions>();
    auto* runCmd = app.add_subcommand("run", "Run a command (or an agent) as a session");
    runCmd->add_flag("-d,--detach", run->detach,
                     "Leave it running in the background (else: attach, exit with its code)");
    runCmd->add_option("-p,--port", run->ports, "A port the command serves (repeatable)")
        ->allow_extra_args(false);
    runCmd->add_option("-e,--env", run->env, "KEY=VALUE for its environment (repeatable)")
        ->allow_extra_args(false);
    runCmd->add_option("-w,--workspace", run->workspace,
                       "Workspace (id, prefix or name); default: the current directory's");
    runCmd->add_option("--agent", run->agent,
                       "Start this agent profile; words after -- are its prompt");
    runCmd->add_option("--name", run->name, "A name for the session");
    addLimitOptions(runCmd, run->limits);
    runCmd->add_option("command", run->command, "The command and its arguments, after --");
    run->detachKeys = addDetachKeysOption(runCmd);
    handle(runCmd, ctx, [&ctx, run] { return runCommand(ctx, *run); });

    auto attachId = std::make_shared<std::string>();
    auto* attachCmd = app.add_subcommand("attach", "Attach this terminal to a session");
    attachCmd->add_option("id", *attachId, "Session (id, prefix or name)")->required();
    auto attachKeys = addDetachKeysOption(attachCmd);
    handle(attachCmd, ctx, [&ctx, attachId, attachKeys] {
        AttachOptions options{.detachKeys = attachKeys(),
                              .reconnectTimeout = reconnectTimeoutFromEnv()};
        auto& client = ctx.client();
        auto id = field(resolveSession(client, *attachId), "id");
        return attachSession(client.endpoint(), id, options);
    });

    auto all = std::make_shared<bool>(false);
    auto waitingOnly = std::make_shared<bool>(false);
    auto* psCmd = app.add_subcommand("ps", "List running sessions");
    psCmd->add_flag("-a,--all", *all, "Include finished sessions");
    psCmd->add_flag("--waiting", *waitingOnly, "Only the sessions waiting for you, and why");
    handle(psCmd, ctx, [&ctx, all, waitingOnly] { return psCommand(ctx, *all, *waitingOnly); });

    auto logs = std::make_shared<LogsOptions>();
    auto* logsCmd = app.add_subcommand("logs", "Print a session's output");
    logsCmd->add_flag("-f,--follow", logs->follow, "Keep printing until the session ends");
    logsCmd->add_option("--offset", logs->offset, "Start at this byte offset of the output");
    logsCmd->add_option("id", logs->id, "Session (id, prefix or name)")->required();
    handle(logsCmd, ctx, [&ctx, logs] { return logsCommand(ctx, *logs); });

    auto stopId = std::make_shared<std::string>();
    auto noWait = std::make_shared<bool>(false);
    auto* stopCmd = app.add_subcommand("stop", "Stop a session and wait until it has ended");
    stopCmd->add_flag("--no-wait", *noWait, "Return as soon as the stop was asked for");
    stopCmd->add_option("id", *stopId, "Session (id, prefix or name)")->required();
    handle(stopCmd, ctx, [&ctx, stopId, noWait] { return stopCommand(ctx, *stopId, !*noWait); });

    auto send = std::make_shared<std::pair<std::string, std::string>>();
    auto noSubmit = std::make_shared<bool>(false);
    auto* sendCmd = app.add_subcommand("send", "Type text into a session, then Enter");
    sendCmd->add_flag("--no-enter", *noSubmit, "Do not press Enter after the text");
    sendCmd->add_option("id", send->first, "Session (id, prefix or name)")->required();
    sendCmd->add_option("text", send->second, "The text")->required();
    handle(sendCmd, ctx, [&ctx, send, noSubmit] {
        return sendCommand(ctx, send->first, send->second, !*noSubmit);
    });
}

}  // namespace parawork::cli
