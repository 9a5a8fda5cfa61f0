// Combines the layers of agent state (issue 19 §2) into one activity per session: hooks (the
// agent says what it does), terminal signals (its title spinner, notifications, the bell), the
// screen (a permission box, a question, a login prompt) and quiet output as the last resort.
// A more exact layer wins; a layer below decides only where the ones above have said nothing.
// The one exception is the screen's cross-check: a waiting screen that stays up while a layer
// above still says "working" wins (an agent out of quota never fires its Stop hook).
//
// Plain C++ with its own timer thread (quiet output and debounces end without an event). Every
// method is thread-safe; `Changed` is called without the tracker's lock held, in the order the
// changes happen, from the caller's thread or the timer thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "activity/hook_verdict.hpp"
#include "activity/terminal_signals.hpp"
#include "core/activity.hpp"

namespace parawork::activity {

using Clock = std::chrono::steady_clock;

struct TrackerOptions {
    /// Output within this long means "working" for the quiet layer; this long without output
    /// means "idle".
    std::chrono::milliseconds quietAfter{3000};
    /// How long a state from the terminal, screen or quiet layer must hold before it is shown
    /// (a redraw that flickers a box must not notify anyone). Hook states are exact: no debounce.
    std::chrono::milliseconds debounce{400};
    /// Output that has been still this long is worth a look at the screen.
    std::chrono::milliseconds screenSettle{300};
};

/// What the tracker needs to know of a session.
struct TrackedSession {
    std::string sessionId;
    std::string workspaceId;
    core::Activity activity;  ///< its current (stored) activity: Starting for a new session
    /// Screens that mean it waits (its agent profile's); empty: no screen checks.
    std::vector<core::ScreenPattern> screens;
};

class ActivityTracker {
  public:
    /// A session's activity changed from `before` to `now`.
    using Changed = std::function<void(const std::string& sessionId, const std::string& workspaceId,
                                       const core::Activity& now, const core::Activity& before)>;
    /// The session's screen as text (rows joined by '\n'), nullopt when it cannot be read. Called
    /// on the timer thread once a session's output has settled and its screen may have changed.
    using ReadScreen = std::function<std::optional<std::string>(const std::string& sessionId)>;
    /// Milliseconds since the epoch, for `since` (tests pass their own).
    using Now = std::function<std::int64_t()>;

    ActivityTracker(TrackerOptions options, Changed changed, ReadScreen readScreen, Now now = {});
    ~ActivityTracker();
    ActivityTracker(const ActivityTracker&) = delete;
    ActivityTracker& operator=(const ActivityTracker&) = delete;

    /// Follows a session from its current activity (a re-adopted session keeps its stored one).
    void begin(TrackedSession session);
    /// The session's hook reported an event. False when the session is not followed (it ended or
    /// never was): nothing changes.
    bool hook(const std::string& sessionId, const HookVerdict& verdict);
    /// A terminal signal from the session's output.
    void terminal(const std::string& sessionId, const TerminalSignal& signal);
    /// New output arrived.
    void output(const std::string& sessionId);
    /// A person (or an agent through the API) typed into the session: whatever it waited for
    /// on its screen or terminal has been answered.
    void input(const std::string& sessionId);
    /// The session ended (`state` Completed or Failed); it is no longer followed.
    void end(const std::string& sessionId, core::ActivityState state);
    /// The activity of a followed session.
    std::optional<core::Activity> current(const std::string& sessionId) const;
    /// Stops the timer thread; later calls change nothing.
    void shutdown();

  private:
    struct Session;
    struct Pending;
    void run();
    /// Recomputes the session's state from its layers at `now`; queues a change when it differs.
    void settle(Session& session, Clock::time_point now, std::vector<Pending>& changes);
    void checkScreen(const std::string& sessionId);
    void deliver(std::vector<Pending>& changes);

    TrackerOptions options_;
    Changed changed_;
    ReadScreen readScreen_;
    Now now_;
    mutable std::mutex mutex_;
    std::mutex deliverMutex_;  ///< keeps Changed calls in order across threads
    std::condition_variable wake_;
    std::map<std::string, std::unique_ptr<Session>> sessions_;
    bool stopping_ = false;
    /// When the timer thread will next look by itself (min() while it is awake and looking).
    Clock::time_point plannedWake_ = Clock::time_point::min();
    std::thread timer_;
};

}  // namespace parawork::activity
