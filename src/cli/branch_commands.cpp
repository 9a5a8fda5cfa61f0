// `parawork sync|merge|archive|unarchive` (issue 20, docs/review.md "Branch"): a workspace branch
// kept current with its base, merged back, archived and brought back. Each verb is one request;
// the daemon's refusal (conflicts, uncommitted work, a moved base) is printed as it says it.
#include <iostream>
#include <memory>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

struct SyncOptions {
    std::string workspace;
    bool merge = false, noFetch = false, abort = false, askAgent = false;
};

struct MergeOptions {
    std::string workspace, message;
    bool ff = false, mergeCommit = false, squash = false, archive = false, check = false;
};

std::string workspacePath(Context& ctx, const std::string& arg, const std::string& action) {
    return "/api/workspaces/" + field(resolveWorkspace(ctx.client(), arg), "id") + action;
}

void printFiles(const json::value& files) {
    for (const auto& f : files.as_array()) std::cout << "  " << f.as_string().c_str() << "\n";
}

int printAnswer(Context& ctx, const json::value& answer, const std::string& text) {
    if (ctx.globals.json)
        printJson(answer);
    else
        std::cout << text << "\n";
    return 0;
}

int syncCommand(Context& ctx, const SyncOptions& o) {
    if (o.abort + o.askAgent + o.merge > 1 || ((o.abort || o.askAgent) && o.noFetch))
        throw CliError("--abort, --ask-agent and --merge/--no-fetch go alone", "usage", {},
                       kExitUsage);
    if (o.abort) {
        auto a = ctx.client().post(workspacePath(ctx, o.workspace, "/sync/abort"));
        return printAnswer(
            ctx, a, "sync aborted; HEAD is back at " + shortId(field(a.as_object(), "head")));
    }
    if (o.askAgent) {
        auto a = ctx.client().post(workspacePath(ctx, o.workspace, "/sync/ask-agent"));
        return printAnswer(ctx, a,
                           "asked the agent (session " +
                               shortId(field(a.as_object(), "sessionId")) +
                               ") to resolve the conflicts");
    }
    json::object body{{"method", o.merge ? "merge" : "rebase"}, {"fetch", !o.noFetch}};
    auto a = ctx.client().post(workspacePath(ctx, o.workspace, "/sync"), body);
    const auto& r = a.as_object();
    if (ctx.globals.json) return printAnswer(ctx, a, "");
    std::string result = field(r, "result");
    if (result == "conflicts") {
        std::cout << field(r, "method") << " stopped on conflicts in:\n";
        printFiles(r.at("conflictedFiles"));
        std::cout << "resolve them, or `parawork sync " << o.workspace
                  << " --abort`, or `--ask-agent`\n";
        return 1;
    }
    std::cout << (result == "synced" ? field(r, "method") + "d onto the base; HEAD "
                                     : std::string("up to date; HEAD "))
              << shortId(field(r, "head")) << "\n";
    return 0;
}

int mergeCommand(Context& ctx, const MergeOptions& o) {
    if (o.ff + o.mergeCommit + o.squash > 1)
        throw CliError("choose one of --ff, --merge-commit and --squash", "usage", {}, kExitUsage);
    if (o.check) {
        auto a = ctx.client().get(workspacePath(ctx, o.workspace, "/merge/check"));
        const auto& r = a.as_object();
        if (ctx.globals.json) return printAnswer(ctx, a, "");
        bool clean = r.at("clean").as_bool();
        std::cout << (clean ? "merges cleanly into " : "conflicts with ") << field(r, "base")
                  << (clean && r.at("fastForward").as_bool() ? " (fast-forward)" : "") << "\n";
        if (!clean) printFiles(r.at("conflictedFiles"));
        return clean ? 0 : 1;
    }
    json::object body{{"archive", o.archive}};
    if (o.ff) body["mode"] = "ff";
    if (o.mergeCommit) body["mode"] = "merge";
    if (o.squash) body["mode"] = "squash";
    if (!o.message.empty()) body["message"] = o.message;
    auto a = ctx.client().post(workspacePath(ctx, o.workspace, "/merge"), body);
    const auto& r = a.as_object();
    return printAnswer(ctx, a,
                       "merged into " + field(r, "base") + " (" + field(r, "mode") +
                           "): " + shortId(field(r, "previousBaseCommit")) + " → " +
                           shortId(field(r, "baseCommit")));
}

void addSync(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<SyncOptions>();
    auto* cmd = app.add_subcommand("sync", "Bring the base into a workspace branch (rebase)");
    cmd->add_option("workspace", o->workspace, "Workspace (id, prefix or name)")->required();
    cmd->add_flag("--merge", o->merge, "Merge the base in instead of rebasing");
    cmd->add_flag("--no-fetch", o->noFetch, "Do not fetch the base's remote first");
    cmd->add_flag("--abort", o->abort, "Abort the sync that stopped on conflicts");
    cmd->add_flag("--ask-agent", o->askAgent, "Ask the agent to resolve the conflicts");
    handle(cmd, ctx, [&ctx, o] { return syncCommand(ctx, *o); });
}

void addMerge(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<MergeOptions>();
    auto* cmd = app.add_subcommand("merge", "Merge a workspace branch into its base");
    cmd->add_option("workspace", o->workspace, "Workspace (id, prefix or name)")->required();
    cmd->add_flag("--ff", o->ff, "Fast-forward only");
    cmd->add_flag("--merge-commit", o->mergeCommit, "Always make a merge commit");
    cmd->add_flag("--squash", o->squash, "One commit on the base with the branch's changes");
    cmd->add_option("-m,--message", o->message, "The commit message");
    cmd->add_flag("--archive", o->archive, "Archive the workspace once merged");
    cmd->add_flag("--check", o->check, "Only say whether it would merge cleanly");
    handle(cmd, ctx, [&ctx, o] { return mergeCommand(ctx, *o); });
}

void addArchive(CLI::App& app, Context& ctx) {
    auto id = std::make_shared<std::string>();
    auto deleteBranch = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("archive", "Stop, checkpoint and put a workspace away");
    cmd->add_option("workspace", *id, "Workspace (id, prefix or name)")->required();
    cmd->add_flag("--delete-branch", *deleteBranch, "Delete the branch too (it stays restorable)");
    handle(cmd, ctx, [&ctx, id, deleteBranch] {
        json::object body{{"deleteBranch", *deleteBranch}};
        auto a = ctx.client().post(workspacePath(ctx, *id, "/archive"), body);
        return printAnswer(
            ctx, a,
            "archived " + field(a.as_object(), "name") + " (`parawork unarchive` brings it back)");
    });
    auto unarchiveId = std::make_shared<std::string>();
    auto* back = app.add_subcommand("unarchive", "Bring an archived workspace back");
    back->add_option("workspace", *unarchiveId, "Archived workspace (id, prefix or name)")
        ->required();
    handle(back, ctx, [&ctx, unarchiveId] {
        auto ws = resolveArchivedWorkspace(ctx.client(), *unarchiveId);
        auto a = ctx.client().post("/api/workspaces/" + field(ws, "id") + "/unarchive");
        return printAnswer(
            ctx, a,
            "unarchived " + field(a.as_object(), "name") + " at " + field(a.as_object(), "path"));
    });
}

}  // namespace

void addBranchCommands(CLI::App& app, Context& ctx) {
    addSync(app, ctx);
    addMerge(app, ctx);
    addArchive(app, ctx);
}

}  // namespace parawork::cli
