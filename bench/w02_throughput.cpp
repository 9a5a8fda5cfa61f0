// W2: output throughput — a session `cat`s a 256 MiB text file (lines of 100 bytes) into its
// PTY; one binary attach viewer (`?offset=0`) counts the bytes until the exit message. MB/s =
// output bytes / (last byte at the viewer − the POST that started the session): the whole path,
// PTY → host → output log → daemon → WebSocket. Anchor, alternating: the same `cat` in a bare
// PTY that this process drains itself until EIO (the physical limit of the PTY here).
// `--quick` uses 64 MiB.
#include <stdexcept>

#include "bare_pty.hpp"
#include "bench_support.hpp"
#include "workload.hpp"
#include "ws_viewer.hpp"

namespace parawork::bench {
namespace {

struct Flood {
    std::uint64_t bytes = 0;
    double megabytesPerSecond = 0;
    double hostCpuSeconds = 0;    ///< where the time goes: the session's host...
    double daemonCpuSeconds = 0;  ///< ...and the daemon
};

Flood ours(SessionFleet& fleet, const test::DaemonProcess& daemon,
           const std::filesystem::path& file) {
    auto workspace = fleet.createWorkspace();
    double daemonCpu = cpuSeconds(daemon.pid());
    auto start = Clock::now();
    auto id = fleet.start(workspace, {"cat", file.string()});
    WsViewer viewer(daemon.socketPath(), "/api/sessions/" + id + "/attach?offset=0");
    viewer.readToEnd();
    // The host lingers a while after its command: its CPU time can still be read.
    double hostCpu = cpuSeconds(fleet.hostPid(id));
    daemonCpu = cpuSeconds(daemon.pid()) - daemonCpu;
    if (!viewer.exitMessage()) throw std::runtime_error("the viewer got no exit message");
    if (viewer.binaryBytes() != viewer.exitEndOffset())
        throw std::runtime_error("viewer got " + std::to_string(viewer.binaryBytes()) +
                                 " bytes of " + std::to_string(viewer.exitEndOffset()));
    return {viewer.binaryBytes(),
            megabytesPerSecond(viewer.binaryBytes(), start, viewer.lastBinaryAt()), hostCpu,
            daemonCpu};
}

Flood bare(const std::filesystem::path& file) {
    auto start = Clock::now();
    BarePty pty({"cat", file.string()});
    Clock::time_point last = start;
    auto bytes = pty.drain(last);
    return {bytes, megabytesPerSecond(bytes, start, last), 0, 0};
}

Result run(const RunOptions& options) {
    std::uint64_t size = (options.quick ? 64ull : 256ull) << 20;
    test::TempDir dir("pw-w2");
    auto file = dir.path() / "flood.txt";
    writeTextFile(file, size);
    // Keep every byte: the log must hold the whole flood (ONLCR adds a byte per line).
    test::DaemonProcess daemon({.configToml = logMaxConfig(2 * size)});
    SessionFleet fleet(daemon);
    std::vector<double> oursRates, bareRates, hostCpu, daemonCpu, seconds;
    std::uint64_t oursBytes = 0, bareBytes = 0;
    for (int i = 0; i < options.repetitions; ++i) {
        checkInterrupted();
        auto b = bare(file);
        auto o = ours(fleet, daemon, file);
        bareRates.push_back(b.megabytesPerSecond);
        oursRates.push_back(o.megabytesPerSecond);
        hostCpu.push_back(o.hostCpuSeconds);
        daemonCpu.push_back(o.daemonCpuSeconds);
        seconds.push_back(static_cast<double>(o.bytes) / 1e6 / o.megabytesPerSecond);
        oursBytes = o.bytes;
        bareBytes = b.bytes;
    }
    if (oursBytes != bareBytes)
        throw std::runtime_error("the viewer saw " + std::to_string(oursBytes) +
                                 " bytes, the bare PTY " + std::to_string(bareBytes));
    Result r;
    r.id = "W2";
    r.workload = "throughput: cat " + std::to_string(size >> 20) + " MiB, 1 attach viewer";
    r.unit = "MB/s";
    r.ours = median(oursRates);
    r.anchor = median(bareRates);
    r.anchorName = "bare forkpty reader draining the master";
    r.target = ">= 0.7 x bare PTY";
    r.holds = r.ours >= 0.7 * *r.anchor;
    char note[400];
    std::snprintf(note, sizeof note,
                  "%d reps, %.1f MB through the PTY each (ONLCR included), same byte count both "
                  "ways; ours min/max %.0f/%.0f, bare %.0f/%.0f MB/s; CPU per run of ours "
                  "(%.1f s): host %.1f s, daemon %.1f s",
                  options.repetitions, static_cast<double>(oursBytes) / 1e6,
                  percentile(oursRates, 0), percentile(oursRates, 100), percentile(bareRates, 0),
                  percentile(bareRates, 100), median(seconds), median(hostCpu), median(daemonCpu));
    r.note = note;
    return r;
}

Register registration("W2", run);

}  // namespace
}  // namespace parawork::bench
