// exec: runs a command to completion in a session's working directory (POST
// /api/sessions/:id/exec) and hands back what it printed and how it ended — vmux's `exec`, for
// people (its output on ours, its exit code ours) and for agents (--json).
#include <iostream>
#include <iterator>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/env_pairs.hpp"
#include "cli/ids.hpp"
#include "core/quantities.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

/// What `timeout(1)` exits with when it had to kill the command.
constexpr int kExitTimedOut = 124;
/// The daemon's bound on the command's stdin (docs/api.md).
constexpr std::size_t kMaxStdinBytes = 4u << 20;

struct ExecOptions {
    std::string id;
    std::vector<std::string> command, env;
    std::string timeout;
    bool forwardStdin = false;
};

std::string readAllStdin() {
    std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (data.size() > kMaxStdinBytes)
        throw CliError("stdin is larger than " + std::to_string(kMaxStdinBytes) + " bytes",
                       "invalid", "pass a file name to the command instead");
    return data;
}

json::object requestBody(const ExecOptions& o) {
    json::object body{{"command", json::value_from(o.command)}};
    if (!o.timeout.empty()) {
        auto ms = core::parseDurationMs(o.timeout);
        if (!ms)
            throw CliError("--timeout " + o.timeout + ": expected a duration", "usage",
                           "e.g. --timeout 30s, --timeout 5m (at most 10m)", kExitUsage);
        body["timeoutMs"] = *ms;
    }
    auto env = envObject(o.env);
    if (!env.empty()) body["env"] = std::move(env);
    if (o.forwardStdin) body["stdin"] = readAllStdin();
    return body;
}

std::string text(const json::object& o, const char* name) {
    const auto* v = o.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<int> number(const json::object& o, const char* name) {
    const auto* v = o.if_contains(name);
    return v && v->is_number() ? std::optional(v->to_number<int>()) : std::nullopt;
}

bool flag(const json::object& o, const char* name) {
    const auto* v = o.if_contains(name);
    return v && v->is_bool() && v->as_bool();
}

int execCommand(Context& ctx, const ExecOptions& o) {
    if (o.command.empty())
        throw CliError("nothing to run", "usage",
                       "give a command after --, e.g. `parawork exec " +
                           (o.id.empty() ? std::string("ID") : o.id) + " -- git status`",
                       kExitUsage);
    auto body = requestBody(o);
    auto& client = ctx.client();
    auto session = resolveSession(client, o.id);
    auto id = field(session, "id");
    json::object result;
    try {
        result = client.post("/api/sessions/" + id + "/exec", body).as_object();
    } catch (CliError& e) {
        if (std::string_view(e.what()).find("not found on PATH") != std::string_view::npos)
            e.hint = "the command runs in " + field(session, "cwd") +
                     " with the daemon's PATH; check its name";
        else if (std::string_view(e.what()).find("Too many commands") != std::string_view::npos)
            e.hint = "wait for a running `parawork exec` to finish, then try again";
        throw;
    }
    auto killedBy = number(result, "signal");
    bool timedOut = flag(result, "timedOut");
    // A signal's end is 128 + its number, as a shell says; a timeout is 124, as timeout(1) says.
    int code = timedOut   ? kExitTimedOut
               : killedBy ? 128 + *killedBy
                          : number(result, "exitCode").value_or(kExitFailure);
    if (ctx.globals.json) {
        json::object out{{"stdout", text(result, "stdout")},
                         {"stderr", text(result, "stderr")},
                         {"exit_code", code},
                         {"timed_out", timedOut},
                         {"truncated", flag(result, "truncated")},
                         {"duration_ms", result.contains("durationMs") ? result.at("durationMs")
                                                                       : json::value(0)}};
        if (killedBy) out["signal"] = *killedBy;
        printJson(out);
        return 0;  // exec itself worked: the command's code is in the answer
    }
    std::cout << text(result, "stdout") << std::flush;
    std::cerr << text(result, "stderr");
    if (flag(result, "truncated"))
        std::cerr << "parawork: the output was cut (each stream keeps at most 8 MiB)\n";
    if (timedOut)
        std::cerr << "parawork: " << o.command.front()
                  << " timed out and was killed (--timeout sets the limit)\n";
    else if (killedBy)
        std::cerr << "parawork: " << o.command.front() << " was killed by signal " << *killedBy
                  << "\n";
    return code;
}

}  // namespace

void addExecCommand(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<ExecOptions>();
    auto* cmd = app.add_subcommand(
        "exec",
        "Run a command in a session's working directory; print its output, exit with its code");
    cmd->add_option("-e,--env", o->env, "KEY=VALUE for its environment (repeatable)")
        ->allow_extra_args(false);
    cmd->add_option(
        "--timeout", o->timeout,
        "Kill it (and what it started) after this long: 30s, 5m (default 60s, at most 10m)");
    cmd->add_flag("-i,--stdin", o->forwardStdin,
                  "Send this stdin to the command (read to its end first, at most 4 MiB)");
    cmd->add_option("id", o->id, "Session (id, prefix or name)")->required();
    cmd->add_option("command", o->command, "The command and its arguments, after --");
    handle(cmd, ctx, [&ctx, o] { return execCommand(ctx, *o); });
}

}  // namespace parawork::cli
