#include "daemon/daemon.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/serialize.hpp>

#include "api/access_routes.hpp"
#include "api/dependency_routes.hpp"
#include "api/diff_routes.hpp"
#include "api/exec_routes.hpp"
#include "api/fs_routes.hpp"
#include "api/port_routes.hpp"
#include "api/repository_routes.hpp"
#include "api/server.hpp"
#include "api/session_routes.hpp"
#include "api/system_routes.hpp"
#include "api/terminal_routes.hpp"
#include "api/workspace_routes.hpp"
#include "auth/login_limiter.hpp"
#include "auth/preview_passes.hpp"
#include "auth/token_registry.hpp"
#include "core/error.hpp"
#include "daemon/config.hpp"
#include "daemon/instance_lock.hpp"
#include "daemon/logging.hpp"
#include "daemon/monitor_routes.hpp"
#include "daemon/paths.hpp"
#include "daemon/token.hpp"
#include "daemon/ui_urls.hpp"
#include "monitor/resource_monitor.hpp"
#include "ports/port_service.hpp"
#include "proxy/preview_proxy.hpp"
#include "session/session_service.hpp"
#include "store/database.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "watch/file_watcher.hpp"

namespace parawork::daemon {
namespace {

namespace net = boost::asio;

/// daemon.json tells clients where the daemon is; written atomically, readable by us only.
void writeDaemonInfo(const Paths& paths, std::uint16_t port, const std::string& url) {
    auto text = boost::json::serialize(boost::json::object{{"pid", ::getpid()},
                                                           {"port", port},
                                                           {"url", url},
                                                           {"socket", paths.socketFile().string()},
                                                           {"version", PARAWORK_VERSION}});
    auto tmp = paths.daemonInfoFile();
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) core::throwErrno("cannot write " + tmp.string());
    bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!written || ::rename(tmp.c_str(), paths.daemonInfoFile().c_str()) != 0)
        core::throwErrno("cannot write " + paths.daemonInfoFile().string());
}

/// parawork-host is installed beside the parawork binary.
std::filesystem::path hostBinary() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    auto candidate = self.parent_path() / "parawork-host";
    if (ec || !std::filesystem::exists(candidate))
        throw core::Error("cannot find parawork-host beside " + self.string());
    return candidate;
}

/// The host name of a URL such as server.public_url ("https://name:443" -> "name").
std::string hostOf(const std::string& url) {
    auto rest = url.substr(url.find("://") + 3);
    auto hostPort = api::parseHostHeader(rest);
    return hostPort ? hostPort->host : rest;
}

api::ServerOptions serverOptions(const Config& config, const Paths& paths,
                                 std::shared_ptr<auth::TokenRegistry> tokens,
                                 api::RequestStats& requestStats) {
    api::ServerOptions o;
    o.requestStats = &requestStats;
    o.host = config.host;
    o.port = config.port;
    o.unixSocket = paths.socketFile();
    o.maxBodyBytes = config.maxBodyBytes;
    o.maxWsMessageBytes = config.maxWsMessageBytes;
    o.maxWsSubscriptions = config.maxWsSubscriptions;
    o.wsPingIntervalSec = config.wsPingIntervalSec;
    o.requestHeadTimeout = std::chrono::milliseconds(config.requestHeadTimeoutMs);
    o.policy.allowedHosts = config.allowedHosts;
    // The names people use: the UI on the preview domain or at server.public_url.
    if (config.previewDomain != "localhost") o.policy.allowedHosts.push_back(config.previewDomain);
    if (config.publicUrl) o.policy.allowedHosts.push_back(hostOf(*config.publicUrl));
    o.policy.allowedOrigins = config.allowedOrigins;
    o.policy.tokens = std::move(tokens);
    o.policy.limiter = std::make_shared<auth::LoginLimiter>();
    o.policy.remote = !isLoopbackAddress(config.host);
    if (config.behindProxy) o.policy.trustedProxies = config.trustedProxies;
    o.tlsCert = config.tlsCert.value_or("");
    o.tlsKey = config.tlsKey.value_or("");
    return o;
}

int run(const ServeOptions& options) {
    Paths paths = resolvePaths(options.home, processEnv());
    preparePaths(paths);
    Config config = loadConfig(paths.configFile(), processEnv());
    for (const auto& [key, value, flag] : options.overrides)
        applyOverride(config, key, value, flag);
    if (config.worktreeBase) paths.worktreeBase = *config.worktreeBase;
    checkNetworkExposure(config);

    InstanceLock lock = InstanceLock::acquire(paths.lockFile());
    setupLogging(paths.logFile(), config.logLevel);
    std::string token = loadOrCreateToken(paths.tokenFile());
    store::Database db = store::Database::open(paths.databaseFile());
    // Who may come in (src/auth): the owner token, device tokens, preview passes.
    auto tokens = std::make_shared<auth::TokenRegistry>(token, &db);
    auto passes = std::make_shared<auth::PreviewPasses>(*tokens);
    spdlog::info("parawork {} starting (home: {}, database schema {})", PARAWORK_VERSION,
                 paths.dataDir.string(), db.schemaVersion());

    net::io_context loop(1);
    net::thread_pool workers(static_cast<std::size_t>(config.workerThreads));

    api::SystemInfo info;
    info.version = PARAWORK_VERSION;
    info.corsOrigins = config.allowedOrigins;
    info.token = [tokens] { return tokens->ownerToken(); };
    info.agents = config.agents;
    // POST /api/daemon/shutdown: the loop stops as on SIGTERM (set below, once it exists).
    std::function<void()> stopServing;
    info.shutdown = [&loop, &stopServing] {
        net::post(loop, [&stopServing] {
            if (stopServing) stopServing();
        });
    };
    // Session events reach the network edge through `server`, which exists once routes are built.
    api::HttpServer* server = nullptr;
    session::EventSink sink;
    sink.publish = [&server](const std::string& workspaceId, std::string event) {
        if (server) server->publish(workspaceId, std::move(event));
    };
    sink.terminalOutput = [&server](const std::string& sessionId, const std::string& workspaceId,
                                    core::SessionKind kind, std::uint64_t from, std::uint64_t to) {
        if (server) server->notifyTerminalOutput(sessionId, workspaceId, kind, from, to);
    };
    sink.listening = [&server] { return server && server->hasEventListeners(); };
    sink.outputAdvanced = [&server](const std::string& sessionId) {
        if (server) server->notifyOutput(sessionId);
    };
    // File changes of running agent and command sessions (src/watch), published like the rest;
    // never parawork's own directories (its database would record its own writes).
    watch::WatcherOptions watchOptions;
    watchOptions.excludedPaths = {paths.dataDir, paths.configDir, paths.runtimeDir};
    watch::FileWatcher fileWatcher(
        db,
        [&server](const std::string& workspaceId, std::string event) {
            if (server) server->publish(workspaceId, std::move(event));
        },
        watchOptions);
    sink.sessionRunning = [&fileWatcher, before = sink.sessionRunning](const core::Session& s) {
        if (before) before(s);
        fileWatcher.sessionRunning(s);
    };
    sink.sessionEnded = [&fileWatcher, before = sink.sessionEnded](const core::Session& s) {
        if (before) before(s);
        fileWatcher.sessionEnded(s);
    };
    // Ports sessions listen on, port blocks, readiness (src/ports); previews (src/proxy).
    ports::PortServiceConfig portConfig;
    portConfig.blocks = {static_cast<std::uint16_t>(config.portsFirst),
                         static_cast<std::uint16_t>(config.portsLast),
                         static_cast<std::uint16_t>(config.portsBlockSize)};
    ports::validate(portConfig.blocks);
    portConfig.scanInterval = std::chrono::milliseconds(config.portScanIntervalMs);
    portConfig.previewDomain = config.previewDomain;
    portConfig.previewPublicPort = static_cast<std::uint16_t>(config.previewPublicPort);
    portConfig.previewScheme = publicScheme(config);
    ports::PortService portService(db, portConfig,
                                   [&server](const std::string& workspaceId, std::string event) {
                                       if (server) server->publish(workspaceId, std::move(event));
                                   });
    sink.sessionRunning = [&portService, before = sink.sessionRunning](const core::Session& s) {
        if (before) before(s);
        portService.sessionRunning(s);
    };
    sink.sessionEnded = [&portService, before = sink.sessionEnded](const core::Session& s) {
        if (before) before(s);
        portService.sessionEnded(s);
    };
    sink.outputLine = [&portService](const std::string& sessionId, const std::string& workspaceId,
                                     std::string_view line) {
        portService.outputLine(sessionId, workspaceId, line);
    };
    // Resources, limits and startup figures of running sessions (src/monitor). It stops a
    // session through `sessionsForLimits`, which exists once the session service does.
    session::SessionService* sessionsForLimits = nullptr;
    monitor::MonitorOptions monitorOptions;
    monitorOptions.interval = std::chrono::milliseconds(config.resourceSampleIntervalMs);
    monitorOptions.cgroups = config.resourceCgroups;
    monitor::MonitorSink monitorSink;
    monitorSink.publish = sink.publish;
    monitorSink.stop = [&sessionsForLimits](const std::string& id, const std::string& reason) {
        if (sessionsForLimits) sessionsForLimits->stop(id, reason);
    };
    monitorSink.recordPeaks = [&db](const std::string& id, double memoryMb, double cpuPercent) {
        store::SessionPatch patch;
        patch.peakMemoryMb = memoryMb;
        patch.peakCpuPercent = cpuPercent;
        store::updateSession(db, id, patch);
    };
    monitor::ResourceMonitor resourceMonitor(monitorOptions, monitorSink);
    sink.sessionRunning = [&resourceMonitor, before = sink.sessionRunning](const core::Session& s) {
        if (before) before(s);
        resourceMonitor.sessionRunning(s.id, s.workspaceId,
                                       s.hostPid.value_or(s.processId.value_or(0)),
                                       s.hostPid.has_value(), s.startedAt.value_or(0));
    };
    sink.sessionEnded = [&resourceMonitor, before = sink.sessionEnded](const core::Session& s) {
        if (before) before(s);
        resourceMonitor.sessionEnded(s.id);
    };
    // Dependencies and setup (src/deps): a setup's end refreshes its workspace's report on the
    // worker pool (the scan reads files and may run tools' version commands).
    deps::DetectOptions depsOptions;
    depsOptions.pathVariable = processEnv()("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
    depsOptions.caches =
        deps::cacheDirsFrom([env = processEnv()](const std::string& name) { return env(name); });
    deps::DependencyService dependencies(
        db, depsOptions, [&server](const std::string& workspaceId, std::string event) {
            if (server) server->publish(workspaceId, std::move(event));
        });
    sink.sessionEnded = [&dependencies, &workers,
                         before = sink.sessionEnded](const core::Session& s) {
        if (before) before(s);
        if (s.kind != core::SessionKind::Setup) return;
        net::post(workers, [&dependencies, s] {
            try {
                dependencies.sessionEnded(s);
            } catch (const std::exception& e) {
                spdlog::warn("workspace {}: dependency report after setup: {}", s.workspaceId,
                             e.what());
            }
        });
    };
    session::ServiceConfig sessionConfig;
    sessionConfig.prepareResources = [&resourceMonitor](const std::string& id,
                                                        const core::ResourceLimits& limits) {
        return resourceMonitor.prepare(id, limits);
    };
    sessionConfig.endReason = [&resourceMonitor](const std::string& id) {
        return resourceMonitor.endReason(id);
    };
    sessionConfig.workspaceEnvironment = [&portService](const std::string& workspaceId) {
        return portService.workspaceEnvironment(workspaceId);
    };
    sessionConfig.sessionsDir = paths.sessionsDir();
    sessionConfig.hostBinary = hostBinary();
    sessionConfig.logMaxBytes = config.sessionLogMaxBytes;
    sessionConfig.stopGrace = std::chrono::milliseconds(config.stopGraceMs);
    session::SessionService sessions(db, sessionConfig, sink);
    sessionsForLimits = &sessions;

    api::Router router;
    api::addSystemRoutes(router, info);
    // The file APIs and the paths of repositories and workspaces stay inside these roots.
    const char* userHome = std::getenv("HOME");
    files::Roots roots = files::makeRoots(config.allowedRoots, userHome ? userHome : "");
    // The daemon's own directories stay reachable whatever the roots say: the worktree base and
    // every workspace (its owner chose it over the unix socket, or the daemon made it).
    api::addFsRoutes(router, roots, userHome ? userHome : "", [&db, &paths] {
        std::vector<std::string> dirs{paths.worktreeBase.string()};
        for (const auto& ws : store::listWorkspaces(db)) dirs.push_back(ws.path);
        return dirs;
    });
    workspace::WorkspaceConfig workspaceConfig{paths.worktreeBase, config.branchPrefix,
                                               config.deleteBranchOnRemove, roots, &info.agents};
    workspaceConfig.autoInstallDependencies = config.autoInstallDependencies;
    workspaceConfig.dependencies = &dependencies;
    workspaceConfig.publish = sink.publish;
    workspace::WorkspaceService workspaces(db, sessions, std::move(workspaceConfig));
    api::addRepositoryRoutes(router, db, roots);
    api::addWorkspaceRoutes(router, workspaces);
    api::addSessionRoutes(router, db, sessions, workspaces);
    api::addTerminalRoutes(router, workspaces);
    api::addDiffRoutes(router, db);
    api::addDependencyRoutes(router, db, dependencies);
    api::RequestStats requestStats;
    addMonitorRoutes(router, db, requestStats, resourceMonitor);
    api::addPortRoutes(router, portService);
    api::addExecRoutes(router, db, config.workerThreads, sessionConfig.workspaceEnvironment);
    api::AccessDeps access;
    access.tokens = tokens;
    access.passes = passes;
    access.rotateOwnerToken = [&paths, tokens] {
        auto rotated = rotateToken(paths.tokenFile());
        tokens->setOwnerToken(rotated);
        spdlog::info("the owner token was rotated");
        return rotated;
    };
    access.uiUrls = [&config, &info] { return uiUrls(config, info.port.load()); };
    access.ports = &portService;
    api::addAccessRoutes(router, std::move(access));
    api::WsActions actions;
    // parawork keeps its two terminals apart: terminal_* reach agent sessions only,
    // user_terminal_* the workspace's user terminal only.
    actions.terminalInput = [&sessions](const std::string& id, std::string_view data) {
        return sessions.input(id, data, session::KindFilter::NotUserTerminal);
    };
    actions.terminalResize = [&sessions](const std::string& id, int cols, int rows) {
        sessions.resize(id, cols, rows, session::KindFilter::NotUserTerminal);
    };
    actions.userTerminalInput = [&sessions](const std::string& id, std::string_view data) {
        return sessions.input(id, data, session::KindFilter::UserTerminal);
    };
    actions.userTerminalResize = [&sessions](const std::string& id, int cols, int rows) {
        sessions.resize(id, cols, rows, session::KindFilter::UserTerminal);
    };

    api::HttpServer httpServer(loop, workers, serverOptions(config, paths, tokens, requestStats),
                               std::move(router), std::move(actions));
    httpServer.setSessions(sessions);
    proxy::ProxyOptions proxyOptions;
    proxyOptions.credentials.isToken = [tokens](std::string_view value) {
        return tokens->authenticate(value).has_value();
    };
    proxyOptions.credentials.cookieName = std::string(api::kTokenCookie);
    proxyOptions.passes = passes;
    proxyOptions.uiOrigin = config.publicUrl.value_or("");
    httpServer.setPreviewHook(
        std::make_shared<proxy::PreviewProxy>(portService, sessions, workers, proxyOptions));
    httpServer.start();
    portService.setDaemonPort(httpServer.port());
    server = &httpServer;
    sessions.readoptAll();
    info.port = httpServer.port();
    auto urls = uiUrls(config, httpServer.port());
    writeDaemonInfo(paths, httpServer.port(), urls.front());

    std::string host =
        config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
    auto listening = std::string(config.tlsCert ? "https://" : "http://") + host + ":" +
                     std::to_string(httpServer.port());
    std::printf("parawork listening on %s%s\n", listening.c_str(),
                config.tlsCert       ? " (TLS)"
                : config.behindProxy ? " (behind a proxy)"
                : config.insecure    ? " (plain HTTP: anyone on the network can read it)"
                                     : "");
    auto links = api::loginLinks(urls, token);
    for (std::size_t i = 0; i < links.size(); ++i)
        std::printf("  %s %s\n", i == 0 ? "open the UI:" : "            ", links[i].c_str());
    std::printf("  unix socket: %s\n", paths.socketFile().c_str());
    if (!isLoopbackAddress(config.host) && config.previewDomain == "localhost")
        std::printf(
            "  previews: only this machine's browsers resolve *.localhost; set preview.domain "
            "for other machines (docs/remote-access.md)\n");
    std::fflush(stdout);
    if (config.insecure && !isLoopbackAddress(config.host))
        spdlog::warn("plain HTTP on {}: the token and terminals cross the network unencrypted",
                     config.host);
    if (auto warning = allowedOriginsWarning(config)) spdlog::warn("{}", *warning);
    spdlog::info("listening on {} and {}", listening, paths.socketFile().string());

    // On SIGINT/SIGTERM connections get up to 3 s to say goodbye; then the loop stops anyway.
    net::signal_set signals(loop, SIGINT, SIGTERM);
    net::steady_timer deadline(loop);
    std::chrono::steady_clock::time_point giveUpAt;
    std::function<void()> stopWhenIdle = [&] {
        if (httpServer.idle() || std::chrono::steady_clock::now() > giveUpAt) return loop.stop();
        deadline.expires_after(std::chrono::milliseconds(20));
        deadline.async_wait([&](boost::system::error_code e) {
            if (!e) stopWhenIdle();
        });
    };
    bool stopping = false;
    stopServing = [&] {
        if (std::exchange(stopping, true)) return;
        httpServer.stop();
        giveUpAt = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        stopWhenIdle();
    };
    signals.async_wait([&](boost::system::error_code ec, int signo) {
        if (ec) return;
        spdlog::info("signal {}: shutting down", signo);
        stopServing();
    });
    // SIGHUP: a renewed certificate is read again; sessions and connections go on.
    net::signal_set hangup(loop, SIGHUP);
    std::function<void()> onHangup = [&] {
        hangup.async_wait([&](boost::system::error_code ec, int) {
            if (ec) return;
            httpServer.reloadTls();
            onHangup();
        });
    };
    onHangup();
    loop.run();
    // Before the sessions: it may stop one.
    resourceMonitor.stop();
    sessions.shutdown();  // its threads stop; the session hosts keep running
    portService.stop();
    fileWatcher.stop();  // records what is pending while the store is still open
    server = nullptr;
    workers.join();
    tokens->flushUsage();
    std::filesystem::remove(paths.daemonInfoFile());
    spdlog::info("stopped");
    spdlog::shutdown();
    return 0;
}

}  // namespace

int serve(const ServeOptions& options) {
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parawork: error: %s\n", e.what());
        spdlog::shutdown();
        return 1;
    }
}

}  // namespace parawork::daemon
