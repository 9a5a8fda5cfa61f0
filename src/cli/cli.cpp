#include "cli/cli.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/http_client.hpp"
#include "daemon/config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/paths.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

struct Globals {
    std::string home;
    bool json = false;
    std::optional<std::filesystem::path> homePath() const {
        return home.empty() ? std::nullopt : std::optional<std::filesystem::path>(home);
    }
};

int fail(const Globals& g, const std::string& message, const std::string& code, int exitCode = 1) {
    if (g.json)
        std::cout << json::serialize(json::object{{"error", message}, {"code", code}}) << "\n";
    else
        std::cerr << "parawork: " << message << "\n";
    return exitCode;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int status(const Globals& g) {
    auto paths = daemon::resolvePaths(g.homePath(), daemon::processEnv());
    api::Endpoint endpoint;
    endpoint.unixSocket = paths.socketFile();
    try {
        api::HttpClient client(endpoint, std::chrono::seconds(5));
        auto reply = client.get("/api/health");
        auto health = json::parse(reply.body).as_object().at("data").as_object();
        auto info = json::parse(readFile(paths.daemonInfoFile())).as_object();
        if (g.json) {
            health["pid"] = info.at("pid");
            health["url"] = info.at("url");
            health["socket"] = paths.socketFile().string();
            std::cout << json::serialize(health) << "\n";
        } else {
            std::cout << "parawork " << std::string_view(health.at("version").as_string())
                      << " is running (pid " << info.at("pid")
                      << ")\n  ui:     " << std::string_view(info.at("url").as_string())
                      << "\n  socket: " << paths.socketFile().string()
                      << "\n  uptime: " << health.at("uptimeMs").to_number<double>() / 1000.0
                      << " s\n";
        }
        return 0;
    } catch (const api::ConnectError&) {
        return fail(g,
                    "no daemon is running for " + paths.dataDir.string() +
                        " (start one with `parawork serve`)",
                    "not_running");
    } catch (const std::exception& e) {
        return fail(g, std::string("unexpected answer from the daemon: ") + e.what(), "protocol");
    }
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"parawork: run many coding agents in parallel, each in its own git worktree"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("parawork ") + PARAWORK_VERSION);
    Globals g;
    app.add_option("--home", g.home, "Keep all state under this directory (env PARAWORK_HOME)");
    app.add_flag("--json", g.json, "Machine-readable output");

    daemon::ServeOptions serveOptions;
    std::string host, port, logLevel;
    auto* serveCmd = app.add_subcommand("serve", "Run the daemon in the foreground");
    serveCmd->add_option("--host", host, "Address to listen on (default 127.0.0.1)");
    serveCmd->add_option("--port", port, "TCP port; 0 picks a free one (default 3000)");
    serveCmd->add_option("--log-level", logLevel, "trace, debug, info, warn, error or off");
    serveCmd->callback([&] {
        serveOptions.home = g.homePath();
        if (!host.empty()) serveOptions.overrides.emplace_back("server.host", host, "--host");
        if (!port.empty()) serveOptions.overrides.emplace_back("server.port", port, "--port");
        if (!logLevel.empty())
            serveOptions.overrides.emplace_back("log.level", logLevel, "--log-level");
        throw CLI::RuntimeError(daemon::serve(serveOptions));
    });

    app.add_subcommand("status", "Tell whether the daemon runs, where, and since when")
        ->callback([&] { throw CLI::RuntimeError(status(g)); });
    app.add_subcommand("version", "Print the version")->callback([&] {
        std::cout << "parawork " << PARAWORK_VERSION << "\n";
    });

    auto* configCmd = app.add_subcommand("config", "Show configuration");
    configCmd->require_subcommand(1);
    configCmd->add_subcommand("defaults", "Print a commented config.toml with every default")
        ->callback([] { std::cout << daemon::defaultConfigToml(); });
    configCmd->add_subcommand("path", "Print where config.toml is read from")->callback([&] {
        std::cout << daemon::resolvePaths(g.homePath(), daemon::processEnv()).configFile().string()
                  << "\n";
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code();
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return 0;
}

}  // namespace parawork::cli
