// The tracker that combines the layers of agent state: which layer wins, the cross-check, the
// quiet layer, debouncing, and the order of changes. Short timings; every wait is for a
// condition.
#include "activity/activity_tracker.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "unit_support/wait_until.hpp"

namespace parawork::activity {
namespace {

using core::ActivitySource;
using core::ActivityState;
using core::WaitingFor;
using test::waitUntil;

struct Change {
    std::string session;
    core::Activity now;
    core::Activity before;
};

class Tracker : public ::testing::Test {
  protected:
    /// The screen the tracker reads (shared with its timer thread).
    void showScreen(std::string text) {
        std::lock_guard lock(mutex_);
        screen_ = std::move(text);
    }
    std::vector<Change> changes() {
        std::lock_guard lock(mutex_);
        return changes_;
    }
    core::Activity state(const std::string& id = "s1") { return tracker_.current(id).value(); }
    bool becomes(ActivityState s, WaitingFor w = WaitingFor::None, const std::string& id = "s1") {
        return waitUntil([&] {
            auto a = tracker_.current(id);
            return a && a->state == s && a->waitingFor == w;
        });
    }
    void begin(std::vector<core::ScreenPattern> screens = {}) {
        tracker_.begin({"s1", "w1", core::Activity{}, std::move(screens)});
    }
    std::size_t screenReads() {
        std::lock_guard lock(mutex_);
        return screenReads_;
    }

    TrackerOptions options_{std::chrono::milliseconds(150), std::chrono::milliseconds(30),
                            std::chrono::milliseconds(20)};
    std::mutex mutex_;
    std::vector<Change> changes_;
    std::string screen_;
    std::size_t screenReads_ = 0;
    ActivityTracker tracker_{options_,
                             [this](const std::string& id, const std::string&,
                                    const core::Activity& now, const core::Activity& before) {
                                 std::lock_guard lock(mutex_);
                                 changes_.push_back({id, now, before});
                             },
                             [this](const std::string&) -> std::optional<std::string> {
                                 std::lock_guard lock(mutex_);
                                 ++screenReads_;
                                 return screen_;
                             }};
};

HookVerdict verdict(ActivityState s, WaitingFor w = WaitingFor::None, std::string reason = "") {
    return HookVerdict{"event", s, w, std::move(reason)};
}

TEST_F(Tracker, ASessionStartsStartingAndOutputMakesItWorkThenQuietMakesItIdle) {
    begin();
    EXPECT_EQ(state().state, ActivityState::Starting);
    tracker_.output("s1");
    ASSERT_TRUE(becomes(ActivityState::Working));
    EXPECT_EQ(state().source, ActivitySource::Quiet);
    ASSERT_TRUE(becomes(ActivityState::Idle));
    EXPECT_EQ(state().source, ActivitySource::Quiet);
    auto seen = changes();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].before.state, ActivityState::Starting);
    EXPECT_EQ(seen[1].before.state, ActivityState::Working);
    EXPECT_GE(seen[1].now.since, seen[0].now.since);
}

TEST_F(Tracker, AHookIsShownAtOnceAndQuietOutputNoLongerDecides) {
    begin();
    ASSERT_TRUE(tracker_.hook("s1", verdict(ActivityState::Working)));
    EXPECT_EQ(state().state, ActivityState::Working);  // no debounce for the exact layer
    EXPECT_EQ(state().source, ActivitySource::Hook);
    ASSERT_TRUE(tracker_.hook("s1", verdict(ActivityState::Waiting, WaitingFor::Permission,
                                            "wants to run `rm -rf build`")));
    EXPECT_EQ(state().waitingFor, WaitingFor::Permission);
    EXPECT_EQ(state().reason, "wants to run `rm -rf build`");
    // Output (the agent redrawing its box) and time do not make a waiting agent "working".
    tracker_.output("s1");
    tracker_.hook("s1", verdict(ActivityState::Idle));
    tracker_.output("s1");
    EXPECT_FALSE(waitUntil([&] { return state().state != ActivityState::Idle; },
                           std::chrono::milliseconds(400)));
}

TEST_F(Tracker, AHookWithoutAStateChangesNothing) {
    begin();
    tracker_.hook("s1", verdict(ActivityState::Working));
    tracker_.hook("s1", HookVerdict{"SubagentStop", std::nullopt, WaitingFor::None, ""});
    EXPECT_EQ(state().state, ActivityState::Working);
    EXPECT_EQ(changes().size(), 1u);
}

TEST_F(Tracker, AHookForAnUnknownOrEndedSessionIsRefused) {
    EXPECT_FALSE(tracker_.hook("nobody", verdict(ActivityState::Working)));
    begin();
    tracker_.end("s1", ActivityState::Completed);
    EXPECT_FALSE(tracker_.hook("s1", verdict(ActivityState::Working)));
    EXPECT_FALSE(tracker_.current("s1"));
    auto seen = changes();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].now.state, ActivityState::Completed);
    EXPECT_EQ(seen[0].now.source, ActivitySource::Lifecycle);
}

TEST_F(Tracker, ASpinnerTitleMeansWorkingAndItsEndIdle) {
    begin();
    tracker_.terminal("s1", {TerminalSignal::Kind::Title, "\u2819 Building", false});
    ASSERT_TRUE(becomes(ActivityState::Working));
    EXPECT_EQ(state().source, ActivitySource::Terminal);
    tracker_.terminal("s1", {TerminalSignal::Kind::Title, "\u2733 Claude Code", false});
    ASSERT_TRUE(becomes(ActivityState::Idle));
    EXPECT_EQ(state().source, ActivitySource::Terminal);
}

TEST_F(Tracker, ATitleWithoutEverASpinnerSaysNothing) {
    begin();
    tracker_.terminal("s1", {TerminalSignal::Kind::Title, "vim - notes.txt", false});
    tracker_.output("s1");
    ASSERT_TRUE(becomes(ActivityState::Working));
    EXPECT_EQ(state().source, ActivitySource::Quiet);
}

TEST_F(Tracker, ANotificationWaitsUntilSomeoneTypes) {
    begin();
    tracker_.output("s1");
    tracker_.terminal("s1", {TerminalSignal::Kind::Notification, "Claude needs your input", false});
    ASSERT_TRUE(becomes(ActivityState::Waiting, WaitingFor::Input));
    EXPECT_EQ(state().reason, "Claude needs your input");
    tracker_.input("s1");
    ASSERT_TRUE(becomes(ActivityState::Idle));
}

TEST_F(Tracker, AWaitingScreenBeatsQuietOutputAndGoesWhenItIsGone) {
    begin({{{"Do you want to proceed?"}, WaitingFor::Permission, "asks to proceed"}});
    showScreen("Bash(rm -rf build)\n Do you want to proceed?\n 1. Yes\n 2. No");
    tracker_.output("s1");
    ASSERT_TRUE(becomes(ActivityState::Waiting, WaitingFor::Permission));
    EXPECT_EQ(state().source, ActivitySource::Screen);
    EXPECT_EQ(state().reason, "asks to proceed");
    showScreen("Running...");
    tracker_.output("s1");
    ASSERT_TRUE(waitUntil([&] { return state().state != ActivityState::Waiting; }));
}

TEST_F(Tracker, AWaitingScreenOverrulesAHookThatStillSaysWorking) {
    begin({{{"usage limit"}, WaitingFor::Error, "hit its usage limit"}});
    tracker_.hook("s1", verdict(ActivityState::Working));
    showScreen("You've hit your usage limit. Resets at 5pm.");
    tracker_.output("s1");
    // Not at once (a box may be drawn a moment before its hook fires), but once it stays up.
    ASSERT_TRUE(becomes(ActivityState::Waiting, WaitingFor::Error));
    EXPECT_EQ(state().source, ActivitySource::Screen);
    // A hook that says "idle" or "waiting" is not contradicted by a screen.
    tracker_.hook("s1", verdict(ActivityState::Idle));
    EXPECT_EQ(state().state, ActivityState::Idle);
}

TEST_F(Tracker, SessionsWithoutScreensAreNeverRead) {
    begin();
    tracker_.output("s1");
    ASSERT_TRUE(becomes(ActivityState::Idle));
    EXPECT_EQ(screenReads(), 0u);
}

TEST_F(Tracker, ABellWaitsForInput) {
    begin();
    tracker_.terminal("s1", {TerminalSignal::Kind::Bell, "", false});
    ASSERT_TRUE(becomes(ActivityState::Waiting, WaitingFor::Input));
    EXPECT_EQ(state().reason, "rang the bell");
}

TEST_F(Tracker, ARedrawThatFlickersAStateIsNotShown) {
    begin({{{"Allow?"}, WaitingFor::Permission, ""}});
    tracker_.hook("s1", verdict(ActivityState::Working));
    // The terminal layer under a hook never shows through, however long it holds.
    tracker_.terminal("s1", {TerminalSignal::Kind::Title, "\u2819", false});
    tracker_.terminal("s1", {TerminalSignal::Kind::Title, "done", false});
    tracker_.output("s1");
    EXPECT_FALSE(waitUntil([&] { return state().state != ActivityState::Working; },
                           std::chrono::milliseconds(300)));
    EXPECT_EQ(changes().size(), 1u);
}

TEST_F(Tracker, AReAdoptedSessionKeepsItsStoredStateUntilALayerSpeaks) {
    core::Activity stored{ActivityState::Waiting, WaitingFor::Question, "which one?",
                          ActivitySource::Hook, 1234};
    tracker_.begin({"s2", "w1", stored, {}});
    EXPECT_EQ(state("s2"), stored);
    tracker_.hook("s2", verdict(ActivityState::Working));
    EXPECT_EQ(state("s2").state, ActivityState::Working);
}

TEST_F(Tracker, ShutdownStopsFollowing) {
    begin();
    tracker_.shutdown();
    EXPECT_FALSE(tracker_.hook("s1", verdict(ActivityState::Working)));
}

}  // namespace
}  // namespace parawork::activity
