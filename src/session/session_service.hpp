// The daemon's session manager (DESIGN §3–4): starts commands in session hosts, stops them,
// forwards input and resizes, re-adopts live hosts after a daemon restart, follows each output
// log to produce agent_log rows, markers and the exit record, and tells the rest of the daemon
// through an EventSink (JSON events) and its SessionObservers. Plain C++ and threads: the network
// edge only calls it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "activity/activity_tracker.hpp"
#include "core/agents.hpp"
#include "core/entities.hpp"
#include "core/error.hpp"
#include "core/resource_limits.hpp"
#include "host/exit_record.hpp"
#include "host/host_protocol.hpp"
#include "host/output_log.hpp"
#include "session/session_observer.hpp"
#include "store/database.hpp"

namespace parawork::session {

/// Where session events go as JSON; the daemon wires it to the WebSocket hub. Called from the
/// service's own threads, so implementations must be thread-safe and quick. What else follows
/// sessions registers a SessionObserver (SessionService::addObserver).
struct EventSink {
    /// A `{type, data}` event for the subscribers of a workspace.
    std::function<void(const std::string& workspaceId, std::string eventJson)> publish;
    /// Whether anyone listens to `publish` at all: building terminal_data for a flood nobody
    /// watches is wasted work. Unset means yes.
    std::function<bool()> listening;
};

struct ServiceConfig {
    std::filesystem::path sessionsDir;
    std::filesystem::path hostBinary;
    std::uint64_t logMaxBytes = 64u << 20;
    std::chrono::milliseconds stopGrace{5000};
    /// Output bytes per session that become agent_log rows (the original logged its first MiB).
    std::uint64_t agentLogBytes = 1u << 20;
    std::size_t maxAgentLogRows = 20000;  ///< rows kept per session
    /// Environment every session of a workspace gets (its port block: PORT, PARAWORK_PORTS),
    /// under the request's own. Called on the starting thread.
    std::function<std::map<std::string, std::string>(const std::string& workspaceId)>
        workspaceEnvironment;
    /// Before a session's host starts (the resource monitor): records its limits, makes its
    /// cgroup, and returns the cgroup.procs files the command joins before it execs.
    std::function<std::vector<std::filesystem::path>(const std::string& sessionId,
                                                     const core::ResourceLimits& limits)>
        prepareResources;
    /// When a session has ended without a person stopping it: the limit that ended it
    /// ("limit:memory" when the kernel OOM-killed in its cgroup...), or nullopt.
    std::function<std::optional<std::string>(const std::string& sessionId)> endReason;
    /// The agent profiles: each agent's hooks and screens (issue 19).
    std::vector<core::AgentProfile> agents;
    /// How the activity layers are timed.
    activity::TrackerOptions activity;
};

/// A start request: parawork's agent start, or our extension with an explicit command.
struct StartRequest {
    std::string workspaceId;
    core::SessionKind kind = core::SessionKind::Agent;
    std::string agentType;  ///< an agent name, or "command" for an arbitrary command
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;    ///< added to the daemon's environment
    std::optional<std::filesystem::path> cwd;  ///< default: the workspace's path
    std::optional<std::string> name;
    /// Recorded as the session's first user message.
    std::optional<std::string> initialPrompt;
    /// Typed into the terminal, then Enter, once the program's first output has settled (for
    /// agents that take a prompt only interactively).
    std::optional<std::string> typedInput;
    /// A resume: the original session, whose messages the new one starts with.
    std::optional<std::string> resumeOf;
    host::WindowSize size{120, 30};
    /// parawork.toml's [limits] under the run's own (issue 8).
    core::ResourceLimits limits;
    /// Ports it says it will serve (`run -p`, parawork.toml [run] ports): their previews show
    /// the loading page until they answer.
    std::vector<std::uint16_t> ports;
    /// The session whose agent asked for this one (MCP's caller), recorded as its parent.
    std::optional<std::string> parentSessionId;
};

/// A refusal with the HTTP status and message the API answers.
using ServiceError = core::ServiceError;

/// Which sessions a request may reach. parawork keeps its two terminals apart: terminal_input
/// types into agent sessions only, user_terminal_input into the workspace's user terminal only.
enum class KindFilter { Any, UserTerminal, NotUserTerminal };

/// What a viewer needs to follow a session's output.
struct OutputState {
    std::string workspaceId;
    std::uint64_t startOffset = 0;
    std::uint64_t endOffset = 0;
    bool ended = false;           ///< the command has exited and all its output is in the log
    std::optional<int> exitCode;  ///< when ended
    std::optional<int> signal;
    std::string exitReason;
};

/// What a stop found.
struct StopResult {
    core::Session session;      ///< as recorded after the stop was asked for
    bool alreadyEnded = false;  ///< its command had ended before: nothing was stopped
};

class SessionService {
  public:
    SessionService(store::Database& db, ServiceConfig config, EventSink sink);
    ~SessionService();
    SessionService(const SessionService&) = delete;
    SessionService& operator=(const SessionService&) = delete;

    /// Registers an observer, called after those registered before it. Register every observer
    /// before readoptAll() and the first start(); it must outlive the service's threads.
    void addObserver(SessionObserver& observer);

    /// Reconnects to every live host of a starting/running session; sessions whose host died
    /// are finished from their exit record, or failed with reason "host lost".
    void readoptAll();
    /// Starts a session host in advance for the next start (session::HostLauncher); call once
    /// the daemon serves.
    void prepareNextStart();
    /// Records and starts a session. Throws ServiceError (404 workspace, 400 busy, a program
    /// that is missing or not executable, a missing working directory; 500 spawn failure —
    /// the session is then recorded as failed). Nothing is recorded for a 4xx. A user terminal
    /// (kind Terminal) is announced as `user_terminal_started` before this returns.
    core::Session start(const StartRequest& request);
    /// Asks the session to stop: SIGTERM to its process group, SIGKILL after the grace period.
    /// The stop is recorded as such — completed, exitReason "stopped" — whatever exit code or
    /// signal the command then ends with. nullopt: no such session. A stop for a limit passes
    /// its reason ("limit:memory"...): the session is then recorded as failed with that reason.
    /// The first reason given wins. A session whose command had already ended is left as it
    /// ended (`alreadyEnded`, with its final record when it comes within a moment).
    std::optional<StopResult> stop(const std::string& id, const std::string& reason = "stopped");
    /// Stops every active session of the workspace (agents, commands, its terminal) and waits
    /// up to `wait` for them to end and for their ends to be announced (session_completed,
    /// workspace_status_changed...). Returns the ids of those still active after that.
    std::vector<std::string> stopWorkspace(const std::string& workspaceId,
                                           std::chrono::milliseconds wait);
    /// The configured grace between SIGTERM and SIGKILL.
    std::chrono::milliseconds stopGrace() const;
    /// Writes bytes to the terminal. False when the session has no live host (or is not of
    /// the kind `filter` admits).
    bool input(const std::string& id, std::string_view bytes, KindFilter filter = KindFilter::Any);
    /// Resizes the terminal (clamped by the host). False when the session has no live host (or
    /// is not of the kind `filter` admits).
    bool resize(const std::string& id, int cols, int rows, KindFilter filter = KindFilter::Any);
    /// Sends an allowed signal (host::isAllowedSignal) to the terminal's foreground process
    /// group, like a key such as Ctrl-C would. False when the session has no live host.
    bool signal(const std::string& id, int signo);
    /// The screen as terminal bytes, with the log offset it corresponds to.
    std::optional<host::SnapshotReply> snapshot(const std::string& id);
    /// The screen as text (host::ScreenText: size, cursor, alternate screen, title, one UTF-8
    /// string per row) with the log offset it stands for. One request on the session's kept
    /// connection to its host, no SQLite unless refused: cheap enough to call whenever output
    /// settles, from any thread. Throws ServiceError: 404 no such session, 409 it has ended (its
    /// screen went with its host), 501 its host predates SCREEN_TEXT, 502 the host failed.
    host::ScreenText screen(const std::string& id);
    /// Types tmux-style keys into the terminal (core::keysToBytes: key names such as Escape,
    /// Down, C-c; other words as text; everything as text when `literal`). Throws ServiceError:
    /// 400 an unknown key name or a request past the bounds, 404, 409 ended, 502 host failed.
    void sendKeys(const std::string& id, const std::vector<std::string>& keys, bool literal);
    /// Reads the output log by offset; works for finished sessions too. nullopt: unknown id.
    std::optional<host::ReadResult> readOutput(const std::string& id, std::uint64_t offset,
                                               std::size_t limit);
    std::optional<OutputState> outputState(const std::string& id);
    /// Records `content` as the user's message in the session and types it into its terminal
    /// (inside the bracketed-paste markers when its program turned that on: typedText), with
    /// Enter after it when `submit` (a message typed but unsent waits in most agents).
    /// The message is recorded even when the session no longer runs. nullopt: no such session.
    std::optional<core::Message> sendMessage(const std::string& id, std::string content,
                                             bool submit);
    /// One hook event (`json`) of the session's agent (`parawork hook`): what the session does
    /// now. Throws ServiceError: 404 no such session, 409 it has ended, 400 its agent has no
    /// hooks or `json` is not one of its events.
    core::Activity hookEvent(const std::string& id, std::string_view json);
    /// Stops the service's threads. Hosts keep running: they outlive the daemon.
    void shutdown();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace parawork::session
