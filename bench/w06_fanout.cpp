// W6: fan-out — one session `cat`s a 64 MiB text file while 20 binary attach viewers
// (`?offset=0`, one thread and one connection each) read it. Figures: each viewer's MB/s
// (bytes / time from the POST to its last byte; median across viewers), and the agent's own
// rate: bytes / time from the POST until `cat` finished writing, which the command records
// itself (`date +%s%N` right after cat) — not the daemon's view of the end, which could lag.
// In the same run, alternating: the same flood with one viewer ("W2 alone", the anchor), with
// no viewer at all, and with 19 readers plus one viewer that connects and never reads.
// `--quick` uses 16 MiB.
#include <atomic>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>

#include "bench_support.hpp"
#include "workload.hpp"
#include "ws_viewer.hpp"

namespace parawork::bench {
namespace {

constexpr int kViewers = 20;

struct Flood {
    double agentMBps = 0;        ///< until cat finished writing
    double agentStatusMBps = 0;  ///< until the API reported the session completed
    std::vector<double> viewerMBps;
};

struct ViewerRun {
    std::uint64_t bytes = 0;
    std::uint64_t endOffset = 0;
    Clock::time_point last{};
    std::string error;
};

std::chrono::system_clock::time_point readMark(const std::filesystem::path& mark) {
    std::ifstream in(mark);
    long long ns = 0;
    if (!(in >> ns)) throw std::runtime_error("the agent left no end mark");
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(ns)));
}

Flood flood(SessionFleet& fleet, const std::filesystem::path& socket,
            const std::filesystem::path& file, const std::filesystem::path& mark, int readers,
            bool stalledViewer) {
    auto workspace = fleet.createWorkspace();
    auto wallStart = std::chrono::system_clock::now();
    auto start = Clock::now();
    auto id = fleet.start(workspace, {"sh", "-c", R"(cat "$1"; date +%s%N > "$2")", "sh",
                                      file.string(), mark.string()});
    auto target = "/api/sessions/" + id + "/attach?offset=0";
    std::vector<ViewerRun> runs(static_cast<std::size_t>(readers));
    std::atomic<bool> done{false};
    std::optional<std::jthread> staller;
    Finally release{[&] { done = true; }};  // before the staller joins, also on a throw
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < runs.size(); ++i)
        threads.emplace_back([&, i] {
            try {
                WsViewer viewer(socket, target);
                viewer.readToEnd();
                runs[i] = {viewer.binaryBytes(), viewer.exitEndOffset(), viewer.lastBinaryAt(), ""};
            } catch (const std::exception& e) {
                runs[i].error = e.what();
            }
        });
    if (stalledViewer)
        staller.emplace([&] {
            try {
                WsViewer viewer(socket, target);  // connected, never read
                while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            } catch (const std::exception&) {
                // A staller that could not connect stalls nothing; the figures will show it.
            }
        });
    // The daemon's view of the end, for comparison with the agent's own.
    Clock::time_point statusAt;
    for (;;) {
        auto status = fleet.api().session(id).at("status").as_string();
        if (status == "completed" || status == "failed") {
            statusAt = Clock::now();
            break;
        }
        if (millisecondsBetween(start, Clock::now()) > 120000)
            throw std::runtime_error("the flood did not end within 120 s");
        sleepFor(std::chrono::milliseconds(20));  // gently: the poll loads the daemon too
    }
    threads.clear();  // joins the readers
    Flood f;
    auto bytes = fleet.api()
                     .call("GET", "/api/sessions/" + id + "/output?offset=0&limit=1")
                     .at("data")
                     .at("endOffset")
                     .to_number<std::uint64_t>();
    for (const auto& r : runs) {
        if (!r.error.empty()) throw std::runtime_error("viewer: " + r.error);
        if (r.bytes != r.endOffset || r.bytes != bytes)
            throw std::runtime_error("a viewer got " + std::to_string(r.bytes) + " bytes of " +
                                     std::to_string(bytes));
        f.viewerMBps.push_back(megabytesPerSecond(r.bytes, start, r.last));
    }
    double agentSeconds = std::chrono::duration<double>(readMark(mark) - wallStart).count();
    f.agentMBps = static_cast<double>(bytes) / 1e6 / agentSeconds;
    f.agentStatusMBps = megabytesPerSecond(bytes, start, statusAt);
    return f;
}

Result run(const RunOptions& options) {
    std::uint64_t size = (options.quick ? 16ull : 64ull) << 20;
    test::TempDir dir("pw-w6");
    auto file = dir.path() / "flood.txt";
    writeTextFile(file, size);
    test::DaemonProcess daemon({.configToml = logMaxConfig(2 * size)});
    SessionFleet fleet(daemon);
    std::vector<double> aloneAgent, aloneViewer, fanAgent, fanViewer, fanStatus, stallAgent,
        stallViewer, aloneStatus, unwatchedAgent;
    int floods = 0;
    auto mark = [&] { return dir.path() / ("end-" + std::to_string(++floods)); };
    for (int rep = 0; rep < options.repetitions; ++rep) {
        // Rotate the order so that no variant always runs first (page cache, CPU clocks).
        for (int k = 0; k < 4; ++k) {
            switch ((rep + k) % 4) {
                case 0: {
                    auto f = flood(fleet, daemon.socketPath(), file, mark(), 1, false);
                    aloneAgent.push_back(f.agentMBps);
                    aloneStatus.push_back(f.agentStatusMBps);
                    aloneViewer.push_back(median(f.viewerMBps));
                    break;
                }
                case 1: {
                    auto f = flood(fleet, daemon.socketPath(), file, mark(), kViewers, false);
                    fanAgent.push_back(f.agentMBps);
                    fanStatus.push_back(f.agentStatusMBps);
                    fanViewer.push_back(median(f.viewerMBps));
                    break;
                }
                case 2: {
                    // Nobody attached: the agent's rate with nothing downstream at all.
                    unwatchedAgent.push_back(
                        flood(fleet, daemon.socketPath(), file, mark(), 0, false).agentMBps);
                    break;
                }
                default: {
                    auto f = flood(fleet, daemon.socketPath(), file, mark(), kViewers - 1, true);
                    stallAgent.push_back(f.agentMBps);
                    stallViewer.push_back(median(f.viewerMBps));
                    break;
                }
            }
        }
    }
    Result r;
    r.id = "W6";
    r.workload = "fan-out: agent rate, cat " + std::to_string(size >> 20) + " MiB, 20 viewers";
    r.unit = "MB/s";
    r.ours = median(fanAgent);
    r.anchor = median(aloneAgent);
    r.anchorName = "the same flood with one viewer (W2 alone)";
    r.target = "agent>=0.9x; stall harmless";
    double stallRatio = median(stallAgent) / *r.anchor;
    double othersRatio = median(stallViewer) / median(fanViewer);
    r.holds = r.ours >= 0.9 * *r.anchor && stallRatio >= 0.9 && othersRatio >= 0.9;
    char note[640];
    std::snprintf(
        note, sizeof note,
        "agent with 20 viewers ranged %.1f..%.1f MB/s over the reps; "
        "per viewer: %.1f MB/s of 20 (alone %.1f); with 1 of 20 never reading: agent %.1f MB/s "
        "(%.2fx alone), the 19 others %.1f MB/s each (%.2fx); agent rate by API status "
        "completed: %.1f with 20, %.1f alone; agent with no viewer at all %.1f MB/s; %d reps",
        percentile(fanAgent, 0), percentile(fanAgent, 100), median(fanViewer), median(aloneViewer),
        median(stallAgent), stallRatio, median(stallViewer), othersRatio, median(fanStatus),
        median(aloneStatus), median(unwatchedAgent), options.repetitions);
    r.note = note;
    return r;
}

Register registration("W6", run);

}  // namespace
}  // namespace parawork::bench
