// W9: sampling overhead — 50 sessions of 4 processes each (a shell and three sleeps: 200
// processes), sampled at 1 Hz by the resource monitor; the daemon's CPU as % of one core over
// a 30 s window (10 s with `--quick`), from utime+stime in /proc/<pid>/stat. The anchor is the
// same daemon and fleet with sampling every 60 s (none in the window): the difference is what
// sampling costs. The port scan is slowed to every 10 s in both: W9 measures the monitor, not
// the ports room. The note names the mechanism the machine gave (cgroup-v2, cgroup-v1 or proc).
#include <filesystem>
#include <stdexcept>

#include "bench_support.hpp"
#include "workload.hpp"

namespace parawork::bench {
namespace {

constexpr int kSessions = 50;
constexpr const char* kFourProcesses = "sleep 100000 & sleep 100000 & sleep 100000 & wait";

struct Window {
    double daemonPercent = 0;
    std::string mechanism;
};

Window measure(int sampleIntervalMs, std::chrono::seconds window) {
    test::DaemonProcess daemon(test::DaemonProcess::Options{
        .configToml = "[resources]\nsample_interval_ms = " + std::to_string(sampleIntervalMs) +
                      "\n[ports]\nscan_interval_ms = 10000\n"});
    SessionFleet fleet(daemon);
    for (int i = 0; i < kSessions; ++i) {
        checkInterrupted();
        // Each in an empty directory of its own: the file watcher then has nothing to do
        // (SessionFleet's workspaces share /tmp, whose traffic would be measured too).
        auto dir = daemon.home() / ("w9-" + std::to_string(i));
        std::filesystem::create_directories(dir);
        fleet.start(fleet.api().createWorkspace(dir.string()), {"sh", "-c", kFourProcesses});
    }
    auto overview = fleet.api().call("GET", "/api/resources");
    Window w;
    w.mechanism = std::string(overview.at("data").at("mechanism").as_string());
    sleepFor(std::chrono::seconds(3));  // the starts settled, every session sampled once
    double before = cpuSeconds(daemon.pid());
    auto from = Clock::now();
    sleepFor(window);
    auto to = Clock::now();
    w.daemonPercent = 100 * (cpuSeconds(daemon.pid()) - before) /
                      std::chrono::duration<double>(to - from).count();
    // The fleet really is 200 processes, as the monitor counts them.
    double processes = 0;
    auto sampled = fleet.api().call("GET", "/api/resources");
    for (const auto& session : sampled.at("data").at("sessions").as_array())
        if (const auto& current = session.at("current"); current.is_object())
            processes += current.at("processes").to_number<double>();
    if (sampleIntervalMs <= 1000 && processes != kSessions * 4)
        throw std::runtime_error("the monitor counted " + std::to_string(processes) +
                                 " processes, not 200");
    fleet.stopAll(std::chrono::seconds(60));
    return w;
}

Result run(const RunOptions& options) {
    auto window = std::chrono::seconds(options.quick ? 10 : 30);
    auto sampled = measure(1000, window);
    auto unsampled = measure(60000, window);
    Result r;
    r.id = "W9";
    r.workload = "sampling overhead: 50 sessions, 200 processes, 1 Hz";
    r.unit = "% CPU";
    r.ours = sampled.daemonPercent;
    r.anchor = unsampled.daemonPercent;
    r.anchorName = "same daemon, sampling every 60 s";
    r.target = "<= 1% of one core";
    r.holds = sampled.daemonPercent <= 1;
    r.note = "mechanism " + sampled.mechanism + "; " + std::to_string(window.count()) +
             " s window per daemon; sampling's own share ~" +
             std::to_string(sampled.daemonPercent - unsampled.daemonPercent) + " % of one core";
    return r;
}

Register registration("W9", run);

}  // namespace
}  // namespace parawork::bench
