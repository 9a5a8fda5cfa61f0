#include "activity/activity_tracker.hpp"

#include <algorithm>

#include "activity/screen_patterns.hpp"

namespace parawork::activity {

using core::ActivitySource;
using core::ActivityState;
using core::WaitingFor;

namespace {

/// A waiting screen must stay up this long before it overrules a layer above that says
/// "working" (the cross-check): a permission box drawn a moment before its hook fires is not a
/// contradiction.
constexpr auto kCrossCheck = std::chrono::milliseconds(2000);

/// What one layer says.
struct Opinion {
    ActivityState state = ActivityState::Working;
    WaitingFor waitingFor = WaitingFor::None;
    std::string reason;
    ActivitySource source = ActivitySource::Quiet;
};

bool sameState(const core::Activity& a, const Opinion& o) {
    return a.state == o.state && a.waitingFor == o.waitingFor;
}

}  // namespace

struct ActivityTracker::Session {
    TrackedSession info;
    std::optional<Opinion> hook;
    std::optional<Opinion> title;      ///< from the title, once it has shown a spinner
    std::optional<Opinion> attention;  ///< a notification or the bell, until answered
    std::optional<Opinion> screen;     ///< a waiting screen while it is up
    Clock::time_point screenSince{};
    bool anyOutput = false;
    Clock::time_point lastOutput{};
    bool screenDirty = false;
    /// A state from a debounced layer waiting to be shown, and since when it has been wanted.
    std::optional<Opinion> candidate;
    Clock::time_point candidateSince{};
};

struct ActivityTracker::Pending {
    std::string sessionId;
    std::string workspaceId;
    core::Activity now;
    core::Activity before;
};

ActivityTracker::ActivityTracker(TrackerOptions options, Changed changed, ReadScreen readScreen,
                                 Now now)
    : options_(options),
      changed_(std::move(changed)),
      readScreen_(std::move(readScreen)),
      now_(now ? std::move(now) : [] {
          return std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
              .count();
      }) {
    timer_ = std::thread([this] { run(); });
}

ActivityTracker::~ActivityTracker() {
    shutdown();
}

void ActivityTracker::shutdown() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (timer_.joinable()) timer_.join();
}

void ActivityTracker::begin(TrackedSession session) {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    auto s = std::make_unique<Session>();
    // A re-adopted session resumes where the last daemon left it; its layers start over, so the
    // quiet layer counts from now rather than calling it idle at once.
    s->anyOutput = session.activity.state != ActivityState::Starting;
    s->lastOutput = Clock::now();
    // The layer that decided the stored state holds it until it (or one above) says otherwise.
    const auto& a = session.activity;
    Opinion stored{a.state, a.waitingFor, a.reason, a.source};
    if (a.source == ActivitySource::Hook) s->hook = stored;
    if (a.source == ActivitySource::Terminal)
        (a.state == ActivityState::Waiting ? s->attention : s->title) = stored;
    if (a.source == ActivitySource::Screen) {
        s->screen = stored;
        s->screenSince = s->lastOutput - kCrossCheck;
        s->screenDirty = !session.screens.empty();
    }
    s->info = std::move(session);
    sessions_[s->info.sessionId] = std::move(s);
    wake_.notify_all();
}

bool ActivityTracker::hook(const std::string& sessionId, const HookVerdict& verdict) {
    std::vector<Pending> changes;
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(sessionId);
        if (stopping_ || it == sessions_.end()) return false;
        auto& s = *it->second;
        if (verdict.state) {
            s.hook =
                Opinion{*verdict.state, verdict.waitingFor, verdict.reason, ActivitySource::Hook};
            // The agent spoke for itself: whatever the terminal or screen said before is old.
            s.attention.reset();
        }
        settle(s, Clock::now(), changes);
    }
    deliver(changes);
    return true;
}

void ActivityTracker::terminal(const std::string& sessionId, const TerminalSignal& signal) {
    std::vector<Pending> changes;
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(sessionId);
        if (stopping_ || it == sessions_.end()) return;
        auto& s = *it->second;
        using Kind = TerminalSignal::Kind;
        if (signal.kind == Kind::Title) {
            if (titleMeansWorking(signal.text)) {
                s.title =
                    Opinion{ActivityState::Working, WaitingFor::None, "", ActivitySource::Terminal};
                s.attention.reset();
            } else if (s.title) {
                // A title without its spinner, from a program that showed one: its turn is done.
                s.title =
                    Opinion{ActivityState::Idle, WaitingFor::None, "", ActivitySource::Terminal};
            }
        } else if (signal.kind == Kind::Notification || signal.kind == Kind::Bell) {
            s.attention = Opinion{ActivityState::Waiting, WaitingFor::Input,
                                  signal.kind == Kind::Bell ? "rang the bell" : signal.text,
                                  ActivitySource::Terminal};
        }
        settle(s, Clock::now(), changes);
    }
    deliver(changes);
}

void ActivityTracker::output(const std::string& sessionId) {
    std::vector<Pending> changes;
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(sessionId);
        if (stopping_ || it == sessions_.end()) return;
        auto& s = *it->second;
        bool first = !s.anyOutput;
        s.anyOutput = true;
        s.lastOutput = Clock::now();
        s.screenDirty = !s.info.screens.empty();
        settle(s, s.lastOutput, changes);
        // A flood calls this hundreds of times a second: the timer is woken only when it would
        // otherwise sleep past this session's next deadline.
        auto deadline =
            s.lastOutput + (s.screenDirty ? options_.screenSettle : options_.quietAfter);
        if (first || deadline < plannedWake_) wake_.notify_all();
    }
    deliver(changes);
}

void ActivityTracker::input(const std::string& sessionId) {
    std::vector<Pending> changes;
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(sessionId);
        if (stopping_ || it == sessions_.end()) return;
        auto& s = *it->second;
        s.attention.reset();
        s.screen.reset();
        s.screenDirty = !s.info.screens.empty();
        settle(s, Clock::now(), changes);
        wake_.notify_all();
    }
    deliver(changes);
}

void ActivityTracker::end(const std::string& sessionId, ActivityState state) {
    std::vector<Pending> changes;
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(sessionId);
        if (it == sessions_.end()) return;
        auto& s = *it->second;
        core::Activity ended{state, WaitingFor::None, "", ActivitySource::Lifecycle, now_()};
        if (ended.state != s.info.activity.state)
            changes.push_back({s.info.sessionId, s.info.workspaceId, ended, s.info.activity});
        sessions_.erase(it);
    }
    deliver(changes);
}

std::optional<core::Activity> ActivityTracker::current(const std::string& sessionId) const {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(sessionId);
    if (it == sessions_.end()) return std::nullopt;
    return it->second->info.activity;
}

void ActivityTracker::settle(Session& s, Clock::time_point now, std::vector<Pending>& changes) {
    // The most exact layer that has spoken decides...
    Opinion want;
    if (s.hook)
        want = *s.hook;
    else if (s.attention)
        want = *s.attention;
    else if (s.title)
        want = *s.title;
    else if (!s.anyOutput)
        want = Opinion{ActivityState::Starting, WaitingFor::None, "", ActivitySource::Lifecycle};
    else if (now - s.lastOutput < options_.quietAfter)
        want = Opinion{ActivityState::Working, WaitingFor::None, "", ActivitySource::Quiet};
    else
        want = Opinion{ActivityState::Idle, WaitingFor::None, "", ActivitySource::Quiet};
    // ...except that a waiting screen beats the guesses below it, and beats "working" from
    // above once it has stayed up for the cross-check.
    if (s.screen) {
        bool below =
            want.source == ActivitySource::Quiet || want.source == ActivitySource::Lifecycle ||
            (want.source == ActivitySource::Terminal && want.state != ActivityState::Waiting);
        bool contradicted =
            want.state == ActivityState::Working && now - s.screenSince >= kCrossCheck;
        if (below || contradicted) want = *s.screen;
    }

    auto& shown = s.info.activity;
    if (sameState(shown, want)) {
        s.candidate.reset();
        if (shown.reason == want.reason) return;
        // The same state for a new reason (another command asks for permission): shown at once.
        core::Activity next = shown;
        next.reason = want.reason;
        next.source = want.source;
        changes.push_back({s.info.sessionId, s.info.workspaceId, next, shown});
        shown = next;
        return;
    }
    bool exact = want.source == ActivitySource::Hook || want.source == ActivitySource::Lifecycle;
    if (!exact) {
        if (!s.candidate || s.candidate->state != want.state ||
            s.candidate->waitingFor != want.waitingFor) {
            s.candidate = want;
            s.candidateSince = now;
        }
        if (now - s.candidateSince < options_.debounce) {
            // Shown once it has held: the timer must look again by then.
            if (s.candidateSince + options_.debounce < plannedWake_) wake_.notify_all();
            return;
        }
    }
    s.candidate.reset();
    core::Activity next{want.state, want.waitingFor, want.reason, want.source, now_()};
    changes.push_back({s.info.sessionId, s.info.workspaceId, next, shown});
    shown = next;
}

void ActivityTracker::deliver(std::vector<Pending>& changes) {
    if (changes.empty() || !changed_) return;
    std::lock_guard lock(deliverMutex_);
    for (auto& c : changes) changed_(c.sessionId, c.workspaceId, c.now, c.before);
}

void ActivityTracker::checkScreen(const std::string& sessionId) {
    // Read without the lock: the host answers in its own time.
    auto text = readScreen_ ? readScreen_(sessionId) : std::nullopt;
    std::vector<Pending> changes;
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(sessionId);
        if (stopping_ || it == sessions_.end() || !text) return;
        auto& s = *it->second;
        auto match = matchScreen(s.info.screens, *text);
        if (!match) {
            s.screen.reset();
        } else {
            Opinion o{ActivityState::Waiting, match->waitingFor, match->reason,
                      ActivitySource::Screen};
            if (!s.screen || s.screen->waitingFor != o.waitingFor || s.screen->reason != o.reason)
                s.screenSince = Clock::now();
            s.screen = std::move(o);
        }
        settle(s, Clock::now(), changes);
    }
    deliver(changes);
}

void ActivityTracker::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        auto now = Clock::now();
        auto next = now + std::chrono::seconds(60);
        std::vector<std::string> screens;
        std::vector<Pending> changes;
        for (auto& [id, s] : sessions_) {
            if (s->screenDirty && now - s->lastOutput >= options_.screenSettle) {
                s->screenDirty = false;
                screens.push_back(id);
            }
            settle(*s, now, changes);
            // When this session may change next without an event.
            if (s->screenDirty) next = std::min(next, s->lastOutput + options_.screenSettle);
            if (s->candidate) next = std::min(next, s->candidateSince + options_.debounce);
            if (s->anyOutput && now - s->lastOutput < options_.quietAfter)
                next = std::min(next, s->lastOutput + options_.quietAfter);
            if (s->screen && now - s->screenSince < kCrossCheck)
                next = std::min(next, s->screenSince + kCrossCheck);
        }
        if (!changes.empty() || !screens.empty()) {
            lock.unlock();
            deliver(changes);
            for (const auto& id : screens) checkScreen(id);
            lock.lock();
            continue;
        }
        plannedWake_ = next;
        wake_.wait_until(lock, next);
        plannedWake_ = Clock::time_point::min();
    }
}

}  // namespace parawork::activity
