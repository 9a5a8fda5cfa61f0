// shutdown and restart: stopping the daemon from the command line (issue 17 §5). The stop is
// asked for over the unix socket (POST /api/daemon/shutdown, refused over TCP); the daemon has
// gone when its instance lock is free. Sessions keep running in their hosts either way, and the
// next daemon adopts them. restart = shutdown, then the autostart of any verb, with this home.
#include <chrono>
#include <iostream>
#include <thread>

#include <boost/json/object.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "daemon/instance_lock.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

/// How long a stopping daemon may take: up to 3 s for its connections, then its threads.
constexpr auto kStopTimeout = 30s;

/// Asks the daemon to stop and waits until it has; false when none was running.
bool stopDaemon(Context& ctx) {
    auto paths = ctx.paths();
    ConnectOptions options;
    options.autostart = false;
    std::optional<DaemonClient> client;
    try {
        client.emplace(DaemonClient::connect(paths, options));
    } catch (const CliError& e) {
        if (e.code == "not_running") return false;
        throw;
    }
    try {
        client->post("/api/daemon/shutdown");
    } catch (const CliError& e) {
        // The daemon may close the connection before its answer is out: it is stopping anyway.
        if (e.code != "not_running") throw;
    }
    auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
    while (daemon::InstanceLock::holderPid(paths.lockFile())) {
        if (std::chrono::steady_clock::now() > deadline)
            throw CliError(
                "the daemon did not stop within " + std::to_string(kStopTimeout.count()) + " s",
                "daemon_error",
                "see " + (paths.dataDir / "daemon.out").string() +
                    "; `parawork status` shows its pid");
        std::this_thread::sleep_for(50ms);
    }
    return true;
}

int shutdownCommand(Context& ctx) {
    bool stopped = stopDaemon(ctx);
    if (ctx.globals.json)
        printJson(json::object{{"stopped", stopped}});
    else
        std::cout << (stopped ? "the daemon has stopped (its sessions keep running)\n"
                              : "no daemon was running\n");
    return 0;
}

int restartCommand(Context& ctx) {
    bool stopped = stopDaemon(ctx);
    // Started as any verb starts it, PARAWORK_NO_AUTOSTART or not: a start is what was asked for.
    ConnectOptions options;
    options.home = ctx.globals.homePath();
    auto client = DaemonClient::connect(ctx.paths(), options);
    auto health = client.get("/api/health").as_object();
    if (ctx.globals.json)
        printJson(json::object{{"stopped", stopped}, {"started", client.started()}});
    else
        std::cout << (client.started() ? "the daemon has restarted" : "a daemon was running")
                  << " (parawork " << std::string_view(health.at("version").as_string())
                  << "; sessions are adopted again)\n";
    return 0;
}

}  // namespace

void addLifecycleCommands(CLI::App& app, Context& ctx) {
    handle(app.add_subcommand("shutdown", "Stop the daemon (sessions keep running)"), ctx,
           [&ctx] { return shutdownCommand(ctx); });
    handle(app.add_subcommand("restart",
                              "Stop the daemon and start it again, e.g. after a config change"),
           ctx, [&ctx] { return restartCommand(ctx); });
}

}  // namespace parawork::cli
