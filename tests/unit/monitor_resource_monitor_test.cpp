// The monitor against real processes, without its thread (interval 0: the test samples) and
// without cgroups (the /proc walk and the watchdog, which every machine has).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "monitor/resource_monitor.hpp"

namespace parawork::monitor {
namespace {

struct Recorded {
    std::mutex mutex;
    std::vector<std::string> events;
    std::vector<std::pair<std::string, std::string>> stops;
    std::vector<std::pair<double, double>> peaks;
};

/// A monitor that records what it publishes, stops and stores.
struct Fixture {
    std::shared_ptr<Recorded> seen = std::make_shared<Recorded>();
    ResourceMonitor monitor;

    explicit Fixture(MonitorOptions options = quiet())
        : monitor(std::move(options), sinkInto(seen)) {}

    static MonitorOptions quiet() {
        MonitorOptions o;
        o.interval = std::chrono::milliseconds(0);
        o.cgroups = false;
        return o;
    }
    static MonitorSink sinkInto(const std::shared_ptr<Recorded>& seen) {
        MonitorSink sink;
        sink.publish = [seen](const std::string&, std::string event) {
            std::lock_guard lock(seen->mutex);
            seen->events.push_back(std::move(event));
        };
        sink.stop = [seen](const std::string& id, const std::string& reason) {
            std::lock_guard lock(seen->mutex);
            seen->stops.emplace_back(id, reason);
        };
        sink.recordPeaks = [seen](const std::string&, double memory, double cpu) {
            std::lock_guard lock(seen->mutex);
            seen->peaks.emplace_back(memory, cpu);
        };
        return sink;
    }
    std::size_t eventsOfType(const std::string& type) {
        std::lock_guard lock(seen->mutex);
        std::size_t n = 0;
        for (const auto& e : seen->events)
            n += e.find("\"type\":\"" + type + "\"") != std::string::npos;
        return n;
    }
};

/// A process that runs `script` in sh, as a session's command would.
struct Child {
    pid_t pid;
    explicit Child(const char* script) : pid(::fork()) {
        if (pid == 0) {
            ::setpgid(0, 0);
            ::execl("/bin/sh", "sh", "-c", script, nullptr);
            ::_exit(127);
        }
    }
    ~Child() {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
};

/// Samples until `done` holds (at most ~5 s of 20 ms steps).
template <class Done>
void sampleUntil(ResourceMonitor& monitor, Done done) {
    for (int i = 0; i < 250 && !done(); ++i) {
        monitor.sampleNow();
        ::usleep(20000);
    }
}

TEST(MonitorResourceMonitor, SamplesATreeAndPublishesEachSample) {
    Fixture f;
    EXPECT_EQ(f.monitor.mechanism(), Mechanism::Proc);
    EXPECT_TRUE(f.monitor.prepare("s1", {}).empty());  // no cgroup without cgroups
    Child child("sleep 30 & sleep 30 & wait");
    f.monitor.sessionRunning("s1", "w1", child.pid, false, core::nowMs());
    sampleUntil(f.monitor, [&] {
        auto r = f.monitor.resources("s1", false);
        return r && r->current && r->current->processes == 3;
    });
    auto r = f.monitor.resources("s1", true);
    ASSERT_TRUE(r && r->current);
    EXPECT_EQ(r->current->processes, 3u);
    EXPECT_GE(r->current->threads, 3u);
    EXPECT_GT(r->current->rssBytes, 0u);
    EXPECT_EQ(r->current->memoryBytes, r->current->rssBytes);
    EXPECT_GT(r->current->pssBytes.value_or(0), 0u);
    EXPECT_FALSE(r->recent.empty());
    EXPECT_GT(r->peakMemoryMb, 0);
    EXPECT_EQ(r->workspaceId, "w1");
    EXPECT_TRUE(r->running);
    EXPECT_GE(f.eventsOfType("resource_sample"), 1u);
}

TEST(MonitorResourceMonitor, SamplesStopWhenTheSessionEndsAndThePeaksAreStored) {
    Fixture f;
    f.monitor.prepare("s1", {});
    Child child("sleep 30");
    f.monitor.sessionRunning("s1", "w1", child.pid, false, core::nowMs());
    // A child caught between fork and exec (or inside exec) has no memory of its own yet: wait
    // for a sample that saw some, as the peak asserted below needs.
    sampleUntil(f.monitor, [&] {
        auto r = f.monitor.resources("s1", false);
        return r && r->current && r->current->memoryBytes > 0;
    });
    f.monitor.sessionEnded("s1");
    auto before = f.eventsOfType("resource_sample");
    f.monitor.sampleNow();
    f.monitor.sampleNow();
    EXPECT_EQ(f.eventsOfType("resource_sample"), before);
    auto r = f.monitor.resources("s1", false);
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->running);
    std::lock_guard lock(f.seen->mutex);
    ASSERT_EQ(f.seen->peaks.size(), 1u);
    EXPECT_GT(f.seen->peaks.front().first, 0);
}

TEST(MonitorResourceMonitor, TheRootHostIsNotCountedAsTheSessions) {
    Fixture f;
    f.monitor.prepare("s1", {});
    Child host("sleep 30 & wait");  // the shell stands for parawork-host, sleep for the command
    f.monitor.sessionRunning("s1", "w1", host.pid, true, core::nowMs());
    sampleUntil(f.monitor, [&] {
        auto r = f.monitor.resources("s1", false);
        return r && r->current && r->current->processes == 1;
    });
    auto r = f.monitor.resources("s1", false);
    ASSERT_TRUE(r && r->current);
    EXPECT_EQ(r->current->processes, 1u);
}

TEST(MonitorWatchdog, TooManyTasksStopTheSessionWithThePidsReason) {
    Fixture f;
    core::ResourceLimits limits;
    limits.pids = 3;
    f.monitor.prepare("s1", limits);
    Child child("sleep 30 & sleep 30 & sleep 30 & wait");
    f.monitor.sessionRunning("s1", "w1", child.pid, false, core::nowMs());
    sampleUntil(f.monitor, [&] {
        std::lock_guard lock(f.seen->mutex);
        return !f.seen->stops.empty();
    });
    std::lock_guard lock(f.seen->mutex);
    ASSERT_EQ(f.seen->stops.size(), 1u);
    EXPECT_EQ(f.seen->stops.front(), std::make_pair(std::string("s1"), std::string("limit:pids")));
}

TEST(MonitorWatchdog, MemoryPastTheLimitStopsTheSessionAndTheReasonIsKept) {
    Fixture f;
    core::ResourceLimits limits;
    limits.memoryBytes = 64 * 1024;  // any shell has more resident than 64 KiB
    f.monitor.prepare("s1", limits);
    Child child("sleep 30");
    f.monitor.sessionRunning("s1", "w1", child.pid, false, core::nowMs());
    sampleUntil(f.monitor, [&] { return f.monitor.endReason("s1").has_value(); });
    EXPECT_EQ(f.monitor.endReason("s1").value_or(""), "limit:memory");
    auto r = f.monitor.resources("s1", false);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->limitReason, "limit:memory");
    EXPECT_EQ(r->memoryEnforcement, Enforcement::Watchdog);
    // One stop only, however often it is sampled afterwards.
    f.monitor.sampleNow();
    std::lock_guard lock(f.seen->mutex);
    EXPECT_EQ(f.seen->stops.size(), 1u);
}

TEST(MonitorWatchdog, ARunTimeLimitWarnsAt90PercentThenStops) {
    Fixture f;
    core::ResourceLimits limits;
    limits.timeoutMs = 10'000;
    f.monitor.prepare("s1", limits);
    Child child("sleep 30");
    // Started 9.5 s ago: past 90 % of its time, not past all of it.
    f.monitor.sessionRunning("s1", "w1", child.pid, false, core::nowMs() - 9'500);
    f.monitor.sampleNow();
    EXPECT_EQ(f.eventsOfType("limit_warning"), 1u);
    {
        std::lock_guard lock(f.seen->mutex);
        EXPECT_TRUE(f.seen->stops.empty());
    }
    f.monitor.sessionRunning("s1", "w1", child.pid, false, core::nowMs() - 10'000);
    f.monitor.sampleNow();
    std::lock_guard lock(f.seen->mutex);
    ASSERT_EQ(f.seen->stops.size(), 1u);
    EXPECT_EQ(f.seen->stops.front().second, "limit:timeout");
}

TEST(MonitorWatchdog, NoLimitsNoStops) {
    Fixture f;
    f.monitor.prepare("s1", {});
    Child child("sleep 30 & sleep 30 & wait");
    f.monitor.sessionRunning("s1", "w1", child.pid, false, core::nowMs());
    for (int i = 0; i < 5; ++i) f.monitor.sampleNow();
    std::lock_guard lock(f.seen->mutex);
    EXPECT_TRUE(f.seen->stops.empty());
    EXPECT_FALSE(f.monitor.endReason("s1").has_value());
}

TEST(MonitorResourceMonitor, AnUnknownSessionHasNoFigures) {
    Fixture f;
    EXPECT_FALSE(f.monitor.resources("nope", false).has_value());
    EXPECT_FALSE(f.monitor.endReason("nope").has_value());
    f.monitor.sessionEnded("nope");  // harmless
}

}  // namespace
}  // namespace parawork::monitor
