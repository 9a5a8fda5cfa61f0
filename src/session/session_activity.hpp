// A session's activity state (issue 19), as the session manager keeps it: the tracker of the
// activity room fed with what the service sees — a session's start and end, its output and its
// terminal signals, its hook events, a person's input — and each change stored, announced as
// `session_state_changed` and handed to the observers.
#pragma once

#include <string>
#include <string_view>

#include "activity/activity_tracker.hpp"
#include "core/agents.hpp"
#include "session/session_observer.hpp"
#include "store/database.hpp"

namespace parawork::session {

struct EventSink;
struct ServiceConfig;

class SessionActivity {
  public:
    /// `readScreen` returns a live session's screen as text (the host's screen model).
    SessionActivity(store::Database& db, const ServiceConfig& config, const EventSink& sink,
                    const SessionObservers& observers,
                    activity::ActivityTracker::ReadScreen readScreen);

    /// A session's process runs (started or re-adopted): it is followed from its stored state.
    void running(const core::Session& session);
    /// Its end is recorded.
    void ended(const core::Session& session);
    /// New output (`bytes`, in any split) of a followed session, read through its scanner.
    void output(const std::string& sessionId, activity::TerminalSignalScanner& scanner,
                std::string_view bytes);
    /// Someone typed `bytes` into it.
    void input(const std::string& sessionId, std::string_view bytes);
    /// One hook event of its agent. Throws ServiceError: 404 no such session, 409 it has ended,
    /// 400 its agent has no hooks or `json` is not an event.
    core::Activity hook(const std::string& sessionId, std::string_view json);
    void shutdown() { tracker_.shutdown(); }

  private:
    void changed(const std::string& sessionId, const std::string& workspaceId,
                 const core::Activity& now, const core::Activity& before);
    const core::AgentProfile* profile(const std::string& agentType) const;

    store::Database& db_;
    const ServiceConfig& config_;
    const EventSink& sink_;
    const SessionObservers& observers_;
    activity::ActivityTracker tracker_;
};

/// Whether typed bytes are only what a terminal reports by itself (focus in/out), not a
/// person's answer.
bool isTerminalReport(std::string_view bytes);

}  // namespace parawork::session
