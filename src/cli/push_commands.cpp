// `parawork push WS`, `parawork pr WS [--title T] [--body B] [--draft] [--ask-agent]` and
// `parawork pr status WS [--refresh]` (issue 20, docs/review.md): the workspace's branch pushed
// (never forced), its pull request opened with gh or the forge's compare page shown.
#include <iostream>
#include <memory>

#include <boost/json/object.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/ids.hpp"
#include "cli/output.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

struct PrOptions {
    std::string workspace, title, body, remote = "origin";
    bool draft = false, askAgent = false, refresh = false;
};

std::string text(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

void printPullRequest(const json::value& pr) {
    if (!pr.is_object()) return;
    const auto& o = pr.as_object();
    const auto& checks = o.at("checks").as_object();
    std::cout << "pull request #" << o.at("number").as_int64() << " (" << text(o, "state")
              << "): " << text(o, "title") << "\n  " << text(o, "url")
              << "\n  checks: " << checks.at("passing").as_int64() << " passing, "
              << checks.at("failing").as_int64() << " failing, " << checks.at("pending").as_int64()
              << " pending";
    if (auto review = text(o, "reviewDecision"); !review.empty())
        std::cout << "; review " << review;
    std::cout << "\n";
}

void printCompareUrl(const json::object& answer) {
    if (auto url = text(answer, "compareUrl"); !url.empty())
        std::cout << "open a pull request: " << url << "\n";
}

int pushCommand(Context& ctx, const PrOptions& opts) {
    auto& client = ctx.client();
    auto ws = resolveWorkspace(client, opts.workspace);
    auto pushed = client.post("/api/workspaces/" + field(ws, "id") + "/push",
                              json::object{{"remote", opts.remote}});
    if (ctx.globals.json) {
        printJson(pushed);
        return 0;
    }
    const auto& o = pushed.as_object();
    std::cout << "pushed " << text(o, "branch") << " to " << text(o, "remote") << "\n";
    printCompareUrl(o);
    return 0;
}

int prCommand(Context& ctx, const PrOptions& opts) {
    auto& client = ctx.client();
    auto ws = resolveWorkspace(client, opts.workspace);
    json::object body{{"draft", opts.draft}, {"askAgent", opts.askAgent}};
    if (!opts.title.empty()) body["title"] = opts.title;
    if (!opts.body.empty()) body["body"] = opts.body;
    auto answer = client.post("/api/workspaces/" + field(ws, "id") + "/pr", body);
    if (ctx.globals.json) {
        printJson(answer);
        return 0;
    }
    const auto& o = answer.as_object();
    if (o.contains("asked")) {
        std::cout << "asked the agent (session " << shortId(text(o, "sessionId"))
                  << ") to open the pull request\n";
        return 0;
    }
    if (const auto* pr = o.if_contains("pullRequest"); pr && pr->is_object()) {
        printPullRequest(*pr);
        return 0;
    }
    std::cout << "pushed; no pull request made: " << text(o, "reason") << "\n";
    printCompareUrl(o);
    return 0;
}

int prStatusCommand(Context& ctx, const PrOptions& opts) {
    auto& client = ctx.client();
    auto ws = resolveWorkspace(client, opts.workspace);
    auto answer = client.get("/api/workspaces/" + field(ws, "id") + "/pr" +
                             (opts.refresh ? "?refresh=1" : ""));
    if (ctx.globals.json) {
        printJson(answer);
        return 0;
    }
    const auto& o = answer.as_object();
    if (const auto* pr = o.if_contains("pullRequest"); pr && pr->is_object()) {
        printPullRequest(*pr);
    } else {
        const auto& gh = o.at("gh").as_object();
        std::cout << "no pull request"
                  << (!gh.at("installed").as_bool()  ? " (gh is not installed)"
                      : !gh.at("loggedIn").as_bool() ? " (gh is not logged in)"
                                                     : "")
                  << "\n";
        printCompareUrl(o);
    }
    return 0;
}

}  // namespace

void addPushCommands(CLI::App& app, Context& ctx) {
    auto push = std::make_shared<PrOptions>();
    auto* pushCmd = app.add_subcommand("push", "Push a workspace's branch (never forced)");
    pushCmd->add_option("workspace", push->workspace, "Workspace (id, prefix or name)")->required();
    pushCmd->add_option("--remote", push->remote, "The remote (default: origin)");
    handle(pushCmd, ctx, [&ctx, push] { return pushCommand(ctx, *push); });

    auto pr = std::make_shared<PrOptions>();
    auto* prCmd = app.add_subcommand("pr", "Push and open a workspace's pull request (gh)");
    prCmd->add_option("workspace", pr->workspace, "Workspace (id, prefix or name)");
    prCmd->add_option("--title", pr->title, "Its title (default: the first commit's subject)");
    prCmd->add_option("--body", pr->body, "Its description");
    prCmd->add_flag("--draft", pr->draft, "Open it as a draft");
    prCmd->add_flag("--ask-agent", pr->askAgent, "Push, then ask the agent to write and open it");
    auto status = std::make_shared<PrOptions>();
    auto* statusCmd = prCmd->add_subcommand("status", "A workspace's pull request and its checks");
    statusCmd->add_option("workspace", status->workspace, "Workspace (id, prefix or name)")
        ->required();
    statusCmd->add_flag("--refresh", status->refresh, "Ask gh now rather than the last refresh");
    handle(statusCmd, ctx, [&ctx, status] { return prStatusCommand(ctx, *status); });
    handle(prCmd, ctx, [&ctx, pr, statusCmd] {
        if (statusCmd->parsed()) return 0;  // `pr status` did the work
        if (pr->workspace.empty())
            throw CLI::ValidationError("workspace", "a workspace is required");
        return prCommand(ctx, *pr);
    });
}

}  // namespace parawork::cli
