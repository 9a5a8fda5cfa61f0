// The port tracker against real process trees: a grandchild's listener is reported opened for
// its session only, closed when the process goes, and a removed session's ports are closed.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ports/port_tracker.hpp"
#include "unit/ports_fixture.hpp"

namespace parawork::ports {
namespace {

using namespace std::chrono_literals;
using test::ProcessTree;

/// Collects the tracker's events.
struct Recorder {
    struct Event {
        bool opened = false;
        std::string sessionId;
        std::uint16_t port = 0;
        std::vector<pid_t> pids;
    };
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<Event> events;

    PortEvents sink() {
        return {[this](const TrackedSession& s, const SessionPort& p) { add(true, s, p); },
                [this](const TrackedSession& s, const SessionPort& p) { add(false, s, p); }};
    }
    void add(bool opened, const TrackedSession& s, const SessionPort& p) {
        std::lock_guard lock(mutex);
        events.push_back({opened, s.id, p.port, p.pids});
        changed.notify_all();
    }
    /// Waits (bounded) until `n` events have arrived.
    bool waitFor(std::size_t n) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, 10s, [&] { return events.size() >= n; });
    }
};

TEST(PortTracker, ReportsAListenerOfTheSessionsTreeAndItsClosing) {
    // The idle tree first: a tree forked later inherits the earlier one's release pipe, and
    // `serving` must be able to end on its own.
    ProcessTree idle(false);
    auto serving = std::make_unique<ProcessTree>(true);
    ASSERT_TRUE(serving->ready() && idle.ready());
    Recorder recorder;
    PortTracker tracker(recorder.sink(), 20ms);
    tracker.add("serving", "ws-1", serving->root(), {});
    tracker.add("idle", "ws-2", idle.root(), {});

    ASSERT_TRUE(recorder.waitFor(1));
    {
        std::lock_guard lock(recorder.mutex);
        ASSERT_EQ(recorder.events.size(), 1u);
        EXPECT_TRUE(recorder.events[0].opened);
        EXPECT_EQ(recorder.events[0].sessionId, "serving");
        EXPECT_EQ(recorder.events[0].port, serving->listener().port);
        EXPECT_EQ(recorder.events[0].pids, std::vector<pid_t>{serving->listener().pid});
    }
    auto owner = tracker.ownerOf(serving->listener().port);
    ASSERT_TRUE(owner.has_value());
    EXPECT_EQ(owner->id, "serving");
    EXPECT_EQ(owner->ports.at(0).connectAddress(), "127.0.0.1");
    EXPECT_TRUE(tracker.session("idle")->ports.empty());
    EXPECT_TRUE(tracker.listeningPorts().contains(serving->listener().port));

    auto port = serving->listener().port;
    serving.reset();  // the tree exits, its socket closes
    ASSERT_TRUE(recorder.waitFor(2));
    std::lock_guard lock(recorder.mutex);
    EXPECT_FALSE(recorder.events[1].opened);
    EXPECT_EQ(recorder.events[1].sessionId, "serving");
    EXPECT_EQ(recorder.events[1].port, port);
}

TEST(PortTracker, RemovingASessionClosesItsPortsAndForgetsIt) {
    ProcessTree serving(true);
    ASSERT_TRUE(serving.ready());
    Recorder recorder;
    PortTracker tracker(recorder.sink(), 20ms);
    tracker.add("s", "ws", serving.root(), {9999, 8000});
    ASSERT_TRUE(recorder.waitFor(1));
    EXPECT_EQ(tracker.session("s")->declared, (std::vector<std::uint16_t>{8000, 9999}));

    tracker.remove("s");
    ASSERT_TRUE(recorder.waitFor(2));
    {
        std::lock_guard lock(recorder.mutex);
        EXPECT_FALSE(recorder.events[1].opened);
        EXPECT_EQ(recorder.events[1].port, serving.listener().port);
    }
    EXPECT_FALSE(tracker.session("s").has_value());
    EXPECT_FALSE(tracker.ownerOf(serving.listener().port).has_value());
}

TEST(PortTracker, AListenerOutsideEveryTrackedTreeIsNobodys) {
    ProcessTree idle(false);
    ASSERT_TRUE(idle.ready());
    // Opened after the fork, so the idle tree doesn't inherit it.
    test::TestSocket mine(AF_INET6);
    ASSERT_TRUE(mine.ok());
    Recorder recorder;
    PortTracker tracker(recorder.sink(), 20ms);
    tracker.add("idle", "ws", idle.root(), {});
    tracker.scanSoon();
    // Two full intervals pass with a scan each; the test's own socket is seen but not owned.
    std::this_thread::sleep_for(200ms);
    EXPECT_GE(tracker.stats().dumps, 1u);
    EXPECT_TRUE(tracker.listeningPorts().contains(mine.port()));
    EXPECT_FALSE(tracker.ownerOf(mine.port()).has_value());
    std::lock_guard lock(recorder.mutex);
    EXPECT_TRUE(recorder.events.empty());
}

TEST(PortTracker, ConnectAddressFollowsTheSocketsFamilies) {
    SessionPort v6only{8000, {{1, AF_INET6, "::", 8000}}, {}, 0};
    EXPECT_EQ(v6only.connectAddress(), "::1");
    SessionPort both{8000, {{1, AF_INET, "0.0.0.0", 8000}, {2, AF_INET6, "::", 8000}}, {}, 0};
    EXPECT_EQ(both.connectAddress(), "127.0.0.1");
    SessionPort bound{8000, {{1, AF_INET, "10.1.2.3", 8000}}, {}, 0};
    EXPECT_EQ(bound.connectAddress(), "10.1.2.3");
}

}  // namespace
}  // namespace parawork::ports
