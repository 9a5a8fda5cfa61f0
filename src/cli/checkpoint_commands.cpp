// checkpoint ls|create|diff|restore, commit, and diff: a workspace's checkpoints, committing its
// changes, and its diff against the base (docs/review.md, docs/cli.md; the routes of
// api/checkpoint_routes.cpp and GET /api/workspaces/:id/diff).
#include <iostream>
#include <memory>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"
#include "core/clock.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

/// `text` fit for a query value: unreserved characters and '/' kept, the rest %XX.
std::string queryValue(const std::string& text) {
    return boost::urls::encode(text, boost::urls::unreserved_chars + '/');
}

std::string workspacePath(Context& ctx, const std::string& arg) {
    return "/api/workspaces/" + field(resolveWorkspace(ctx.client(), arg), "id");
}

std::string headText(const json::object& c) {
    const auto& head = c.at("head");
    return head.is_string() ? shortId(head.as_string()) : "(unborn)";
}

void printCheckpoint(const json::object& c, const std::string& verb) {
    std::cout << verb << " checkpoint " << bold(shortId(field(c, "id"))) << " \""
              << field(c, "label") << "\" (HEAD " << headText(c) << ")\n";
}

int listCheckpoints(Context& ctx, const std::string& ws) {
    auto list = ctx.client().get(workspacePath(ctx, ws) + "/checkpoints");
    if (ctx.globals.json) return printJson(list), 0;
    if (list.as_array().empty()) {
        std::cout << "no checkpoints\n";
        return 0;
    }
    Table table({"ID", "TAKEN", "HEAD", "LABEL"});
    std::int64_t now = core::nowMs();
    for (const auto& item : list.as_array()) {
        const auto& c = item.as_object();
        table.add({shortId(field(c, "id")),
                   relativeTime(c.at("createdAt").to_number<std::int64_t>(), now), headText(c),
                   field(c, "label")});
    }
    table.print(std::cout);
    return 0;
}

int createCheckpoint(Context& ctx, const std::string& ws, const std::string& label) {
    json::object body;
    if (!label.empty()) body["label"] = label;
    auto answer = ctx.client().post(workspacePath(ctx, ws) + "/checkpoints", body);
    if (ctx.globals.json) return printJson(answer), 0;
    const auto& a = answer.as_object();
    printCheckpoint(a.at("checkpoint").as_object(),
                    a.at("created").as_bool() ? "created" : "unchanged since");
    return 0;
}

/// Files with their counts; with `full`, each file's diff after.
void printDiffFiles(const json::object& diff, bool full) {
    const auto& files = diff.at("files").as_array();
    if (files.empty()) std::cout << "no changes\n";
    for (const auto& item : files) {
        const auto& f = item.as_object();
        std::string counts =
            f.at("binary").as_bool()
                ? "binary"
                : "+" + std::to_string(f.at("insertions").to_number<std::int64_t>()) + " -" +
                      std::to_string(f.at("deletions").to_number<std::int64_t>());
        if (!full) {
            std::cout << field(f, "changeType") << "  " << field(f, "path") << "  " << counts
                      << "\n";
        } else if (f.at("diff").is_string()) {
            std::cout << f.at("diff").as_string();
        } else {
            std::cout << field(f, "path") << ": " << counts << " (diff left out)\n";
        }
    }
    if (diff.at("truncated").as_bool()) std::cout << "(truncated: the diff is bounded)\n";
}

int diffCheckpoints(Context& ctx, const std::string& ws, const std::string& from,
                    const std::string& to, bool stat) {
    std::string target = workspacePath(ctx, ws) + "/checkpoints/diff?from=" + queryValue(from) +
                         "&to=" + queryValue(to.empty() ? "worktree" : to);
    auto diff = ctx.client().get(target);
    if (ctx.globals.json) return printJson(diff), 0;
    printDiffFiles(diff.as_object(), !stat);
    return 0;
}

int restoreCheckpoint(Context& ctx, const std::string& ws, const std::string& id) {
    auto answer =
        ctx.client().post(workspacePath(ctx, ws) + "/checkpoints/" + queryValue(id) + "/restore");
    if (ctx.globals.json) return printJson(answer), 0;
    const auto& a = answer.as_object();
    printCheckpoint(a.at("saved").as_object(), "saved the present as");
    printCheckpoint(a.at("restored").as_object(), "restored");
    return 0;
}

int commit(Context& ctx, const std::string& ws, const std::string& message, bool askAgent) {
    if (message.empty() == !askAgent)
        throw CliError("give either -m MESSAGE or --ask-agent", "usage", {}, kExitUsage);
    json::object body;
    if (askAgent)
        body["askAgent"] = true;
    else
        body["message"] = message;
    auto answer = ctx.client().post(workspacePath(ctx, ws) + "/commit", body);
    if (ctx.globals.json) return printJson(answer), 0;
    const auto& a = answer.as_object();
    if (a.contains("asked")) {
        std::cout << "asked the agent (session " << shortId(field(a, "sessionId"))
                  << ") to commit\n";
    } else {
        std::cout << "committed " << bold(shortId(field(a, "commit"))) << " ("
                  << a.at("files").to_number<std::int64_t>() << " files)\n";
    }
    return 0;
}

int workspaceDiff(Context& ctx, const std::string& ws, const std::string& file, bool stat) {
    std::string target = workspacePath(ctx, ws) + "/diff";
    if (!file.empty()) target += "?path=" + queryValue(file);
    auto diff = ctx.client().get(target);
    if (ctx.globals.json) return printJson(diff), 0;
    printDiffFiles(diff.as_object(), !stat);
    return 0;
}

struct Args {
    std::string workspace, id, to, label, message, file;
    bool askAgent = false, stat = false;
};

void addCheckpointVerbs(CLI::App* group, Context& ctx, const std::shared_ptr<Args>& a) {
    auto* ls = group->add_subcommand("ls", "List a workspace's checkpoints, newest first");
    ls->add_option("workspace", a->workspace, "Workspace (id, prefix or name)")->required();
    handle(ls, ctx, [&ctx, a] { return listCheckpoints(ctx, a->workspace); });

    auto* create = group->add_subcommand("create", "Checkpoint a workspace's files now");
    create->add_option("workspace", a->workspace, "Workspace")->required();
    create->add_option("--label", a->label, "What this checkpoint is");
    handle(create, ctx, [&ctx, a] { return createCheckpoint(ctx, a->workspace, a->label); });

    auto* diff = group->add_subcommand("diff", "Changes from a checkpoint to another or to now");
    diff->add_option("workspace", a->workspace, "Workspace")->required();
    diff->add_option("from", a->id, "Checkpoint id (or prefix)")->required();
    diff->add_option("to", a->to, "Checkpoint id, or worktree (default)");
    diff->add_flag("--stat", a->stat, "Files and counts only");
    handle(diff, ctx,
           [&ctx, a] { return diffCheckpoints(ctx, a->workspace, a->id, a->to, a->stat); });

    auto* restore = group->add_subcommand(
        "restore", "Make the files a checkpoint's again (the present is checkpointed first)");
    restore->add_option("workspace", a->workspace, "Workspace")->required();
    restore->add_option("id", a->id, "Checkpoint id (or prefix)")->required();
    handle(restore, ctx, [&ctx, a] { return restoreCheckpoint(ctx, a->workspace, a->id); });
}

}  // namespace

void addCheckpointCommands(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<Args>();
    auto* group =
        app.add_subcommand("checkpoint", "A workspace's checkpoints: ls, create, diff, restore");
    group->require_subcommand(1);
    addCheckpointVerbs(group, ctx, a);

    auto* commitCmd =
        app.add_subcommand("commit", "Commit everything in a workspace (or ask its agent to)");
    commitCmd->add_option("workspace", a->workspace, "Workspace")->required();
    commitCmd->add_option("-m,--message", a->message, "The commit message");
    commitCmd->add_flag("--ask-agent", a->askAgent, "Ask the workspace's agent to commit");
    handle(commitCmd, ctx,
           [&ctx, a] { return commit(ctx, a->workspace, a->message, a->askAgent); });

    auto* diff = app.add_subcommand("diff", "A workspace's changes against its base");
    diff->add_option("workspace", a->workspace, "Workspace")->required();
    diff->add_option("file", a->file, "Only this file");
    diff->add_flag("--stat", a->stat, "Files and counts only");
    handle(diff, ctx, [&ctx, a] { return workspaceDiff(ctx, a->workspace, a->file, a->stat); });
}

}  // namespace parawork::cli
