// The dispatcher: global flags, the daemon's own verbs (serve, status, version, config), and the
// command groups of the other files (commands.hpp). Usage errors exit 2 (docs/cli.md).
#include "cli/cli.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/daemon_client.hpp"
#include "daemon/config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/paths.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Never starts a daemon: `status` answers whether one runs.
int status(Context& ctx) {
    auto paths = ctx.paths();
    ConnectOptions options;
    options.autostart = false;
    auto client = DaemonClient::connect(paths, options);
    auto health = client.get("/api/health").as_object();
    auto info = json::parse(readFile(paths.daemonInfoFile())).as_object();
    if (ctx.globals.json) {
        health["pid"] = info.at("pid");
        health["url"] = info.at("url");
        health["socket"] = paths.socketFile().string();
        printJson(health);
    } else {
        std::cout << "parawork " << std::string_view(health.at("version").as_string())
                  << " is running (pid " << info.at("pid")
                  << ")\n  ui:     " << std::string_view(info.at("url").as_string())
                  << "\n  socket: " << paths.socketFile().string()
                  << "\n  uptime: " << health.at("uptimeMs").to_number<double>() / 1000.0 << " s\n";
    }
    return 0;
}

void addDaemonCommands(CLI::App& app, Context& ctx) {
    auto serveOptions = std::make_shared<daemon::ServeOptions>();
    auto flags = std::make_shared<std::array<std::string, 3>>();
    auto* serveCmd = app.add_subcommand("serve", "Run the daemon in the foreground");
    serveCmd->add_option("--host", (*flags)[0], "Address to listen on (default 127.0.0.1)");
    serveCmd->add_option("--port", (*flags)[1], "TCP port; 0 picks a free one (default 3000)");
    serveCmd->add_option("--log-level", (*flags)[2], "trace, debug, info, warn, error or off");
    serveCmd->callback([&ctx, serveOptions, flags] {
        auto& [host, port, logLevel] = *flags;
        serveOptions->home = ctx.globals.homePath();
        if (!host.empty()) serveOptions->overrides.emplace_back("server.host", host, "--host");
        if (!port.empty()) serveOptions->overrides.emplace_back("server.port", port, "--port");
        if (!logLevel.empty())
            serveOptions->overrides.emplace_back("log.level", logLevel, "--log-level");
        throw CLI::RuntimeError(daemon::serve(*serveOptions));
    });

    handle(app.add_subcommand("status", "Tell whether the daemon runs, where, and since when"), ctx,
           [&ctx] { return status(ctx); });
    handle(app.add_subcommand("version", "Print the version"), ctx, [&ctx] {
        if (ctx.globals.json)
            printJson(json::object{{"version", PARAWORK_VERSION}});
        else
            std::cout << "parawork " << PARAWORK_VERSION << "\n";
        return 0;
    });

    auto* configCmd = app.add_subcommand("config", "Show configuration");
    configCmd->require_subcommand(1);
    handle(
        configCmd->add_subcommand("defaults", "Print a commented config.toml with every default"),
        ctx, [&ctx] {
            if (ctx.globals.json)
                printJson(json::object{{"toml", daemon::defaultConfigToml()}});
            else
                std::cout << daemon::defaultConfigToml();
            return 0;
        });
    handle(configCmd->add_subcommand("path", "Print where config.toml is read from"), ctx, [&ctx] {
        auto path = ctx.paths().configFile().string();
        if (ctx.globals.json)
            printJson(json::object{{"path", path}});
        else
            std::cout << path << "\n";
        return 0;
    });
}

}  // namespace

void handle(CLI::App* cmd, Context& ctx, std::function<int()> body) {
    cmd->callback(
        [&ctx, body = std::move(body)] { throw CLI::RuntimeError(runGuarded(ctx, body)); });
}

int run(int argc, char** argv) {
    CLI::App app{"parawork: run many coding agents in parallel, each in its own git worktree"};
    app.require_subcommand(1);
    // The global flags work after the verb too (`parawork ps --json`).
    app.fallthrough();
    app.set_version_flag("--version", std::string("parawork ") + PARAWORK_VERSION);
    Context ctx;
    app.add_option("--home", ctx.globals.home,
                   "Keep all state under this directory (env PARAWORK_HOME)");
    app.add_flag("--json", ctx.globals.json, "Machine-readable output");

    addDaemonCommands(app, ctx);
    addSessionCommands(app, ctx);
    addWorkspaceCommands(app, ctx);
    addOpenCommand(app, ctx);
    addExecCommand(app, ctx);
    addDepsCommand(app, ctx);
    addTopCommand(app, ctx);
    addPortCommands(app, ctx);
    addCompletionCommand(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code();
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        // The parse may have stopped before --json was read.
        for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i)
            if (std::string_view(argv[i]) == "--json") ctx.globals.json = true;
        return printError(ctx.globals, e.what(), "usage", "see `parawork --help`", kExitUsage);
    }
    return 0;
}

}  // namespace parawork::cli
