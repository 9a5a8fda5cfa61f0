// deps [WORKSPACE]: what a workspace's projects need installed, whether it is, the tools with
// their versions, and the state of its setup (GET /api/workspaces/:id/dependencies; DESIGN
// §6.3, docs/cli.md). Without WORKSPACE: the workspace the current directory is in.
#include <algorithm>
#include <iostream>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

/// The workspace whose directory holds the current one (the deepest, when they nest).
json::object workspaceAroundCwd(DaemonClient& client) {
    std::error_code ec;
    auto cwd = fs::canonical(fs::current_path(), ec);
    if (ec) throw CliError("cannot resolve the current directory: " + ec.message(), "invalid");
    std::optional<json::object> best;
    std::size_t bestLength = 0;
    auto workspaces = client.get("/api/workspaces");
    for (const auto& item : workspaces.as_array()) {
        const auto& ws = item.as_object();
        auto path = fs::weakly_canonical(field(ws, "path"), ec);
        if (ec) continue;
        auto [end, _] = std::mismatch(path.begin(), path.end(), cwd.begin(), cwd.end());
        std::size_t length = path.string().size();
        if (end == path.end() && length > bestLength) {
            best = ws;
            bestLength = length;
        }
    }
    if (!best)
        throw CliError("the current directory is in no workspace", "not_found",
                       "give a workspace (id, prefix or name), or see `parawork ws ls`");
    return *best;
}

std::string text(const json::object& o, const char* name, const std::string& absent = "-") {
    const auto* v = o.if_contains(name);
    if (!v || !v->is_string()) return absent;
    return std::string(v->as_string());
}

void printProjects(const json::array& projects) {
    if (projects.empty()) {
        std::cout << "no projects with dependencies found\n";
        return;
    }
    Table table({"MANIFEST", "ECOSYSTEM", "LOCKFILE", "STATE", "INSTALL", "WHY"});
    for (const auto& item : projects) {
        const auto& p = item.as_object();
        table.add({text(p, "manifest"), text(p, "ecosystem"), text(p, "lockfile"), text(p, "state"),
                   text(p, "installCommand"), text(p, "reason")});
    }
    table.print(std::cout);
}

void printTools(const json::array& tools) {
    Table table({"TOOL", "VERSION", "WANTED", "PATH"});
    for (const auto& item : tools) {
        const auto& t = item.as_object();
        bool found = t.at("found").as_bool();
        std::string version = found ? text(t, "version", "?") : "missing";
        std::string wanted = "-";
        if (const auto* hint = t.if_contains("hint"); hint && hint->is_object()) {
            wanted =
                text(hint->as_object(), "wanted") + " (" + text(hint->as_object(), "source") + ")";
            const auto& satisfied = t.at("satisfied");
            if (satisfied.is_bool()) wanted += satisfied.as_bool() ? " ok" : " NOT MET";
        }
        table.add({text(t, "name"), version, wanted, found ? text(t, "path") : "-"});
    }
    table.print(std::cout);
}

void printSetup(const json::value& setup) {
    if (!setup.is_object()) return;
    const auto& s = setup.as_object();
    std::string exit;
    if (const auto* code = s.if_contains("exitCode"); code && code->is_int64())
        exit = ", exit " + std::to_string(code->as_int64());
    std::cout << "setup: " << text(s, "status") << exit << " (`parawork logs "
              << shortId(text(s, "sessionId")) << "`)\n";
}

int deps(Context& ctx, const std::string& arg) {
    auto& client = ctx.client();
    auto ws = arg.empty() ? workspaceAroundCwd(client) : resolveWorkspace(client, arg);
    auto report = client.get("/api/workspaces/" + field(ws, "id") + "/dependencies");
    if (ctx.globals.json) {
        printJson(report);
        return 0;
    }
    const auto& r = report.as_object();
    std::cout << "workspace " << bold(field(ws, "name")) << " (" << shortId(field(ws, "id"))
              << "): dependencies " << text(r, "status") << "\n\n";
    printProjects(r.at("projects").as_array());
    std::cout << "\n";
    printTools(r.at("tools").as_array());
    if (const auto* truncated = r.if_contains("truncated");
        truncated && truncated->is_bool() && truncated->as_bool())
        std::cout << "(the directory walk stopped at its bound: deeper projects are not shown)\n";
    if (const auto* setup = r.if_contains("setup")) printSetup(*setup);
    return 0;
}

}  // namespace

void addDepsCommand(CLI::App& app, Context& ctx) {
    auto workspace = std::make_shared<std::string>();
    auto* cmd =
        app.add_subcommand("deps", "Show a workspace's dependencies: install state, tools, setup");
    cmd->add_option("workspace", *workspace,
                    "Workspace (id, prefix or name; default: the one around the current "
                    "directory)");
    handle(cmd, ctx, [&ctx, workspace] { return deps(ctx, *workspace); });
}

}  // namespace parawork::cli
