// review add|ls|resolve|reopen|rm|send: review comments on a workspace's changes and sending
// them to its agent (issue 20 §1, docs/review.md). Comments are named by id or a unique prefix
// of one, across every workspace.
#include <charconv>
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

std::string commentsPath(const std::string& workspaceId) {
    return "/api/workspaces/" + workspaceId + "/review/comments";
}

std::int64_t number(const json::object& o, const char* name) {
    const auto* v = o.if_contains(name);
    return v && v->is_number() ? v->to_number<std::int64_t>() : 0;
}

/// "src/a.cpp:12" or "src/a.cpp:12-20" (the last ':' splits: a file name may hold one).
json::object parseLocation(const std::string& text) {
    auto bad = [&] {
        return CliError("expected FILE:LINE or FILE:LINE-END, not \"" + text + "\"", "invalid",
                        "e.g. src/main.cpp:42 or src/main.cpp:42-50");
    };
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) throw bad();
    std::string lines = text.substr(colon + 1);
    auto dash = lines.find('-');
    auto parse = [&](std::string_view digits) {
        long long n = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
            throw bad();
        return n;
    };
    json::object out{{"path", text.substr(0, colon)}};
    out["line"] = parse(std::string_view(lines).substr(0, dash));
    out["endLine"] = dash == std::string::npos ? out["line"].as_int64()
                                               : parse(std::string_view(lines).substr(dash + 1));
    return out;
}

std::string stateOf(const json::object& c) {
    const auto* resolved = c.if_contains("resolved");
    if (resolved && resolved->is_bool() && resolved->as_bool()) return "resolved";
    return number(c, "sentAt") ? "sent" : "open";
}

std::string locationOf(const json::object& c) {
    std::string where = field(c, "path") + ":" + std::to_string(number(c, "line"));
    if (number(c, "endLine") != number(c, "line"))
        where += "-" + std::to_string(number(c, "endLine"));
    return field(c, "side") == "old" ? where + " (base)" : where;
}

/// Every comment of the workspaces (all of them when `workspaceArg` is empty), each with the
/// workspace's name under "workspaceName" for the table.
json::array collectComments(DaemonClient& client, const std::string& workspaceArg,
                            const std::string& state) {
    std::vector<json::object> workspaces;
    if (!workspaceArg.empty()) {
        workspaces.push_back(resolveWorkspace(client, workspaceArg));
    } else {
        auto all = client.get("/api/workspaces");
        for (const auto& w : all.as_array()) workspaces.push_back(w.as_object());
    }
    json::array out;
    for (const auto& ws : workspaces) {
        auto list = client.get(commentsPath(field(ws, "id")) + "?state=" + state);
        for (auto& c : list.as_array()) {
            c.as_object()["workspaceName"] = field(ws, "name");
            out.push_back(std::move(c));
        }
    }
    return out;
}

/// The comment `arg` names (an id or a unique prefix), in any workspace.
json::object resolveComment(DaemonClient& client, const std::string& arg) {
    auto all = collectComments(client, "", "all");
    std::vector<Candidate> candidates;
    for (const auto& c : all) candidates.push_back({field(c.as_object(), "id"), "", false});
    const auto& picked = resolveCandidate(candidates, arg, "comment");
    for (const auto& c : all)
        if (field(c.as_object(), "id") == picked.id) return c.as_object();
    throw CliError("no comment " + arg, "not_found");
}

int reviewAdd(Context& ctx, const std::string& wsArg, const std::string& location,
              const std::vector<std::string>& words, bool old) {
    auto& client = ctx.client();
    auto ws = resolveWorkspace(client, wsArg);
    json::object body = parseLocation(location);
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    body["body"] = text;
    body["side"] = old ? "old" : "new";
    auto c = client.post(commentsPath(field(ws, "id")), body).as_object();
    if (ctx.globals.json)
        printJson(c);
    else
        std::cout << "added comment " << shortId(field(c, "id")) << " on " << locationOf(c) << "\n";
    return 0;
}

int reviewList(Context& ctx, const std::string& wsArg, const std::string& state) {
    auto comments = collectComments(ctx.client(), wsArg, state);
    if (ctx.globals.json) {
        for (auto& c : comments) c.as_object().erase("workspaceName");
        printJson(comments);
        return 0;
    }
    if (comments.empty()) {
        std::cout << "no comments (add one with `parawork review add WS FILE:LINE TEXT`)\n";
        return 0;
    }
    Table table({"ID", "WORKSPACE", "STATE", "WHERE", "COMMENT"});
    for (const auto& item : comments) {
        const auto& c = item.as_object();
        table.add({shortId(field(c, "id")), field(c, "workspaceName"), stateOf(c), locationOf(c),
                   ellipsize(field(c, "body"), 60)});
    }
    table.print(std::cout);
    return 0;
}

/// resolve, reopen (`patch` {resolved}) and rm (`patch` empty: DELETE) of each comment named.
int reviewEach(Context& ctx, const std::vector<std::string>& args, std::optional<bool> resolved) {
    auto& client = ctx.client();
    json::array results;
    for (const auto& arg : args) {
        auto c = resolveComment(client, arg);
        std::string target = commentsPath(field(c, "workspaceId")) + "/" + field(c, "id");
        if (resolved) {
            results.push_back(client.call("PATCH", target, json::object{{"resolved", *resolved}}));
        } else {
            client.del(target);
            results.push_back(json::object{{"id", field(c, "id")}, {"deleted", true}});
        }
        if (!ctx.globals.json)
            std::cout << (!resolved   ? "deleted"
                          : *resolved ? "resolved"
                                      : "reopened")
                      << " comment " << shortId(field(c, "id")) << " on " << locationOf(c) << "\n";
    }
    if (ctx.globals.json) printJson(results);
    return 0;
}

int reviewSend(Context& ctx, const std::string& wsArg, const std::vector<std::string>& args) {
    auto& client = ctx.client();
    auto ws = resolveWorkspace(client, wsArg);
    json::object body;
    if (!args.empty()) {
        json::array ids;
        for (const auto& arg : args)
            ids.push_back(json::value(field(resolveComment(client, arg), "id")));
        body["commentIds"] = std::move(ids);
    }
    auto sent =
        client.post("/api/workspaces/" + field(ws, "id") + "/review/send", body).as_object();
    if (ctx.globals.json)
        printJson(sent);
    else
        std::cout << "sent " << number(sent, "sent") << " comment(s) to session "
                  << shortId(field(sent, "sessionId")) << "\n";
    return 0;
}

}  // namespace

void addReviewCommands(CLI::App& app, Context& ctx) {
    auto* review = app.add_subcommand("review", "Review comments, sent to the agent");
    review->require_subcommand(1);

    struct AddArgs {
        std::string ws, location;
        std::vector<std::string> words;
        bool old = false;
    };
    auto add = std::make_shared<AddArgs>();
    auto* addCmd = review->add_subcommand("add", "Comment on lines of a workspace's file");
    addCmd->add_option("workspace", add->ws, "Workspace (id, prefix or name)")->required();
    addCmd->add_option("location", add->location, "FILE:LINE or FILE:LINE-END")->required();
    addCmd->add_option("text", add->words, "The comment")->required();
    addCmd->add_flag("--old", add->old, "The lines as they were in the base (deleted lines)");
    handle(addCmd, ctx,
           [&ctx, add] { return reviewAdd(ctx, add->ws, add->location, add->words, add->old); });

    struct ListArgs {
        std::string ws;
        bool open = false, resolved = false;
    };
    auto ls = std::make_shared<ListArgs>();
    auto* lsCmd = review->add_subcommand("ls", "List review comments");
    lsCmd->add_option("workspace", ls->ws, "Workspace (default: every workspace)");
    auto* openFlag = lsCmd->add_flag("--open", ls->open, "Only the open ones");
    lsCmd->add_flag("--resolved", ls->resolved, "Only the resolved ones")->excludes(openFlag);
    handle(lsCmd, ctx, [&ctx, ls] {
        return reviewList(ctx, ls->ws, ls->open ? "open" : ls->resolved ? "resolved" : "all");
    });

    struct Each {
        const char* name;
        const char* help;
        std::optional<bool> resolved;
    };
    for (const Each& each : {Each{"resolve", "Mark comments resolved", true},
                             Each{"reopen", "Mark comments open again", false},
                             Each{"rm", "Delete comments", std::nullopt}}) {
        auto ids = std::make_shared<std::vector<std::string>>();
        auto* cmd = review->add_subcommand(each.name, each.help);
        cmd->add_option("ids", *ids, "Comments (id or prefix)")->required();
        handle(cmd, ctx,
               [&ctx, ids, resolved = each.resolved] { return reviewEach(ctx, *ids, resolved); });
    }

    auto send = std::make_shared<std::pair<std::string, std::vector<std::string>>>();
    auto* sendCmd = review->add_subcommand(
        "send", "Send comments to the workspace's agent (default: every open, unsent one)");
    sendCmd->add_option("workspace", send->first, "Workspace (id, prefix or name)")->required();
    sendCmd->add_option("ids", send->second, "Only these comments (id or prefix)");
    handle(sendCmd, ctx, [&ctx, send] { return reviewSend(ctx, send->first, send->second); });
}

}  // namespace parawork::cli
