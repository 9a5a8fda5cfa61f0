// Black-box tests of the host under load: a 50 MiB flood arrives complete in the log, with and
// without a watcher that never reads; figures (throughput, idle PSS) are printed, not asserted
// (timing belongs in bench/).
#include <pty.h>
#include <sys/ioctl.h>

#include <cstdio>
#include <random>

#include "host/screen.hpp"
#include "unit/host_process_support.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::host::testing {
namespace {

constexpr std::size_t kFloodBytes = 50 * 1024 * 1024;

/// FNV-1a, 64 bits: enough to tell a lost or reordered byte.
struct Fnv {
    std::uint64_t hash = 14695981039346656037ULL;
    void add(std::string_view bytes) {
        for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ULL;
    }
};

/// A 50 MiB file of base64-like lines, and what a cooked PTY makes of it (\n → \r\n).
struct FloodFile {
    fs::path path;
    std::uint64_t expectedBytes = 0;
    std::uint64_t expectedHash = 0;

    explicit FloodFile(const fs::path& dir) : path(dir / "flood.txt") {
        static const char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::mt19937_64 rng(7);
        std::string content;
        content.reserve(kFloodBytes);
        Fnv fnv;
        while (content.size() < kFloodBytes) {
            std::string line;
            for (int i = 0; i < 76; i += 8) {
                std::uint64_t r = rng();
                for (int k = 0; k < 8 && i + k < 76; ++k) line += alphabet[(r >> (6 * k)) & 63];
            }
            content += line + "\n";
            fnv.add(line + "\r\n");
            expectedBytes += line.size() + 2;
        }
        expectedHash = fnv.hash;
        std::ofstream(path, std::ios::binary) << content;
    }
};

struct FloodResult {
    double seconds = 0;
    std::uint64_t bytes = 0;
    std::uint64_t hash = 0;
};

FloodResult floodThroughHost(const FloodFile& flood, bool stalledWatcher) {
    // No echo, and cat starts only when told: the watcher is in place before the first byte.
    const std::string ready = "ready\r\n";
    HostSession session(
        {"sh", "-c", "stty -echo; echo ready; read x; exec cat " + flood.path.string()},
        {"--log-max-bytes", "256M", "--linger-ms", "0"});
    session.waitForLog(ready);
    std::optional<HostClient> watcher;
    if (stalledWatcher) {
        watcher.emplace(session.connect());
        watcher->watch();  // ... and never reads again
    }
    HostClient control = session.connect();
    auto start = std::chrono::steady_clock::now();
    control.input("go\n");
    auto record = session.waitForExit(60s);
    FloodResult result;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(record);
    OutputLogReader reader(session.dir() / "log");
    Fnv fnv;
    for (std::uint64_t offset = ready.size();;) {
        auto r = reader.readFrom(offset, 4 << 20);
        EXPECT_FALSE(r.truncated);
        if (r.bytes.empty()) break;
        fnv.add(r.bytes);
        offset = r.nextOffset;
        result.bytes = offset - ready.size();
    }
    result.hash = fnv.hash;
    return result;
}

/// `cat` of the same file into a bare PTY whose master is read into nothing: the ceiling.
double floodThroughBarePty(const FloodFile& flood) {
    int master = -1, slave = -1;
    if (::openpty(&master, &slave, nullptr, nullptr, nullptr) < 0) return -1;
    auto start = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid == 0) {
        ::setsid();
        ::ioctl(slave, TIOCSCTTY, 0);
        ::dup2(slave, 1);
        ::close(master);
        ::execlp("cat", "cat", flood.path.c_str(), nullptr);
        ::_exit(127);
    }
    ::close(slave);
    std::vector<char> buffer(64 * 1024);
    std::uint64_t total = 0;
    while (true) {
        ssize_t n = ::read(master, buffer.data(), buffer.size());
        if (n <= 0) break;  // EIO once cat has exited and everything is read
        total += static_cast<std::uint64_t>(n);
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ::close(master);
    ::waitpid(pid, nullptr, 0);
    EXPECT_EQ(total, flood.expectedBytes);
    return seconds;
}

class HostFlood : public ::testing::Test {
  protected:
    test::TempDir temp_{"pw-flood"};
    const fs::path& dir_ = temp_.path();
};

TEST_F(HostFlood, FiftyMebibytesArriveCompleteAndAStalledWatcherDoesNotSlowTheDrain) {
    SKIP_WITHOUT_HOST_BINARY();
    FloodFile flood(dir_);
    FloodResult plain = floodThroughHost(flood, false);
    EXPECT_EQ(plain.bytes, flood.expectedBytes);
    EXPECT_EQ(plain.hash, flood.expectedHash);
    FloodResult stalled = floodThroughHost(flood, true);
    EXPECT_EQ(stalled.bytes, flood.expectedBytes);
    EXPECT_EQ(stalled.hash, flood.expectedHash);
    double bare = floodThroughBarePty(flood);
    double mib = static_cast<double>(flood.expectedBytes) / (1024.0 * 1024.0);
    std::printf(
        "flood of %.1f MiB: host %.2f s (%.0f MiB/s), host + stalled watcher %.2f s "
        "(%.0f MiB/s), bare PTY to nowhere %.2f s (%.0f MiB/s)\n",
        mib, plain.seconds, mib / plain.seconds, stalled.seconds, mib / stalled.seconds, bare,
        mib / bare);
    RecordProperty("host_mib_per_s", static_cast<int>(mib / plain.seconds));
    RecordProperty("stalled_watcher_mib_per_s", static_cast<int>(mib / stalled.seconds));
    RecordProperty("bare_pty_mib_per_s", static_cast<int>(mib / bare));
}

TEST(HostFloodScreen, SnapshotsDuringAFloodAnswerAndTheScreenCatchesUpAfterwards) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session(
        {"sh", "-c", "head -c 20000000 /dev/zero | tr '\\0' x; printf '\\nEND\\n'; sleep 1000"});
    HostClient client = session.connect();
    int snapshots = 0;
    bool sawEnd = false;
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!sawEnd && std::chrono::steady_clock::now() < deadline) {
        SnapshotReply snap = client.snapshot();
        HostStatus status = client.status();
        ++snapshots;
        EXPECT_LE(snap.offset, status.logEnd);
        Screen screen(80, 24);
        screen.feed(snap.bytes);
        for (int row = 0; row < 24 && !sawEnd; ++row)
            sawEnd = screen.cell(row, 0).chars == U"E" && screen.cell(row, 2).chars == U"D" &&
                     snap.offset == status.logEnd;
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(sawEnd) << "the screen never caught up with the end of the flood";
    HostStatus status = client.status();
    EXPECT_EQ(status.logEnd, 20000000u + 7u);  // the x's, then "\r\nEND\r\n"
    std::printf("%d snapshots answered during and after a 20 MB flood\n", snapshots);
}

TEST(HostMemory, IdleHostPss) {
    SKIP_WITHOUT_HOST_BINARY();
    HostSession session({"sleep", "1000"});
    ASSERT_EQ(session.launch().exitCode, 0);
    session.connect().status();  // one client served, as after a daemon's adoption
    std::this_thread::sleep_for(200ms);
    std::string rollup =
        readFile("/proc/" + std::to_string(session.launch().hostPid) + "/smaps_rollup");
    auto field = [&](const std::string& name) {
        auto at = rollup.find("\n" + name + ":");
        return at == std::string::npos ? -1L : std::atol(rollup.c_str() + at + name.size() + 2);
    };
    long pss = field("Pss"), rss = field("Rss");
    std::printf("idle host: Pss %ld KiB, Rss %ld KiB\n", pss, rss);
    RecordProperty("idle_pss_kib", static_cast<int>(pss));
    ASSERT_GT(pss, 0);
#if !defined(__SANITIZE_ADDRESS__)  // ASan's shadow memory is not the host's
    EXPECT_LE(pss, 2048) << "the host must stay within 2 MiB PSS (DESIGN §3)";
#endif
}

}  // namespace
}  // namespace parawork::host::testing
