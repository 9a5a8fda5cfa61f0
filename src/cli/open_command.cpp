// open and ws open: the web UI's one-time login link (daemon.json's url plus the token; for a
// workspace, its route after '#'), opened with xdg-open when there is a desktop, else printed.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "cli/ids.hpp"
#include "daemon/token.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
    std::ifstream in(path);
    if (!in) throw CliError("cannot read " + path.string(), "not_running", "`parawork status`");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The first executable `name` on PATH, or "".
std::string onPath(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        auto candidate = fs::path(dir.empty() ? "." : dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return {};
}

/// Starts `opener url` detached, its output discarded; true when it could be started.
bool launch(const std::string& opener, const std::string& url) {
    pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
        ::setsid();
        int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
            ::dup2(null, 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
        }
        // A grandchild, so that the opener is never our zombie.
        if (::fork() == 0) {
            ::execl(opener.c_str(), opener.c_str(), url.c_str(), static_cast<char*>(nullptr));
        }
        ::_exit(0);
    }
    ::waitpid(pid, nullptr, 0);
    return true;
}

/// The UI's one-time login link; the daemon must run (and is started when it does not).
std::string loginLink(Context& ctx) {
    ctx.client();
    auto paths = ctx.paths();
    auto info = json::parse(readFile(paths.daemonInfoFile())).as_object();
    auto url = field(info, "url");
    std::string token;
    try {
        token = daemon::loadOrCreateToken(paths.tokenFile());
    } catch (const std::exception& e) {
        throw CliError(e.what(), "forbidden");
    }
    return url + "/?token=" + token;
}

/// Prints `link` and opens it in a browser unless `print`; `extra` goes into the JSON answer.
int openLink(Context& ctx, const std::string& link, bool print, json::object extra = {}) {
    bool desktop = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY");
    auto opener = print || !desktop ? std::string() : onPath("xdg-open");
    bool opened = !opener.empty() && launch(opener, link);
    if (ctx.globals.json) {
        extra["url"] = link;
        extra["opened"] = opened;
        printJson(extra);
    } else {
        if (opened) std::cerr << "opening the UI in your browser\n";
        std::cout << link << "\n";
    }
    return 0;
}

/// The UI focused on one workspace: the login link with the workspace's route as its fragment
/// (the login's redirect keeps it).
int openWorkspace(Context& ctx, const std::string& arg, bool print) {
    auto id = field(resolveWorkspace(ctx.client(), arg), "id");
    return openLink(ctx, loginLink(ctx) + "#/workspaces/" + id, print, {{"workspace_id", id}});
}

}  // namespace

void addOpenCommand(CLI::App& app, Context& ctx) {
    auto print = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("open", "Open the web UI (a one-time login link)");
    cmd->add_flag("--print", *print, "Only print the link");
    handle(cmd, ctx, [&ctx, print] { return openLink(ctx, loginLink(ctx), *print); });

    // `ws open`, beside the other workspace verbs (addWorkspaceCommands made `ws`).
    auto workspace = std::make_shared<std::pair<std::string, bool>>();
    auto* wsOpen = app.get_subcommand("ws")->add_subcommand(
        "open", "Open the web UI on a workspace (a one-time login link)");
    wsOpen->add_option("id", workspace->first, "Workspace (id, prefix or name)")->required();
    wsOpen->add_flag("--print", workspace->second, "Only print the link");
    handle(wsOpen, ctx,
           [&ctx, workspace] { return openWorkspace(ctx, workspace->first, workspace->second); });
}

}  // namespace parawork::cli
