// SessionChanges: a waiter wakes at the change it waits for, never misses one made between its
// look and its wait, and gives up at its deadline.
#include "session/session_changes.hpp"

#include <thread>

#include <gtest/gtest.h>

namespace parawork::session {
namespace {

using namespace std::chrono_literals;

TEST(SessionChanges, AChangeBeforeTheWaitIsNotMissed) {
    SessionChanges changes;
    auto seen = changes.generation();
    changes.outputAdvanced("s1");  // between the look and the wait
    auto now = changes.waitAfter(seen, SessionChanges::Clock::now() + 60s);
    EXPECT_EQ(now, seen + 1);  // returned at once, not after a minute
}

TEST(SessionChanges, AWaiterWakesAtAnotherThreadsChange) {
    SessionChanges changes;
    auto seen = changes.generation();
    std::thread changer([&] { changes.sessionEnded(core::Session{}); });
    auto now = changes.waitAfter(seen, SessionChanges::Clock::now() + 60s);
    changer.join();
    EXPECT_GT(now, seen);
}

TEST(SessionChanges, WithoutAChangeTheWaitEndsAtItsDeadline) {
    SessionChanges changes;
    auto seen = changes.generation();
    EXPECT_EQ(changes.waitAfter(seen, SessionChanges::Clock::now() + 1ms), seen);
}

}  // namespace
}  // namespace parawork::session
