// The output follower: one thread that reads each session's new output from its log (by offset,
// after the host says there is more) and turns it into what the rest of parawork sees — the
// parawork `terminal_data` and `agent_log` events, agent_log rows written in batches, stage and
// ready markers, the first-output time — and, once the host reported the exit and every byte is
// read, records how the session ended and announces `session_completed`. A user terminal's
// output becomes `user_terminal_data` (no rows, no markers) and its end `user_terminal_exited`.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "session/live_session.hpp"
#include "session/session_activity.hpp"
#include "session/session_service.hpp"
#include "store/agent_logs.hpp"

namespace parawork::session {

class OutputEvents {
  public:
    using Forget = std::function<void(const std::shared_ptr<LiveSession>&)>;
    OutputEvents(store::Database& db, const ServiceConfig& config, const EventSink& sink,
                 const SessionObservers& observers, SessionActivity& activity, Forget forget);
    ~OutputEvents();
    OutputEvents(const OutputEvents&) = delete;
    OutputEvents& operator=(const OutputEvents&) = delete;

    /// Queues the session for a look at its log (deduplicated). Any thread.
    void wake(std::shared_ptr<LiveSession> session);
    void stop();

  private:
    void run();
    /// Reads up to a budget of new output; true when there is more to read.
    bool follow(LiveSession& session);
    /// Hands the session's new bytes to its line splitter (agent_log rows, markers).
    void parseLines(LiveSession& session, std::string_view bytes);
    /// Whether the session's lines still become agent_log rows and events.
    bool logging(const LiveSession& session) const;
    void onLine(LiveSession& session, std::string_view line);
    void flushRows(LiveSession& session);
    void finish(const std::shared_ptr<LiveSession>& session);
    void publish(const LiveSession& session, std::string event);

    store::Database& db_;
    const ServiceConfig& config_;
    const EventSink& sink_;
    const SessionObservers& observers_;
    SessionActivity& activity_;
    Forget forget_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::shared_ptr<LiveSession>> queue_;
    std::set<LiveSession*> queued_;
    bool stopping_ = false;
    std::vector<store::AgentLogRow> rows_;  ///< the batch being built (follower thread)
    std::thread thread_;
};

/// Splits `bytes` (prefixed by a held-back partial sequence in `pending`) into valid UTF-8 text
/// for a JSON string: invalid bytes become U+FFFD, an incomplete trailing sequence is kept in
/// `pending` for the next chunk.
std::string takeUtf8(std::string& pending, std::string_view bytes);

}  // namespace parawork::session
