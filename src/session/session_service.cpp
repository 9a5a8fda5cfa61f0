#include "session/session_service.hpp"

#include <unistd.h>

#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include "core/clock.hpp"
#include "core/executables.hpp"
#include "core/ids.hpp"
#include "core/key_names.hpp"
#include "session/host_launcher.hpp"
#include "session/host_watcher.hpp"
#include "session/output_events.hpp"
#include "session/prompt_typist.hpp"
#include "session/session_activity.hpp"
#include "session/terminal_events.hpp"
#include "store/agent_logs.hpp"
#include "store/messages.hpp"
#include "store/ports.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"

extern char** environ;

namespace parawork::session {

namespace json = boost::json;

struct SessionService::Impl {
    SessionService& self;  ///< the screen layer reads screens as the API does
    store::Database& db;
    ServiceConfig config;
    EventSink sink;
    SessionObservers observers;
    std::mutex mutex;  ///< guards `live`
    std::map<std::string, std::shared_ptr<LiveSession>> live;
    SessionActivity activity;
    OutputEvents follower;
    HostWatcher watcher;
    PromptTypists typists;
    HostLauncher launcher;

    Impl(SessionService& owner, store::Database& d, ServiceConfig c, EventSink s)
        : self(owner),
          db(d),
          config(std::move(c)),
          sink(std::move(s)),
          activity(d, config, sink, observers,
                   [this](const std::string& id) { return screenForActivity(id); }),
          follower(d, config, sink, observers, activity,
                   [this](const std::shared_ptr<LiveSession>& l) { forget(l); }),
          watcher([this](const std::shared_ptr<LiveSession>& l) { onOutput(l); },
                  [this](const std::shared_ptr<LiveSession>& l) { follower.wake(l); }),
          launcher(config.hostBinary, config.sessionsDir) {}

    void onOutput(const std::shared_ptr<LiveSession>& session) {
        observers.outputAdvanced(session->id);
        follower.wake(session);
    }

    /// A live session's screen as text for the screen layer (what the screen API shows);
    /// nullopt when it cannot be read.
    std::optional<std::string> screenForActivity(const std::string& id) {
        try {
            return host::visibleText(self.screen(id));
        } catch (const std::exception& e) {
            spdlog::debug("session {}: no screen for its state: {}", id, e.what());
            return std::nullopt;
        }
    }

    void forget(const std::shared_ptr<LiveSession>& session) {
        std::lock_guard lock(mutex);
        live.erase(session->id);
    }

    std::shared_ptr<LiveSession> find(const std::string& id) {
        std::lock_guard lock(mutex);
        auto it = live.find(id);
        return it == live.end() ? nullptr : it->second;
    }

    /// The session if its host is live and `filter` admits its kind.
    std::shared_ptr<LiveSession> findRunning(const std::string& id, KindFilter filter) {
        auto session = find(id);
        if (!session || session->ended) return nullptr;
        bool terminal = session->kind == core::SessionKind::Terminal;
        if ((filter == KindFilter::UserTerminal && !terminal) ||
            (filter == KindFilter::NotUserTerminal && terminal))
            return nullptr;
        return session;
    }

    /// Connects the control and watch connections and starts following the session.
    void attach(const std::shared_ptr<LiveSession>& session) {
        auto connections = host::HostClient::connectControlAndWatch(session->paths.dir);
        session->control = std::move(connections.control);
        session->watch = std::move(connections.watch);
        {
            std::lock_guard lock(mutex);
            live[session->id] = session;
        }
        watcher.add(session);
    }

    std::vector<std::string> environmentFor(const StartRequest& req, const std::string& id) {
        std::map<std::string, std::string> env;
        for (char** e = environ; *e; ++e) {
            std::string kv(*e);
            auto eq = kv.find('=');
            if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
        // The terminal the host emulates, whatever the daemon was started from (a TERM=dumb or
        // a missing COLORTERM there would make agents drop colours); a session's own env wins.
        env["TERM"] = "xterm-256color";
        env["COLORTERM"] = "truecolor";
        env["PARAWORK_SESSION_ID"] = id;
        env["PARAWORK_WORKSPACE_ID"] = req.workspaceId;
        if (config.workspaceEnvironment)
            for (auto& [k, v] : config.workspaceEnvironment(req.workspaceId)) env[k] = v;
        for (const auto& [k, v] : req.env) env[k] = v;
        std::vector<std::string> out;
        for (const auto& [k, v] : env) out.push_back(k + "=" + v);
        return out;
    }

    /// `workspace_status_changed` with the workspace's status now. Sent when a session starts
    /// too (an agent made it running; another kind leaves it as it was), so that an open UI
    /// learns of sessions started from the CLI or the API.
    void publishWorkspaceStatus(const std::string& workspaceId) {
        if (!sink.publish) return;
        auto workspace = store::findWorkspace(db, workspaceId);
        if (!workspace) return;
        sink.publish(workspaceId,
                     json::serialize(json::object{
                         {"type", "workspace_status_changed"},
                         {"data", json::object{{"workspaceId", workspaceId},
                                               {"status", core::toString(workspace->status)},
                                               {"timestamp", core::nowMs()}}}}));
    }

    /// Whether a session of the workspace is still live here: its end not yet announced.
    bool hasLiveSession(const std::string& workspaceId) {
        std::lock_guard lock(mutex);
        for (const auto& [id, session] : live)
            if (session->workspaceId == workspaceId) return true;
        return false;
    }

    void failStart(const core::Session& session, const std::string& message) {
        store::SessionPatch patch;
        patch.status = core::SessionStatus::Failed;
        patch.completedAt = core::nowMs();
        patch.exitReason = "spawn failed: " + message;
        store::updateSession(db, session.id, patch);
        if (session.kind != core::SessionKind::Agent) return;
        store::WorkspacePatch ws;
        ws.status = core::WorkspaceStatus::Error;
        store::updateWorkspace(db, session.workspaceId, ws);
    }

    /// The daemon's view of a recorded session, before its host is attached.
    std::shared_ptr<LiveSession> newLiveSession(const core::Session& session) const {
        auto live = std::make_shared<LiveSession>();
        live->id = session.id;
        live->workspaceId = session.workspaceId;
        live->kind = session.kind;
        live->paths.dir = config.sessionsDir / session.id;
        return live;
    }

    // start(), phase by phase (defined below, beside it).
    std::filesystem::path validateStart(const StartRequest& req);
    core::Session recordStart(const StartRequest& req, const std::filesystem::path& cwd);
    core::Session launch(const StartRequest& req, const core::Session& session);
    LaunchSpec launchSpec(const StartRequest& req, const core::Session& session,
                          const std::filesystem::path& sessionDir);
    std::optional<core::Session> markRunning(const std::string& id, const Launched& launched);
    void announceRunning(const core::Session& session, int childPid);
    [[noreturn]] void abandonStart(const core::Session& session, int hostPid, bool announced,
                                   const std::string& error);
};

namespace {

/// How long a stop of a session that has just ended waits for its end to be recorded, so that
/// its answer names the final status.
constexpr auto kEndRecordWait = std::chrono::seconds(2);

std::string pathVariable(const StartRequest& req) {
    if (auto it = req.env.find("PATH"); it != req.env.end()) return it->second;
    const char* path = std::getenv("PATH");
    return path ? path : "/usr/local/bin:/usr/bin:/bin";
}

/// A new session as recorded when its start is accepted.
core::Session startingSession(const StartRequest& req, const std::filesystem::path& cwd) {
    core::Session session;
    session.id = core::newUuid();
    session.workspaceId = req.workspaceId;
    session.kind = req.kind;
    session.parentSessionId = req.parentSessionId;
    session.agentType = req.agentType;
    session.status = core::SessionStatus::Starting;
    session.startedAt = core::nowMs();
    session.activity.since = *session.startedAt;
    session.name = req.name;
    session.command = req.argv;
    session.cwd = cwd.string();
    if (!req.env.empty()) session.env = req.env;
    return session;
}

/// The request's initial prompt as the session's first user message.
std::optional<core::Message> initialMessage(const StartRequest& req, const core::Session& session) {
    if (!req.initialPrompt || req.initialPrompt->empty()) return std::nullopt;
    core::Message message;
    message.id = core::newUuid();
    message.sessionId = session.id;
    message.role = core::MessageRole::User;
    message.content = *req.initialPrompt;
    message.timestamp = *session.startedAt;
    return message;
}

}  // namespace

SessionService::SessionService(store::Database& db, ServiceConfig config, EventSink sink)
    : impl_(std::make_unique<Impl>(*this, db, std::move(config), std::move(sink))) {}

SessionService::~SessionService() {
    shutdown();
}

void SessionService::shutdown() {
    impl_->typists.stopAll();
    impl_->watcher.stop();
    impl_->follower.stop();
    impl_->activity.shutdown();
}

void SessionService::addObserver(SessionObserver& observer) {
    impl_->observers.add(observer);
}

// Validate, record, launch the host and announce it; then, for an interactive prompt, type it.
core::Session SessionService::start(const StartRequest& req) {
    std::filesystem::path cwd = impl_->validateStart(req);
    core::Session session = impl_->recordStart(req, cwd);
    core::Session started = impl_->launch(req, session);
    if (req.typedInput && !req.typedInput->empty())
        impl_->typists.type(*this, session.id, *req.typedInput);
    return started;
}

/// Checks a start request before anything is recorded; returns its working directory.
std::filesystem::path SessionService::Impl::validateStart(const StartRequest& req) {
    if (req.argv.empty() || req.argv.front().empty())
        throw ServiceError(400, "A command is required");
    auto workspace = store::findWorkspace(db, req.workspaceId);
    if (!workspace) throw ServiceError(404, "Workspace not found");
    std::filesystem::path cwd = req.cwd.value_or(workspace->path);
    std::error_code ec;
    if (!std::filesystem::is_directory(cwd, ec))
        throw ServiceError(400, "The working directory " + cwd.string() + " does not exist");
    if (auto problem = core::executableProblem(req.argv.front(), pathVariable(req), cwd))
        throw ServiceError(400, "Cannot start: " + *problem);
    return cwd;
}

/// Records the session as starting, with its first message and declared ports; refuses a
/// missing or busy workspace.
core::Session SessionService::Impl::recordStart(const StartRequest& req,
                                                const std::filesystem::path& cwd) {
    core::Session session = startingSession(req, cwd);
    store::SessionStartRecord record{session, initialMessage(req, session), req.resumeOf};
    switch (store::recordSessionStart(db, record)) {
        case store::SessionStartOutcome::WorkspaceNotFound:
            throw ServiceError(404, "Workspace not found");
        case store::SessionStartOutcome::WorkspaceBusy:
            throw ServiceError(400, "Workspace already has an active session");
        case store::SessionStartOutcome::Recorded:
            break;
    }
    store::saveDeclaredPorts(db, session.id, req.ports);
    return session;
}

/// Starts the recorded session's host, marks it running, announces it and follows it. On
/// failure the session is recorded as failed, what was announced is taken back, and
/// ServiceError 500 is thrown.
core::Session SessionService::Impl::launch(const StartRequest& req, const core::Session& session) {
    auto live = newLiveSession(session);
    LaunchSpec spec = launchSpec(req, session, live->paths.dir);
    Launched launched;
    std::optional<core::Session> updated;
    try {
        launched = launcher.launch(spec);
        updated = markRunning(session.id, launched);
        // Announced before the watcher can see its end, so "ended" never precedes "running".
        if (updated) announceRunning(*updated, launched.childPid);
        attach(live);
    } catch (const std::exception& e) {
        launcher.replenish();
        abandonStart(session, launched.hostPid, updated.has_value(), e.what());
    }
    launcher.replenish();
    spdlog::info("session {} started: {} (host pid {}{}, pid {})", session.id, req.argv.front(),
                 launched.hostPid, launched.warm ? ", the standby" : "", launched.childPid);
    return updated.value_or(session);
}

LaunchSpec SessionService::Impl::launchSpec(const StartRequest& req, const core::Session& session,
                                            const std::filesystem::path& sessionDir) {
    std::vector<std::filesystem::path> cgroupProcFiles;
    if (config.prepareResources) cgroupProcFiles = config.prepareResources(session.id, req.limits);
    return LaunchSpec{
        sessionDir, session.cwd.value_or(""), req.argv,       environmentFor(req, session.id),
        req.size,   config.logMaxBytes,       cgroupProcFiles};
}

/// Running before the watcher sees the host: a quick command may end at once, and its end must
/// not be overwritten by this update. nullopt: the session's row is gone.
std::optional<core::Session> SessionService::Impl::markRunning(const std::string& id,
                                                               const Launched& launched) {
    store::SessionPatch patch;
    patch.status = core::SessionStatus::Running;
    patch.processId = launched.childPid;
    patch.hostPid = launched.hostPid;
    return store::updateSession(db, id, patch);
}

void SessionService::Impl::announceRunning(const core::Session& session, int childPid) {
    activity.running(session);
    observers.sessionRunning(session);
    if (session.kind != core::SessionKind::Terminal) {
        publishWorkspaceStatus(session.workspaceId);
    } else if (sink.publish) {
        // A user terminal is announced before its start is answered (protocol §6.6) and before
        // the watcher could report its exit.
        sink.publish(session.workspaceId,
                     userTerminalStarted(session.id, session.workspaceId, childPid));
    }
}

void SessionService::Impl::abandonStart(const core::Session& session, int hostPid, bool announced,
                                        const std::string& error) {
    spdlog::warn("session {}: cannot start: {}", session.id, error);
    // A host we cannot talk to must not run on unseen: SIGTERM makes it end its command.
    if (hostPid > 0) ::kill(hostPid, SIGTERM);
    if (announced) observers.processEnded(session.id);
    failStart(session, error);
    if (announced) {
        activity.ended(session);
        observers.sessionEnded(session);
    }
    if (announced && session.kind == core::SessionKind::Terminal && sink.publish)
        sink.publish(session.workspaceId, userTerminalExited(session.id, session.workspaceId,
                                                             std::nullopt, std::nullopt));
    throw ServiceError(500, "Failed to start agent process: " + error);
}

std::optional<StopResult> SessionService::stop(const std::string& id, const std::string& reason) {
    auto session = store::findSession(impl_->db, id);
    if (!session) return std::nullopt;
    auto live = impl_->find(id);
    if (!live || live->ended) {
        // Ended on its own: its record (status, exit code) may still be on its way.
        if (live) {
            auto until = std::chrono::steady_clock::now() + kEndRecordWait;
            while (!live->finished && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            session = store::findSession(impl_->db, id);
            if (!session) return std::nullopt;
        }
        // Not live yet (its start is under way) is not ended: answered as before, unstopped.
        return StopResult{*session, live || core::isFinished(session->status)};
    }
    {
        std::lock_guard lock(live->killMutex);
        if (live->stopReason.empty()) live->stopReason = reason;
    }
    live->stopRequested = true;
    {
        std::lock_guard lock(live->controlMutex);
        try {
            live->control->signal(SIGTERM, host::SignalTarget::Command);
            live->control->signal(SIGHUP, host::SignalTarget::Command);
        } catch (const std::exception& e) {
            spdlog::warn("session {}: stop signal failed: {}", id, e.what());
        }
    }
    {
        std::lock_guard lock(live->killMutex);
        live->killAt = std::chrono::steady_clock::now() + impl_->config.stopGrace;
    }
    impl_->watcher.poke();
    session = store::findSession(impl_->db, id);
    if (!session) return std::nullopt;
    return StopResult{*session, false};
}

bool SessionService::input(const std::string& id, std::string_view bytes, KindFilter filter) {
    auto live = impl_->findRunning(id, filter);
    if (!live) return false;
    std::lock_guard lock(live->controlMutex);
    try {
        live->control->input(bytes);
        impl_->activity.input(id, bytes);
        return true;
    } catch (const std::exception& e) {
        spdlog::warn("session {}: input failed: {}", id, e.what());
        return false;
    }
}

bool SessionService::resize(const std::string& id, int cols, int rows, KindFilter filter) {
    auto live = impl_->findRunning(id, filter);
    if (!live) return false;
    auto size = host::clampWindowSize(static_cast<std::uint32_t>(std::max(cols, 0)),
                                      static_cast<std::uint32_t>(std::max(rows, 0)));
    std::lock_guard lock(live->controlMutex);
    try {
        live->control->resize(size.cols, size.rows);
        return true;
    } catch (const std::exception& e) {
        spdlog::warn("session {}: resize failed: {}", id, e.what());
        return false;
    }
}

bool SessionService::signal(const std::string& id, int signo) {
    auto live = impl_->find(id);
    if (!live || live->ended || !host::isAllowedSignal(signo)) return false;
    std::lock_guard lock(live->controlMutex);
    try {
        live->control->signal(signo, host::SignalTarget::Foreground);
        return true;
    } catch (const std::exception& e) {
        spdlog::warn("session {}: signal failed: {}", id, e.what());
        return false;
    }
}

std::optional<host::SnapshotReply> SessionService::snapshot(const std::string& id) {
    auto live = impl_->find(id);
    if (!live || live->ended) return std::nullopt;
    std::lock_guard lock(live->controlMutex);
    try {
        return live->control->snapshot();
    } catch (const std::exception& e) {
        spdlog::warn("session {}: snapshot failed: {}", id, e.what());
        return std::nullopt;
    }
}

namespace {

/// Why a session has no live host to ask: it is unknown (404) or no longer running (409).
[[noreturn]] void refuseNotRunning(store::Database& db, const std::string& id) {
    auto session = store::findSession(db, id);
    if (!session) throw core::ServiceError(404, "Session not found");
    throw core::ServiceError(409, "Session is not running (" +
                                      std::string(core::toString(session->status)) +
                                      "): its screen and keyboard went with it");
}

}  // namespace

host::ScreenText SessionService::screen(const std::string& id) {
    auto live = impl_->find(id);
    if (!live || live->ended) refuseNotRunning(impl_->db, id);
    std::lock_guard lock(live->controlMutex);
    try {
        return live->control->screenText();
    } catch (const host::UnsupportedRequest& e) {
        throw core::ServiceError(501, e.what());
    } catch (const std::exception& e) {
        spdlog::warn("session {}: screen failed: {}", id, e.what());
        throw core::ServiceError(502, std::string("Failed to read the screen: ") + e.what());
    }
}

void SessionService::sendKeys(const std::string& id, const std::vector<std::string>& keys,
                              bool literal) {
    std::string bytes;
    try {
        bytes = core::keysToBytes(keys, literal);
    } catch (const core::KeyError& e) {
        throw core::ServiceError(400, e.what());
    }
    auto live = impl_->find(id);
    if (!live || live->ended) refuseNotRunning(impl_->db, id);
    std::lock_guard lock(live->controlMutex);
    try {
        live->control->input(bytes);
        impl_->activity.input(id, bytes);
    } catch (const std::exception& e) {
        spdlog::warn("session {}: keys failed: {}", id, e.what());
        throw core::ServiceError(502, std::string("Failed to send the keys: ") + e.what());
    }
}

std::optional<host::ReadResult> SessionService::readOutput(const std::string& id,
                                                           std::uint64_t offset,
                                                           std::size_t limit) {
    if (!core::isUuid(id)) return std::nullopt;
    auto dir = impl_->config.sessionsDir / id;
    if (!std::filesystem::exists(dir)) return std::nullopt;
    return host::OutputLogReader(host::SessionPaths{dir}.logDir()).readFrom(offset, limit);
}

std::optional<OutputState> SessionService::outputState(const std::string& id) {
    // A live session is read from its log alone until its host reports the exit; from then on
    // the store says whether the end is recorded (it is only after `ended`), so no one sees the
    // session ended in the API and still running here.
    if (auto live = impl_->find(id); live && !live->ended) {
        host::OutputLogReader reader(live->paths.logDir());
        return OutputState{live->workspaceId,
                           reader.startOffset(),
                           reader.endOffset(),
                           false,
                           std::nullopt,
                           std::nullopt,
                           ""};
    }
    auto session = store::findSession(impl_->db, id);
    if (!session) return std::nullopt;
    host::OutputLogReader reader(host::SessionPaths{impl_->config.sessionsDir / id}.logDir());
    bool ended = core::isFinished(session->status);
    return OutputState{session->workspaceId,
                       reader.startOffset(),
                       reader.endOffset(),
                       ended,
                       session->exitCode,
                       session->exitSignal,
                       session->exitReason.value_or("")};
}

std::vector<std::string> SessionService::stopWorkspace(const std::string& workspaceId,
                                                       std::chrono::milliseconds wait) {
    auto active = [&] {
        std::vector<std::string> ids;
        for (const auto& s : store::listActiveSessionsInWorkspace(impl_->db, workspaceId))
            ids.push_back(s.id);
        return ids;
    };
    for (const auto& id : active()) stop(id);
    auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        auto left = active();
        // Ended means announced too: a workspace's deletion follows its sessions' last events.
        bool announced = left.empty() && !impl_->hasLiveSession(workspaceId);
        if (announced || std::chrono::steady_clock::now() >= deadline) return left;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
}

std::chrono::milliseconds SessionService::stopGrace() const {
    return impl_->config.stopGrace;
}

void SessionService::readoptAll() {
    auto sessions = store::listSessionsByStatus(
        impl_->db, {core::SessionStatus::Starting, core::SessionStatus::Running});
    for (const auto& session : sessions) {
        auto live = impl_->newLiveSession(session);
        live->parsed = static_cast<std::uint64_t>(session.logOffset);
        live->firstOutputRecorded = session.firstOutputAt.has_value();
        // Announced first: a host found gone is finished (and announced ended) below.
        impl_->activity.running(session);
        impl_->observers.sessionRunning(session);
        try {
            impl_->attach(live);
            spdlog::info("session {}: re-adopted its host", session.id);
        } catch (const std::exception&) {
            // No live host: finish it from its exit record, or as lost.
            live->exit = host::readExitRecordFile(live->paths.exitFile());
            if (!live->exit) live->lostReason = "host lost";
            live->ended = true;
            spdlog::info("session {}: host gone ({})", session.id,
                         live->exit ? "exit record found" : "host lost");
            impl_->follower.wake(live);
        }
    }
}

void SessionService::prepareNextStart() {
    impl_->launcher.replenish();
}

std::optional<core::Message> SessionService::sendMessage(const std::string& id, std::string content,
                                                         bool submit) {
    auto session = store::findSession(impl_->db, id);
    if (!session) return std::nullopt;
    core::Message message;
    message.id = core::newUuid();
    message.sessionId = session->id;
    message.role = core::MessageRole::User;
    message.content = std::move(content);
    message.timestamp = core::nowMs();
    store::insertMessage(impl_->db, message);
    auto live = impl_->findRunning(session->id, KindFilter::Any);
    bool paste = live && live->bracketedPaste;
    if (input(session->id, typedText(message.content, paste)) && submit) input(session->id, "\r");
    return message;
}

core::Activity SessionService::hookEvent(const std::string& id, std::string_view json) {
    return impl_->activity.hook(id, json);
}

}  // namespace parawork::session
