// Who hears of sessions: the file watcher, the port service, the resource monitor, the
// dependency service and the network edge each register one SessionObserver on the
// SessionService instead of chaining callbacks. Observers are called in registration order, on
// the service's own threads (the starting thread, the output follower), so they must be
// thread-safe and quick.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.hpp"

namespace parawork::session {

/// What a session does, as the rest of the daemon follows it. Every method has a no-op default:
/// an observer overrides what it cares about.
class SessionObserver {
  public:
    virtual ~SessionObserver() = default;
    /// A session's process is running (started, or re-adopted after a daemon restart). Always
    /// before its sessionEnded.
    virtual void sessionRunning(const core::Session& /*session*/) {}
    /// A session's process is gone and its end is about to be recorded: whatever routes to the
    /// session stops here, so that nobody who has read its end still reaches it (a preview port
    /// that another process may take next). Always before its sessionEnded.
    virtual void processEnded(const std::string& /*sessionId*/) {}
    /// A session has ended and its end is recorded (and announced as session_completed).
    virtual void sessionEnded(const core::Session& /*session*/) {}
    /// One line of a session's output (ANSI stripped; not for user terminals), among the first
    /// ServiceConfig::agentLogBytes: where dev servers print their URLs and ready lines.
    virtual void outputLine(const std::string& /*sessionId*/, const std::string& /*workspaceId*/,
                            std::string_view /*line*/) {}
    /// New bytes in a session's output log (or its end): viewers reading by offset may go on.
    virtual void outputAdvanced(const std::string& /*sessionId*/) {}
    /// Bytes from `from` to `to` of a session's output are new (parawork's terminal_data viewers
    /// read them from the log by offset; a user terminal's viewers get user_terminal_data).
    /// Only while EventSink::listening says someone listens.
    virtual void terminalOutput(const std::string& /*sessionId*/,
                                const std::string& /*workspaceId*/, core::SessionKind /*kind*/,
                                std::uint64_t /*from*/, std::uint64_t /*to*/) {}
    /// A session's activity changed (issue 19): stored and announced as session_state_changed.
    /// The end of a session comes as Completed / Failed after its sessionEnded.
    virtual void activityChanged(const std::string& /*sessionId*/,
                                 const std::string& /*workspaceId*/, const core::Activity& /*now*/,
                                 const core::Activity& /*before*/) {}
};

/// The observers of one SessionService, called in the order they were added. Adding is not
/// synchronised with the calls: add every observer before the service starts or re-adopts a
/// session. The observers must outlive the service's threads.
class SessionObservers {
  public:
    void add(SessionObserver& observer) { observers_.push_back(&observer); }

    void sessionRunning(const core::Session& session) const {
        for (auto* o : observers_) o->sessionRunning(session);
    }
    void processEnded(const std::string& sessionId) const {
        for (auto* o : observers_) o->processEnded(sessionId);
    }
    void sessionEnded(const core::Session& session) const {
        for (auto* o : observers_) o->sessionEnded(session);
    }
    void outputLine(const std::string& sessionId, const std::string& workspaceId,
                    std::string_view line) const {
        for (auto* o : observers_) o->outputLine(sessionId, workspaceId, line);
    }
    void outputAdvanced(const std::string& sessionId) const {
        for (auto* o : observers_) o->outputAdvanced(sessionId);
    }
    void terminalOutput(const std::string& sessionId, const std::string& workspaceId,
                        core::SessionKind kind, std::uint64_t from, std::uint64_t to) const {
        for (auto* o : observers_) o->terminalOutput(sessionId, workspaceId, kind, from, to);
    }

    void activityChanged(const std::string& sessionId, const std::string& workspaceId,
                         const core::Activity& now, const core::Activity& before) const {
        for (auto* o : observers_) o->activityChanged(sessionId, workspaceId, now, before);
    }

  private:
    std::vector<SessionObserver*> observers_;
};

}  // namespace parawork::session
