// repo add|ls|rm and ws new|ls|rm: registering repositories and making workspaces (git
// worktrees, or plain directories) from the command line (DESIGN §6.3, docs/cli.md).
#include <iostream>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"
#include "cli/pull_request_text.hpp"
#include "cli/spinner.hpp"
#include "core/clock.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

/// The absolute, symlink-free form of a path the user typed (the daemon wants absolute paths).
std::string realPath(const std::string& path) {
    std::error_code ec;
    auto real = fs::canonical(path.empty() ? fs::current_path() : fs::path(path), ec);
    if (ec) throw CliError(path + ": " + ec.message(), "invalid", "give an existing directory");
    return real.string();
}

std::int64_t createdAt(const json::object& o) {
    const auto* v = o.if_contains("createdAt");
    return v && v->is_number() ? v->to_number<std::int64_t>() : 0;
}

// ---- repo -------------------------------------------------------------------------------------

int repoAdd(Context& ctx, const std::string& path, const std::string& name) {
    auto real = realPath(path);
    auto repo = ctx.client()
                    .post("/api/repositories",
                          {{"name", name.empty() ? fs::path(real).filename().string() : name},
                           {"path", real}})
                    .as_object();
    if (ctx.globals.json)
        printJson(repo);
    else
        std::cout << "added repository " << bold(field(repo, "name")) << " ("
                  << shortId(field(repo, "id")) << ") at " << field(repo, "path") << "\n";
    return 0;
}

int repoList(Context& ctx) {
    auto repos = ctx.client().get("/api/repositories");
    if (ctx.globals.json) {
        printJson(repos);
        return 0;
    }
    if (repos.as_array().empty()) {
        std::cout << "no repositories (add one with `parawork repo add PATH`)\n";
        return 0;
    }
    Table table({"ID", "NAME", "BRANCH", "ADDED", "PATH"});
    auto now = core::nowMs();
    for (const auto& item : repos.as_array()) {
        const auto& r = item.as_object();
        table.add({shortId(field(r, "id")), field(r, "name"), field(r, "defaultBranch"),
                   relativeTime(createdAt(r), now), field(r, "path")});
    }
    table.print(std::cout);
    return 0;
}

int repoRemove(Context& ctx, const std::string& arg) {
    auto& client = ctx.client();
    auto repo = resolveRepository(client, arg);
    client.del("/api/repositories/" + field(repo, "id"));
    if (ctx.globals.json)
        printJson(json::object{{"id", field(repo, "id")}, {"removed", true}});
    else
        std::cout << "removed repository " << field(repo, "name")
                  << " (its workspaces and worktrees stay)\n";
    return 0;
}

// ---- ws ---------------------------------------------------------------------------------------

/// Runs a long step under a spinner on a terminal; elsewhere (human output) says once on stderr
/// what it is doing; with --json, nothing.
template <typename Step>
auto withProgress(const Context& ctx, const std::string& what, Step step) {
    if (!Spinner::shown(ctx.globals) && !ctx.globals.json) std::cerr << what << "…\n";
    Spinner spinner(ctx.globals, what);
    return step();
}

struct WsNewOptions {
    std::string name, repo, path, base;
    bool plain = false;
};

int wsNew(Context& ctx, const WsNewOptions& o) {
    auto& client = ctx.client();
    json::object body{{"name", o.name}};
    if (!o.repo.empty()) {
        auto repo = resolveRepository(client, o.repo);
        body["repositoryId"] = field(repo, "id");
        body["path"] = o.path.empty() ? field(repo, "path") : realPath(o.path);
    } else {
        body["path"] = realPath(o.path);
    }
    if (!o.base.empty()) body["baseBranch"] = o.base;
    if (o.plain) body["worktree"] = false;
    auto ws = withProgress(ctx, "creating workspace " + o.name,
                           [&] { return client.post("/api/workspaces", body).as_object(); });
    if (ctx.globals.json) {
        printJson(ws);
        return 0;
    }
    std::cout << "created workspace " << bold(field(ws, "name")) << " (" << shortId(field(ws, "id"))
              << ") at " << field(ws, "path") << "\n";
    if (const auto* git = ws.if_contains("gitWorktree"); git && git->is_object())
        std::cout << "  branch " << field(git->as_object(), "branchName") << " from "
                  << field(git->as_object(), "baseBranch") << "\n";
    return 0;
}

int wsList(Context& ctx, bool archived) {
    auto list = ctx.client().get(archived ? "/api/workspaces?archived=1" : "/api/workspaces");
    if (ctx.globals.json) {
        printJson(list);
        return 0;
    }
    if (list.as_array().empty() && archived) {
        std::cout << "no archived workspaces\n";
        return 0;
    }
    if (list.as_array().empty()) {
        std::cout << "no workspaces (make one with `parawork ws new NAME --repo REPO`)\n";
        return 0;
    }
    Table table({"ID", "NAME", "STATUS", "BRANCH", "PR", "CREATED", "PATH"});
    auto now = core::nowMs();
    for (const auto& item : list.as_array()) {
        const auto& w = item.as_object();
        std::string branch = "-";
        if (const auto* git = w.if_contains("gitWorktree"); git && git->is_object())
            branch = field(git->as_object(), "branchName");
        table.add({shortId(field(w, "id")), field(w, "name"), colourStatus(field(w, "status")),
                   branch, pullRequestCell(w), relativeTime(createdAt(w), now), field(w, "path")});
    }
    table.print(std::cout);
    return 0;
}

int wsRemove(Context& ctx, const std::string& arg) {
    auto& client = ctx.client();
    auto ws = resolveWorkspace(client, arg);
    withProgress(ctx, "removing workspace " + field(ws, "name"),
                 [&] { return client.del("/api/workspaces/" + field(ws, "id")); });
    if (ctx.globals.json)
        printJson(json::object{{"id", field(ws, "id")}, {"removed", true}});
    else
        std::cout << "removed workspace " << field(ws, "name") << "\n";
    return 0;
}

/// `ws mute|unmute`: the workspace's outgoing notifications ([notify] in config.toml) off or on.
int wsMute(Context& ctx, const std::string& arg, bool muted) {
    auto& client = ctx.client();
    auto ws = resolveWorkspace(client, arg);
    auto updated = client.call("PATCH", "/api/workspaces/" + field(ws, "id"),
                               json::object{{"notificationsMuted", muted}});
    if (ctx.globals.json)
        printJson(updated);
    else
        std::cout << (muted ? "muted" : "unmuted") << " notifications of workspace "
                  << field(ws, "name") << "\n";
    return 0;
}

}  // namespace

void addWorkspaceCommands(CLI::App& app, Context& ctx) {
    auto* repo = app.add_subcommand("repo", "Register git repositories");
    repo->require_subcommand(1);
    auto add = std::make_shared<std::pair<std::string, std::string>>();
    auto* addCmd = repo->add_subcommand("add", "Register the git repository at PATH");
    addCmd->add_option("path", add->first, "Its directory")->required();
    addCmd->add_option("--name", add->second, "Its name (default: the directory's)");
    handle(addCmd, ctx, [&ctx, add] { return repoAdd(ctx, add->first, add->second); });
    handle(repo->add_subcommand("ls", "List repositories"), ctx, [&ctx] { return repoList(ctx); });
    auto rmId = std::make_shared<std::string>();
    auto* rmCmd = repo->add_subcommand("rm", "Forget a repository (its workspaces stay)");
    rmCmd->add_option("id", *rmId, "Repository (id, prefix or name)")->required();
    handle(rmCmd, ctx, [&ctx, rmId] { return repoRemove(ctx, *rmId); });

    auto* ws = app.add_subcommand("ws", "Make and remove workspaces");
    ws->require_subcommand(1);
    auto opts = std::make_shared<WsNewOptions>();
    auto* newCmd = ws->add_subcommand("new", "A new workspace: a git worktree on a new branch");
    newCmd->add_option("name", opts->name, "Its name (the branch is made from it)")->required();
    newCmd->add_option("--repo", opts->repo, "Registered repository (id, prefix or name)");
    newCmd->add_option("--path", opts->path,
                       "A git repository or plain directory (default: the current directory)");
    newCmd->add_option("--base", opts->base,
                       "Start point of the branch (default: the default branch)");
    newCmd->add_flag("--plain", opts->plain, "Use the directory itself, no worktree");
    handle(newCmd, ctx, [&ctx, opts] { return wsNew(ctx, *opts); });
    auto wsArchived = std::make_shared<bool>(false);
    auto* wsLs = ws->add_subcommand("ls", "List workspaces");
    wsLs->add_flag("--archived", *wsArchived, "List the archived workspaces instead");
    handle(wsLs, ctx, [&ctx, wsArchived] { return wsList(ctx, *wsArchived); });
    auto wsRmId = std::make_shared<std::string>();
    auto* wsRmCmd = ws->add_subcommand("rm", "Stop its sessions and remove the workspace");
    wsRmCmd->add_option("id", *wsRmId, "Workspace (id, prefix or name)")->required();
    handle(wsRmCmd, ctx, [&ctx, wsRmId] { return wsRemove(ctx, *wsRmId); });
    for (bool muted : {true, false}) {
        auto id = std::make_shared<std::string>();
        auto* cmd = ws->add_subcommand(muted ? "mute" : "unmute",
                                       muted ? "No notifications for this workspace's agents"
                                             : "Notifications for this workspace's agents again");
        cmd->add_option("id", *id, "Workspace (id, prefix or name)")->required();
        handle(cmd, ctx, [&ctx, id, muted] { return wsMute(ctx, *id, muted); });
    }
}

}  // namespace parawork::cli
