// open: the web UI's one-time login link (daemon.json's url plus the token), opened with
// xdg-open when there is a desktop to open it on, else printed.
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

int openCommand(Context& ctx, bool print) {
    ctx.client();  // the daemon must run (and is started when it does not)
    auto paths = ctx.paths();
    auto info = json::parse(readFile(paths.daemonInfoFile())).as_object();
    auto url = field(info, "url");
    std::string token;
    try {
        token = daemon::loadOrCreateToken(paths.tokenFile());
    } catch (const std::exception& e) {
        throw CliError(e.what(), "forbidden");
    }
    auto link = url + "/?token=" + token;
    bool desktop = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY");
    auto opener = print || !desktop ? std::string() : onPath("xdg-open");
    bool opened = !opener.empty() && launch(opener, link);
    if (ctx.globals.json) {
        printJson(json::object{{"url", link}, {"opened", opened}});
    } else {
        if (opened) std::cerr << "opening the UI in your browser\n";
        std::cout << link << "\n";
    }
    return 0;
}

}  // namespace

void addOpenCommand(CLI::App& app, Context& ctx) {
    auto print = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("open", "Open the web UI (a one-time login link)");
    cmd->add_flag("--print", *print, "Only print the link");
    handle(cmd, ctx, [&ctx, print] { return openCommand(ctx, *print); });
}

}  // namespace parawork::cli
