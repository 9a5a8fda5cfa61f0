// The dispatcher: global flags, the daemon's own verbs (serve, status, version, config), and the
// command groups of the other files (commands.hpp). Usage errors exit 2 (docs/cli.md).
#include "cli/cli.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>

#include "api/security.hpp"
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
    if (autostartAllowed())
        options.notRunningHint = "start one with `parawork serve`, or run any verb that needs it";
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

/// "ADDR:PORT", "[v6]:PORT" or "ADDR" as server.host / server.port overrides.
void addListenOverrides(daemon::ServeOptions& options, const std::string& listen) {
    auto hostPort = api::parseHostHeader(listen);
    if (!hostPort)
        throw CLI::ValidationError("--listen",
                                   "expected ADDRESS:PORT such as 0.0.0.0:3000 or "
                                   "[::]:3000, got \"" +
                                       listen + "\"");
    std::string host = hostPort->host;
    if (host.starts_with('[')) host = host.substr(1, host.size() - 2);
    options.overrides.emplace_back("server.host", host, "--listen");
    if (hostPort->port)
        options.overrides.emplace_back("server.port", std::to_string(*hostPort->port), "--listen");
}

void addDaemonCommands(CLI::App& app, Context& ctx) {
    // serve's flags are config overrides: (flag, config key, help).
    struct Flag {
        std::string_view name, key, help;
    };
    static constexpr Flag kValueFlags[] = {
        {"--host", "server.host", "Address to listen on (default 127.0.0.1)"},
        {"--port", "server.port", "TCP port; 0 picks a free one (default 3000)"},
        {"--log-level", "log.level", "trace, debug, info, warn, error or off"},
        {"--tls-cert", "server.tls_cert", "TLS certificate chain (PEM)"},
        {"--tls-key", "server.tls_key", "TLS private key (PEM)"},
    };
    static constexpr Flag kSwitches[] = {
        {"--behind-proxy", "server.behind_proxy",
         "A TLS reverse proxy is in front: trust its X-Forwarded-* (server.trusted_proxies)"},
        {"--insecure", "server.insecure", "Allow plain HTTP on a non-loopback address"},
    };
    auto serveOptions = std::make_shared<daemon::ServeOptions>();
    auto values = std::make_shared<std::array<std::string, std::size(kValueFlags)>>();
    auto switches = std::make_shared<std::array<bool, std::size(kSwitches)>>();
    auto listen = std::make_shared<std::string>();
    auto* serveCmd = app.add_subcommand("serve", "Run the daemon in the foreground");
    serveCmd->add_option("--listen", *listen,
                         "ADDRESS:PORT to listen on, e.g. 0.0.0.0:3000 (remote access needs TLS, "
                         "--behind-proxy or --insecure)");
    for (std::size_t i = 0; i < std::size(kValueFlags); ++i)
        serveCmd->add_option(std::string(kValueFlags[i].name), (*values)[i],
                             std::string(kValueFlags[i].help));
    for (std::size_t i = 0; i < std::size(kSwitches); ++i)
        serveCmd->add_flag(std::string(kSwitches[i].name), (*switches)[i],
                           std::string(kSwitches[i].help));
    serveCmd->callback([&ctx, serveOptions, values, switches, listen] {
        serveOptions->home = ctx.globals.homePath();
        if (!listen->empty()) addListenOverrides(*serveOptions, *listen);
        for (std::size_t i = 0; i < std::size(kValueFlags); ++i) {
            std::string value = (*values)[i];
            // A file named on the command line is relative to where the command runs.
            bool file = kValueFlags[i].key.starts_with("server.tls_");
            if (file && !value.empty() && !value.starts_with('/') && !value.starts_with("~/"))
                value = std::filesystem::absolute(value).lexically_normal().string();
            if (!value.empty())
                serveOptions->overrides.emplace_back(kValueFlags[i].key, value,
                                                     kValueFlags[i].name);
        }
        for (std::size_t i = 0; i < std::size(kSwitches); ++i)
            if ((*switches)[i])
                serveOptions->overrides.emplace_back(kSwitches[i].key, "true", kSwitches[i].name);
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

/// The help of `app` or of the verb `words` names (`help ws new`).
int printHelp(const CLI::App& app, const std::vector<std::string>& words) {
    const CLI::App* target = &app;
    std::string path;
    for (const auto& word : words) {
        path += (path.empty() ? "" : " ") + word;
        auto found = target->get_subcommands(
            [&word](const CLI::App* sub) { return sub->get_name() == word; });
        if (found.empty())
            throw CliError("no verb \"" + path + "\"", "usage", "`parawork help` lists the verbs",
                           kExitUsage);
        target = found.front();
    }
    std::cout << target->help();
    return 0;
}

void addHelpCommand(CLI::App& app, Context& ctx) {
    auto* helpCmd =
        app.add_subcommand("help", "Print the help of parawork or of a verb (help VERB)");
    // Everything after `help` is the verb's name, never parsed as flags or verbs of its own.
    helpCmd->prefix_command();
    helpCmd->fallthrough(false);  // else "ws" would be taken as the verb `ws` itself
    handle(helpCmd, ctx, [&app, helpCmd] { return printHelp(app, helpCmd->remaining()); });
}

}  // namespace

void handle(CLI::App* cmd, Context& ctx, std::function<int()> body) {
    cmd->callback(
        [&ctx, body = std::move(body)] { throw CLI::RuntimeError(runGuarded(ctx, body)); });
}

int run(int argc, char** argv) {
    CLI::App app{"parawork: run many coding agents in parallel, each in its own git worktree"};
    app.require_subcommand(0, 1);  // none: the help
    // The global flags work after the verb too (`parawork ps --json`).
    app.fallthrough();
    app.set_version_flag("--version", std::string("parawork ") + PARAWORK_VERSION);
    Context ctx;
    app.add_option("--home", ctx.globals.home,
                   "Keep all state under this directory (env PARAWORK_HOME)");
    app.add_flag("--json", ctx.globals.json, "Machine-readable output");

    addDaemonCommands(app, ctx);
    addSessionCommands(app, ctx);
    addWaitCommand(app, ctx);
    addScreenCommands(app, ctx);
    addWorkspaceCommands(app, ctx);
    addBranchCommands(app, ctx);
    addOpenCommand(app, ctx);
    addExecCommand(app, ctx);
    addDepsCommand(app, ctx);
    addCheckpointCommands(app, ctx);
    addPushCommands(app, ctx);
    addTopCommand(app, ctx);
    addPortCommands(app, ctx);
    addReviewCommands(app, ctx);
    addTokenCommands(app, ctx);
    addLifecycleCommands(app, ctx);
    addHookCommand(app, ctx);
    addMcpCommand(app, ctx);
    addHelpCommand(app, ctx);
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
    if (app.get_subcommands().empty()) std::cout << app.help();
    return 0;
}

}  // namespace parawork::cli
