// W10: scale — 200 sessions, each printing 100 KB/s (a perl loop paced by the clock: 1000 lines
// of 100 bytes a second, in writes every 50 ms), each with one binary attach viewer
// (`?offset=0`). Two reader threads poll the 200 viewers. Over a 60 s window (10 s with
// `--quick`): the daemon's CPU as % of one core, from utime+stime in /proc/<pid>/stat. Then every
// session is stopped, every viewer reads to its exit message, and bytes lost = Σ over sessions of
// (the log's endOffset from GET /output − the bytes its viewer received). One run, not
// repetitions: a minute of 200 sessions is the repetition; the note gives the spread of the
// daemon's CPU over 10 s slices.
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "bench_support.hpp"
#include "workload.hpp"
#include "ws_viewer.hpp"

namespace parawork::bench {
namespace {

constexpr int kSessions = 200;
constexpr int kReaderThreads = 2;
// 100,000 bytes a second on average whatever the scheduling: it prints what the clock asks for.
constexpr const char* kWriter =
    R"(use Time::HiRes qw(time sleep); $| = 1; $l = ("x" x 99) . "\n"; $t0 = time; $n = 0; )"
    R"(while (1) { $w = int((time - $t0) * 1000); )"
    R"(if ($w > $n) { print $l x ($w - $n); $n = $w } sleep 0.05 })";

/// Reads its share of the viewers (every kReaderThreads-th) until all of them closed or `stop`.
void readViewers(std::vector<WsViewer>& viewers, std::size_t first, std::atomic<bool>& stop,
                 std::atomic<int>& finished, std::string& error) {
    Finally done{[&] { ++finished; }};
    try {
        std::vector<pollfd> fds;
        std::vector<WsViewer*> polled;
        while (!stop) {
            fds.clear();
            polled.clear();
            for (std::size_t i = first; i < viewers.size(); i += kReaderThreads)
                if (viewers[i].open()) {
                    fds.push_back({viewers[i].fd(), POLLIN, 0});
                    polled.push_back(&viewers[i]);
                }
            if (fds.empty()) return;
            if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
            for (std::size_t k = 0; k < fds.size(); ++k)
                if (fds[k].revents) polled[k]->pump(std::chrono::milliseconds(0));
        }
    } catch (const std::exception& e) {
        error = e.what();
    }
}

/// Each session's log end now, read through the API, with when it was read.
std::vector<std::pair<std::uint64_t, Clock::time_point>> logEnds(
    SessionFleet& fleet, const std::vector<std::string>& ids) {
    std::vector<std::pair<std::uint64_t, Clock::time_point>> ends;
    for (const auto& id : ids) {
        auto out = fleet.api().call("GET", "/api/sessions/" + id + "/output?offset=0&limit=1");
        ends.emplace_back(out.at("data").at("endOffset").to_number<std::uint64_t>(), Clock::now());
    }
    return ends;
}

double percentOfOneCore(double cpuSeconds, Clock::time_point from, Clock::time_point to) {
    return 100 * cpuSeconds / std::chrono::duration<double>(to - from).count();
}

Result run(const RunOptions& options) {
    auto window = std::chrono::seconds(options.quick ? 10 : 60);
    test::DaemonProcess daemon;
    SessionFleet fleet(daemon);
    auto startAll = Clock::now();
    for (int i = 0; i < kSessions; ++i) {
        checkInterrupted();
        fleet.start(fleet.createWorkspace(), {"perl", "-e", kWriter});
    }
    double startSeconds = millisecondsBetween(startAll, Clock::now()) / 1000;
    auto ids = fleet.ids();
    std::vector<WsViewer> viewers;
    viewers.reserve(ids.size());  // the reader threads hold pointers into it
    for (const auto& id : ids)
        viewers.emplace_back(daemon.socketPath(), "/api/sessions/" + id + "/attach?offset=0");

    std::atomic<bool> stop{false};
    std::atomic<int> finished{0};
    std::vector<std::string> errors(kReaderThreads);
    std::vector<std::jthread> readers;
    Finally stopReaders{[&] {
        stop = true;
        readers.clear();
    }};
    for (std::size_t t = 0; t < kReaderThreads; ++t)
        readers.emplace_back(readViewers, std::ref(viewers), t, std::ref(stop), std::ref(finished),
                             std::ref(errors[t]));
    sleepFor(std::chrono::seconds(2));  // viewers caught up with the start

    // What each session really writes: its log's growth over the window (outside the window,
    // so that these 200 requests do not count as the daemon's CPU).
    auto endsBefore = logEnds(fleet, ids);
    std::vector<pid_t> hosts;
    for (const auto& id : ids) hosts.push_back(fleet.hostPid(id));
    auto hostsCpu = [&] {
        double total = 0;
        for (pid_t pid : hosts) total += cpuSeconds(pid);
        return total;
    };
    double hostsBefore = hostsCpu(), benchBefore = cpuSeconds(::getpid());
    auto windowStart = Clock::now();
    double daemonBefore = cpuSeconds(daemon.pid());
    std::vector<double> slices;
    for (auto slice = windowStart; slice < windowStart + window;) {
        double before = cpuSeconds(daemon.pid());
        sleepFor(std::chrono::seconds(10));
        auto now = Clock::now();
        slices.push_back(percentOfOneCore(cpuSeconds(daemon.pid()) - before, slice, now));
        slice = now;
    }
    auto windowEnd = Clock::now();
    double daemonCpu =
        percentOfOneCore(cpuSeconds(daemon.pid()) - daemonBefore, windowStart, windowEnd);
    double hostsPercent = percentOfOneCore(hostsCpu() - hostsBefore, windowStart, windowEnd);
    double benchPercent =
        percentOfOneCore(cpuSeconds(::getpid()) - benchBefore, windowStart, windowEnd);

    auto endsAfter = logEnds(fleet, ids);
    auto stopStart = Clock::now();
    fleet.stopAll(std::chrono::seconds(60));
    // The viewers read on until their exit messages; give them time to drain.
    for (auto until = Clock::now() + std::chrono::seconds(30); Clock::now() < until;) {
        if (finished == kReaderThreads) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    double stopSeconds = millisecondsBetween(stopStart, Clock::now()) / 1000;
    stop = true;
    readers.clear();
    for (const auto& e : errors)
        if (!e.empty()) throw std::runtime_error("reader: " + e);

    std::uint64_t lost = 0, received = 0, logged = 0;
    int withoutExit = 0, truncated = 0, sessionsLosing = 0;
    double rateSum = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto out = fleet.api().call("GET", "/api/sessions/" + ids[i] + "/output?offset=0&limit=1");
        auto end = out.at("data").at("endOffset").to_number<std::uint64_t>();
        auto got = viewers[i].binaryBytes();
        if (got < end) {
            lost += end - got;
            ++sessionsLosing;
        }
        received += got;
        logged += end;
        if (!viewers[i].exitMessage()) ++withoutExit;
        truncated += viewers[i].truncatedMessages();
        rateSum +=
            static_cast<double>(endsAfter[i].first - endsBefore[i].first) / 1e3 /
            std::chrono::duration<double>(endsAfter[i].second - endsBefore[i].second).count();
    }

    Result r;
    r.id = "W10";
    r.workload = "scale: 200 sessions x 100 KB/s, 1 viewer each";
    r.unit = "% CPU";
    r.ours = daemonCpu;
    r.target = "0 lost; daemon <= 50%";
    r.holds = lost == 0 && withoutExit == 0 && daemonCpu <= 50;
    char note[640];
    std::snprintf(
        note, sizeof note,
        "%.0f s window; bytes lost %llu (in %d sessions; %d viewers without exit message, %d "
        "truncated notices); %.1f MB logged, %.1f MB received; each session wrote %.1f KB/s on "
        "average over the window; daemon %% per 10 s slice %.1f..%.1f; all 200 hosts together "
        "%.1f%%, the bench's readers %.1f%%; starting the 200 took %.1f s, stopping them and "
        "draining the viewers %.1f s",
        std::chrono::duration<double>(windowEnd - windowStart).count(),
        static_cast<unsigned long long>(lost), sessionsLosing, withoutExit, truncated,
        static_cast<double>(logged) / 1e6, static_cast<double>(received) / 1e6,
        rateSum / static_cast<double>(ids.size()), percentile(slices, 0), percentile(slices, 100),
        hostsPercent, benchPercent, startSeconds, stopSeconds);
    r.note = note;
    return r;
}

Register registration("W10", run);

}  // namespace
}  // namespace parawork::bench
