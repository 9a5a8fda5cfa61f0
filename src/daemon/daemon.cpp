#include "daemon/daemon.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/serialize.hpp>

#include "api/access_routes.hpp"
#include "api/branch_routes.hpp"
#include "api/checkpoint_routes.hpp"
#include "api/dependency_routes.hpp"
#include "api/diff_routes.hpp"
#include "api/exec_routes.hpp"
#include "api/fs_routes.hpp"
#include "api/port_routes.hpp"
#include "api/pull_request_routes.hpp"
#include "api/repository_routes.hpp"
#include "api/review_routes.hpp"
#include "api/server.hpp"
#include "api/session_routes.hpp"
#include "api/system_routes.hpp"
#include "api/terminal_routes.hpp"
#include "api/workspace_routes.hpp"
#include "auth/login_limiter.hpp"
#include "auth/preview_passes.hpp"
#include "auth/token_registry.hpp"
#include "core/error.hpp"
#include "daemon/attention_notifier.hpp"
#include "daemon/config.hpp"
#include "daemon/event_relay.hpp"
#include "daemon/instance_lock.hpp"
#include "daemon/logging.hpp"
#include "daemon/monitor_routes.hpp"
#include "daemon/paths.hpp"
#include "daemon/service_options.hpp"
#include "daemon/session_observers.hpp"
#include "daemon/token.hpp"
#include "daemon/ui_urls.hpp"
#include "mcp/call_history.hpp"
#include "mcp/mcp_routes.hpp"
#include "mcp/tools/parawork_tools.hpp"
#include "monitor/resource_monitor.hpp"
#include "ports/port_service.hpp"
#include "proxy/preview_proxy.hpp"
#include "review/agent_messenger.hpp"
#include "review/comment_service.hpp"
#include "session/session_service.hpp"
#include "store/database.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "watch/file_watcher.hpp"
#include "workspace/workspace_service.hpp"

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

/// This binary's path; empty when /proc does not say.
std::filesystem::path selfBinary() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : self;
}

/// parawork-host is installed beside the parawork binary.
std::filesystem::path hostBinary() {
    auto self = selfBinary();
    auto candidate = self.parent_path() / "parawork-host";
    std::error_code ec;
    if (self.empty() || !std::filesystem::exists(candidate, ec))
        throw core::Error("cannot find parawork-host beside " + self.string());
    return candidate;
}

/// The command agents run for their hooks (issue 19): parawork-hook beside this binary (or, where
/// it is missing, this binary's `hook` verb), with the socket it listens on (the agent's
/// environment need not lead to this daemon).
std::vector<std::string> hookCommand(const Paths& paths) {
    auto self = selfBinary();
    if (self.empty()) return {};  // agents start without hooks
    auto small = self.parent_path() / "parawork-hook";
    std::error_code ec;
    if (std::filesystem::exists(small, ec))
        return {small.string(), "--socket", paths.socketFile().string()};
    return {self.string(), "hook", "--socket", paths.socketFile().string()};
}

/// The MCP server agents are given (config mcp.offer_to_agents): this binary's `mcp` verb on the
/// socket this daemon listens on.
std::vector<std::string> mcpServerCommand(const Paths& paths) {
    auto self = selfBinary();
    if (self.empty()) return {};
    return {self.string(), "mcp", "--socket", paths.socketFile().string()};
}

/// The host name of a URL such as server.public_url ("https://name:443" -> "name").
std::string hostOf(const std::string& url) {
    auto rest = url.substr(url.find("://") + 3);
    auto hostPort = api::parseHostHeader(rest);
    return hostPort ? hostPort->host : rest;
}

/// How far the default port moves on when it is taken: 3000 to 3019.
constexpr std::uint16_t kDefaultPortTries = 20;

api::ServerOptions serverOptions(const Config& config, const Paths& paths,
                                 std::shared_ptr<auth::TokenRegistry> tokens,
                                 api::RequestStats& requestStats) {
    api::ServerOptions o;
    o.requestStats = &requestStats;
    o.host = config.host;
    o.port = config.listenPort();
    o.portTries = config.port ? 1 : kDefaultPortTries;
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

/// The settings and directories of this daemon, under its instance lock, with logging set up.
struct Home {
    Paths paths;
    Config config;
    InstanceLock lock;
};

Home openHome(const ServeOptions& options) {
    Paths paths = resolvePaths(options.home, processEnv());
    preparePaths(paths);
    Config config = loadConfig(paths.configFile(), processEnv());
    for (const auto& [key, value, flag] : options.overrides)
        applyOverride(config, key, value, flag);
    if (config.worktreeBase) paths.worktreeBase = *config.worktreeBase;
    checkNetworkExposure(config);

    InstanceLock lock = InstanceLock::acquire(paths.lockFile());
    setupLogging(paths.logFile(), config.logLevel);
    return Home{std::move(paths), std::move(config), std::move(lock)};
}

store::Database openDatabase(const Paths& paths) {
    store::Database db = store::Database::open(paths.databaseFile());
    spdlog::info("parawork {} starting (home: {}, database schema {})", PARAWORK_VERSION,
                 paths.dataDir.string(), db.schemaVersion());
    return db;
}

/// What `serve` prints once it listens: where, the login links, the socket, and warnings.
void printListening(const Config& config, const Paths& paths, std::uint16_t port,
                    const std::vector<std::string>& urls, const std::string& token) {
    std::string host =
        config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
    auto listening =
        std::string(config.tlsCert ? "https://" : "http://") + host + ":" + std::to_string(port);
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
}

/// The user's home directory, "" when HOME is unset.
std::string userHome() {
    const char* home = std::getenv("HOME");
    return home ? home : "";
}

/// The running daemon. Its members are built in the order they depend on each other — the home
/// (settings, lock, logging), the store and who may come in, the loop and the workers, where
/// events go, the services that follow sessions, the sessions, the server and its routes — so
/// construction is the wiring. Shutting down stops the services' threads first, in the order
/// their work depends on each other (the monitor may stop a session; the file watcher records
/// what is pending while the store is open); then the members go in reverse order.
class Daemon {
  public:
    explicit Daemon(const ServeOptions& options);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    /// Serves until SIGINT, SIGTERM or POST /api/daemon/shutdown. Returns the exit code.
    int run();

  private:
    const Config& config() const { return home_.config; }
    const Paths& paths() const { return home_.paths; }
    monitor::MonitorSink monitorSink();
    session::ServiceConfig sessionConfig();
    std::function<std::map<std::string, std::string>(const std::string&)> workspaceEnvironment();
    workspace::WorkspaceConfig workspaceConfig();
    api::Router routes();
    void addWorkspaceRoutes(api::Router& router);
    api::AccessDeps accessDeps();
    api::WsActions terminalActions();
    std::shared_ptr<proxy::PreviewProxy> previewProxy();
    void startServing();
    void runLoop();
    /// Stops accepting; the loop ends once connections are closed, or after 3 s anyway.
    void stopServing();
    void stopWhenIdle();
    void stopServices();

    Home home_;
    std::string token_ = loadOrCreateToken(paths().tokenFile());
    store::Database db_ = openDatabase(paths());
    // Who may come in (src/auth): the owner token, device tokens, preview passes.
    std::shared_ptr<auth::TokenRegistry> tokens_ =
        std::make_shared<auth::TokenRegistry>(token_, &db_);
    std::shared_ptr<auth::PreviewPasses> passes_ = std::make_shared<auth::PreviewPasses>(*tokens_);
    net::io_context loop_{1};
    net::thread_pool workers_{static_cast<std::size_t>(config().workerThreads)};
    api::SystemInfo info_{
        .version = PARAWORK_VERSION,
        .corsOrigins = config().allowedOrigins,
        .token = [tokens = tokens_] { return tokens->ownerToken(); },
        .agents = config().agents,
        // POST /api/daemon/shutdown: the loop stops as on SIGTERM.
        .shutdown = [this] { net::post(loop_, [this] { stopServing(); }); },
    };
    EventRelay events_;
    // File changes of running agent and command sessions (src/watch), published like the rest.
    watch::FileWatcher fileWatcher_{db_, events_.publisher(), watcherOptions(paths())};
    FileWatchObserver fileWatchObserver_{fileWatcher_};
    // Ports sessions listen on, port blocks, readiness (src/ports); previews (src/proxy).
    ports::PortService portService_{db_, portServiceConfig(config()), events_.publisher()};
    PortObserver portObserver_{portService_};
    // Resources, limits and startup figures of running sessions (src/monitor).
    monitor::ResourceMonitor resourceMonitor_{monitorOptions(config()), monitorSink()};
    ResourceObserver resourceObserver_{resourceMonitor_};
    // Dependencies and setup (src/deps).
    deps::DependencyService dependencies_{db_, detectOptions(), events_.publisher()};
    SetupObserver setupObserver_{dependencies_, [this](std::function<void()> work) {
                                     net::post(workers_, std::move(work));
                                 }};
    // Outgoing notifications when an agent waits, finishes its turn or ends ([notify]).
    AttentionNotifier attentionNotifier_{db_, notifyOptions(config())};
    session::SessionService sessions_{
        db_, sessionConfig(),
        session::EventSink{events_.publisher(), [this] { return events_.listening(); }}};
    // What the routes hold on to. The file APIs and the paths of repositories and workspaces
    // stay inside these roots.
    files::Roots roots_ = files::makeRoots(config().allowedRoots, userHome());
    workspace::WorkspaceService workspaces_{db_, sessions_, workspaceConfig()};
    // Review and ship (issue 20, src/review): messages to a workspace's agent, review comments,
    // checkpoints and commits.
    review::AgentMessenger agentMessenger_{db_, sessions_};
    std::function<std::string(const std::string&, const std::string&)> tellAgent_ =
        [this](const std::string& workspaceId, const std::string& text) {
            return agentMessenger_.tell(workspaceId, text).sessionId;
        };
    review::CommentService reviewComments_{db_, {tellAgent_, events_.publisher()}};
    review::CheckpointService checkpoints_{db_,
                                           {.publish = events_.publisher(),
                                            .tellAgent = tellAgent_,
                                            .locks = &workspaces_.locks(),
                                            .changes = [this](const std::string& workspaceId) {
                                                return fileWatcher_.takeChanges(workspaceId);
                                            }}};
    // Every agent turn end checkpoints its workspace (issue 20 §2).
    CheckpointObserver checkpointObserver_{
        checkpoints_, [this](std::function<void()> work) { net::post(workers_, std::move(work)); }};
    // Push and pull requests (src/review, issue 20); follows open pull requests.
    review::PullRequestService pullRequests_{
        {.db = db_, .publish = events_.publisher(), .tellAgent = tellAgent_}};
    review::BranchService branches_{
        db_,
        workspaces_,
        {.checkpoint =
             [this](const std::string& workspaceId, const std::string& label) {
                 return checkpoints_.create(workspaceId, label).checkpoint;
             },
         .tellAgent = tellAgent_,
         .defaultMergeMode =
             config().mergeMode ? git::parseMergeMode(*config().mergeMode) : std::nullopt}};
    // Commands run to completion in a workspace: POST /api/sessions/:id/exec and the exec tool.
    session::ExecRunner execRunner_{db_, api::execConcurrency(config().workerThreads),
                                    workspaceEnvironment()};
    // The MCP server (issue 21): its tools call the services above; /mcp and `parawork mcp`.
    // Its waits (session_output, session_wait) wake on sessionChanges_.
    session::SessionChanges sessionChanges_;
    mcp::McpServer mcpServer_;
    mcp::McpSessions mcpSessions_;
    api::RequestStats requestStats_;
    api::HttpServer server_{loop_, workers_,
                            serverOptions(config(), paths(), tokens_, requestStats_), routes(),
                            terminalActions()};
    net::steady_timer stopDeadline_{loop_};
    std::chrono::steady_clock::time_point giveUpAt_;
    bool stopping_ = false;
};

Daemon::Daemon(const ServeOptions& options) : home_(openHome(options)) {
    // In this order, as the chained callbacks were: the edge hears of output only.
    sessions_.addObserver(fileWatchObserver_);
    sessions_.addObserver(portObserver_);
    sessions_.addObserver(resourceObserver_);
    sessions_.addObserver(setupObserver_);
    sessions_.addObserver(events_);
    sessions_.addObserver(attentionNotifier_);
    sessions_.addObserver(checkpointObserver_);
    sessions_.addObserver(sessionChanges_);
    // Before serving starts: the server reads its tools without a lock.
    mcp::addParaworkTools(mcpServer_, {db_, sessions_, workspaces_, portService_, dependencies_,
                                       reviewComments_, checkpoints_, branches_, execRunner_,
                                       sessionChanges_, config().mcpConfineToWorkspace});
    mcpServer_.setCallObserver(mcp::sessionHistory(db_));  // an agent's calls in its logs
    server_.setSessions(sessions_);
    server_.setPreviewHook(previewProxy());
}

Daemon::~Daemon() {
    stopServices();
}

monitor::MonitorSink Daemon::monitorSink() {
    monitor::MonitorSink sink;
    sink.publish = events_.publisher();
    // The sessions are built after the monitor (they ask it for limits), but nothing is
    // followed, so nothing is stopped, before a session runs.
    sink.stop = [this](const std::string& id, const std::string& reason) {
        sessions_.stop(id, reason);
    };
    sink.recordPeaks = [this](const std::string& id, double memoryMb, double cpuPercent) {
        store::SessionPatch patch;
        patch.peakMemoryMb = memoryMb;
        patch.peakCpuPercent = cpuPercent;
        store::updateSession(db_, id, patch);
    };
    return sink;
}

session::ServiceConfig Daemon::sessionConfig() {
    session::ServiceConfig c;
    c.prepareResources = [this](const std::string& id, const core::ResourceLimits& limits) {
        return resourceMonitor_.prepare(id, limits);
    };
    c.endReason = [this](const std::string& id) { return resourceMonitor_.endReason(id); };
    c.workspaceEnvironment = workspaceEnvironment();
    c.sessionsDir = paths().sessionsDir();
    c.hostBinary = hostBinary();
    c.logMaxBytes = config().sessionLogMaxBytes;
    c.stopGrace = std::chrono::milliseconds(config().stopGraceMs);
    c.agents = config().agents;
    return c;
}

std::function<std::map<std::string, std::string>(const std::string&)>
Daemon::workspaceEnvironment() {
    return [this](const std::string& workspaceId) {
        return portService_.workspaceEnvironment(workspaceId);
    };
}

api::Router Daemon::routes() {
    api::Router router;
    api::addSystemRoutes(router, info_);
    addWorkspaceRoutes(router);
    addMonitorRoutes(router, db_, requestStats_, resourceMonitor_, checkpoints_);
    api::addPortRoutes(router, portService_);
    api::addExecRoutes(router, execRunner_);
    api::addAccessRoutes(router, accessDeps());
    mcp::addMcpRoutes(router, mcpServer_, mcpSessions_);
    return router;
}

workspace::WorkspaceConfig Daemon::workspaceConfig() {
    workspace::WorkspaceConfig options{paths().worktreeBase, config().branchPrefix,
                                       config().deleteBranchOnRemove, roots_, &info_.agents};
    options.autoInstallDependencies = config().autoInstallDependencies;
    options.dependencies = &dependencies_;
    options.created = [this](const std::string& id) { portService_.workspaceEnvironment(id); };
    options.deleted = [this](const std::string& id) { portService_.workspaceRemoved(id); };
    options.publish = events_.publisher();
    options.hookCommand = hookCommand(paths());
    options.agentHooksDir = paths().dataDir / "agent-hooks";
    if (config().mcpOfferToAgents) options.mcpCommand = mcpServerCommand(paths());
    return options;
}

/// Files, repositories, workspaces and what runs in them.
void Daemon::addWorkspaceRoutes(api::Router& router) {
    // The daemon's own directories stay reachable whatever the roots say: the worktree base and
    // every workspace (its owner chose it over the unix socket, or the daemon made it).
    api::addFsRoutes(router, roots_, userHome(), [this] {
        std::vector<std::string> dirs{paths().worktreeBase.string()};
        for (const auto& ws : store::listWorkspaces(db_)) dirs.push_back(ws.path);
        return dirs;
    });
    api::addRepositoryRoutes(router, db_, roots_);
    api::addWorkspaceRoutes(router, workspaces_);
    api::addSessionRoutes(router, db_, sessions_, workspaces_);
    api::addTerminalRoutes(router, workspaces_);
    api::addDiffRoutes(router, db_);
    api::addCheckpointRoutes(router, checkpoints_);
    api::addReviewRoutes(router, reviewComments_);
    api::addPullRequestRoutes(router, pullRequests_);
    api::addBranchRoutes(router, branches_);
    api::addDependencyRoutes(router, db_, dependencies_);
}

api::AccessDeps Daemon::accessDeps() {
    api::AccessDeps access;
    access.tokens = tokens_;
    access.passes = passes_;
    access.rotateOwnerToken = [this] {
        auto rotated = rotateToken(paths().tokenFile());
        tokens_->setOwnerToken(rotated);
        spdlog::info("the owner token was rotated");
        return rotated;
    };
    access.uiUrls = [this] { return uiUrls(config(), info_.port.load()); };
    access.ports = &portService_;
    return access;
}

api::WsActions Daemon::terminalActions() {
    api::WsActions actions;
    // parawork keeps its two terminals apart: terminal_* reach agent sessions only,
    // user_terminal_* the workspace's user terminal only.
    actions.terminalInput = [this](const std::string& id, std::string_view data) {
        return sessions_.input(id, data, session::KindFilter::NotUserTerminal);
    };
    actions.terminalResize = [this](const std::string& id, int cols, int rows) {
        sessions_.resize(id, cols, rows, session::KindFilter::NotUserTerminal);
    };
    actions.userTerminalInput = [this](const std::string& id, std::string_view data) {
        return sessions_.input(id, data, session::KindFilter::UserTerminal);
    };
    actions.userTerminalResize = [this](const std::string& id, int cols, int rows) {
        sessions_.resize(id, cols, rows, session::KindFilter::UserTerminal);
    };
    return actions;
}

std::shared_ptr<proxy::PreviewProxy> Daemon::previewProxy() {
    proxy::ProxyOptions options;
    options.credentials.isToken = [tokens = tokens_](std::string_view value) {
        return tokens->authenticate(value).has_value();
    };
    options.credentials.cookieName = std::string(api::kTokenCookie);
    options.passes = passes_;
    options.uiOrigin = config().publicUrl.value_or("");
    options.requestHeadTimeout = std::chrono::milliseconds(config().requestHeadTimeoutMs);
    return std::make_shared<proxy::PreviewProxy>(portService_, sessions_, workers_, options);
}

int Daemon::run() {
    runLoop();
    stopServices();
    tokens_->flushUsage();
    std::filesystem::remove(paths().daemonInfoFile());
    spdlog::info("stopped");
    spdlog::shutdown();
    return 0;
}

/// Listens, lets events through, re-adopts the sessions that outlived the last daemon, and
/// tells clients (daemon.json) and the person who started it where it is.
void Daemon::startServing() {
    server_.start();
    if (server_.port() != config().listenPort() && !config().port)
        spdlog::warn(
            "port {} is taken by another program: listening on {} (choose a port with "
            "--port or server.port)",
            config().listenPort(), server_.port());
    portService_.setDaemonPort(server_.port());
    events_.attach(server_);
    sessions_.readoptAll();
    info_.port = server_.port();
    auto urls = uiUrls(config(), server_.port());
    writeDaemonInfo(paths(), server_.port(), urls.front());
    printListening(config(), paths(), server_.port(), urls, token_);
    sessions_.prepareNextStart();  // after: the daemon's own start comes first
}

/// Serves until stopped. The signals are caught before anyone is told where the daemon listens:
/// a SIGTERM right after "listening" is a clean stop, not a kill.
void Daemon::runLoop() {
    // On SIGINT/SIGTERM connections get up to 3 s to say goodbye; then the loop stops anyway.
    net::signal_set signals(loop_, SIGINT, SIGTERM);
    signals.async_wait([this](boost::system::error_code ec, int signo) {
        if (ec) return;
        spdlog::info("signal {}: shutting down", signo);
        stopServing();
    });
    // SIGHUP: a renewed certificate is read again; sessions and connections go on.
    net::signal_set hangup(loop_, SIGHUP);
    std::function<void()> onHangup = [&] {
        hangup.async_wait([&](boost::system::error_code ec, int) {
            if (ec) return;
            server_.reloadTls();
            onHangup();
        });
    };
    onHangup();
    startServing();
    loop_.run();
}

void Daemon::stopServing() {
    if (std::exchange(stopping_, true)) return;
    server_.stop();
    giveUpAt_ = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    stopWhenIdle();
}

void Daemon::stopWhenIdle() {
    if (server_.idle() || std::chrono::steady_clock::now() > giveUpAt_) return loop_.stop();
    stopDeadline_.expires_after(std::chrono::milliseconds(20));
    stopDeadline_.async_wait([this](boost::system::error_code e) {
        if (!e) stopWhenIdle();
    });
}

/// Idempotent: after the loop, and again (harmlessly) when the daemon goes.
void Daemon::stopServices() {
    resourceMonitor_.stop();  // before the sessions: it may stop one
    sessions_.shutdown();     // its threads stop; the session hosts keep running
    portService_.stop();
    fileWatcher_.stop();   // records what is pending while the store is still open
    pullRequests_.stop();  // it publishes
    events_.detach();
    workers_.join();
}

}  // namespace

int serve(const ServeOptions& options) {
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return Daemon(options).run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parawork: error: %s\n", e.what());
        spdlog::shutdown();
        return 1;
    }
}

}  // namespace parawork::daemon
