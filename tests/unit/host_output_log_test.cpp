// Unit tests of the output log: global offsets across segments, the cap, truncated reads, and a
// reader that is a separate object (as in another process) seeing the writer's appends.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "host/output_log.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::host {
namespace {

using test::TempDir;

namespace fs = std::filesystem;

/// "0123456789012..." of length n starting at digit `from % 10`, so every offset is checkable.
std::string digits(std::size_t from, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += static_cast<char>('0' + (from + i) % 10);
    return out;
}

TEST(OutputLog, SegmentNamesRoundTrip) {
    EXPECT_EQ(segmentFileName(0), "0000000000000000.seg");
    EXPECT_EQ(segmentFileName(4096), "0000000000001000.seg");
    EXPECT_EQ(parseSegmentFileName("00000000deadbeef.seg"), 0xdeadbeefULL);
    EXPECT_FALSE(parseSegmentFileName("00000000DEADBEEF.seg"));
    EXPECT_FALSE(parseSegmentFileName("0000000000000000.seg.tmp"));
    EXPECT_FALSE(parseSegmentFileName("000000000000000.seg"));
    EXPECT_FALSE(parseSegmentFileName("x000000000000000.seg"));
}

TEST(OutputLog, OffsetsAreGlobalAcrossSegmentBoundaries) {
    TempDir dir;
    OutputLogWriter writer(dir.path() / "log", {.segmentBytes = 100, .maxBytes = 10000});
    writer.append(digits(0, 250));
    writer.append(digits(250, 60));
    EXPECT_EQ(writer.endOffset(), 310u);
    EXPECT_EQ(listSegments(dir.path() / "log"), (std::vector<std::uint64_t>{0, 100, 200, 300}));
    // Every segment but the last is exactly full.
    EXPECT_EQ(fs::file_size(dir.path() / "log" / segmentFileName(100)), 100u);

    OutputLogReader reader(dir.path() / "log");
    EXPECT_EQ(reader.endOffset(), 310u);
    EXPECT_EQ(reader.startOffset(), 0u);
    auto r = reader.readFrom(95, 20);  // spans 0000… and 0100…
    EXPECT_EQ(r.bytes, digits(95, 20));
    EXPECT_EQ(r.offset, 95u);
    EXPECT_EQ(r.nextOffset, 115u);
    EXPECT_FALSE(r.truncated);
    auto all = reader.readFrom(0, 1000);
    EXPECT_EQ(all.bytes, digits(0, 310));
    EXPECT_EQ(all.nextOffset, 310u);
}

TEST(OutputLog, LimitIsRespected) {
    TempDir dir;
    OutputLogWriter writer(dir.path(), {.segmentBytes = 64, .maxBytes = 4096});
    writer.append(digits(0, 1000));
    OutputLogReader reader(dir.path());
    std::uint64_t offset = 0;
    std::string joined;
    while (true) {
        auto r = reader.readFrom(offset, 37);
        ASSERT_LE(r.bytes.size(), 37u);
        if (r.bytes.empty()) break;
        joined += r.bytes;
        offset = r.nextOffset;
    }
    EXPECT_EQ(joined, digits(0, 1000));
    EXPECT_EQ(reader.readFrom(0, 0).bytes, "");
}

TEST(OutputLog, ReadAtOrPastTheEndIsEmpty) {
    TempDir dir;
    OutputLogWriter writer(dir.path(), {.segmentBytes = 100, .maxBytes = 1000});
    writer.append("hello");
    OutputLogReader reader(dir.path());
    // Far past it too: no file offset is that large (a CLI that wrapped `--offset -5` asked for
    // 2^64 - 5 and got a 500, issue 17 item 10).
    for (std::uint64_t at : {5ULL, 6ULL, 1000000ULL, (1ULL << 63) + 5, ~0ULL - 4}) {
        auto r = reader.readFrom(at, 100);
        EXPECT_TRUE(r.bytes.empty());
        EXPECT_EQ(r.offset, at);
        EXPECT_EQ(r.nextOffset, at);
        EXPECT_FALSE(r.truncated);
    }
}

TEST(OutputLog, CapDropsOldestSegmentsAndReadsOfDroppedRangesAreTruncated) {
    TempDir dir;
    OutputLogWriter writer(dir.path(), {.segmentBytes = 100, .maxBytes = 250});
    writer.append(digits(0, 1000));
    EXPECT_EQ(writer.endOffset(), 1000u);
    EXPECT_EQ(writer.startOffset(), 800u);  // 800..1000 = 200 ≤ 250; 700..1000 would be 300
    EXPECT_EQ(listSegments(dir.path()), (std::vector<std::uint64_t>{800, 900}));

    OutputLogReader reader(dir.path());
    EXPECT_EQ(reader.startOffset(), 800u);
    auto r = reader.readFrom(10, 50);
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(r.offset, 800u);
    EXPECT_EQ(r.bytes, digits(800, 50));
    EXPECT_EQ(r.nextOffset, 850u);
    auto kept = reader.readFrom(850, 1000);
    EXPECT_FALSE(kept.truncated);
    EXPECT_EQ(kept.bytes, digits(850, 150));
}

TEST(OutputLog, KeptBytesNeverExceedTheCap) {
    TempDir dir;
    OutputLogWriter writer(dir.path(), {.segmentBytes = 64, .maxBytes = 300});
    OutputLogReader reader(dir.path());
    for (int i = 0; i < 200; ++i) {
        writer.append(digits(writer.endOffset(), 1 + i % 50));
        ASSERT_LE(reader.endOffset() - reader.startOffset(), 300u);
        ASSERT_EQ(reader.endOffset(), writer.endOffset());
    }
}

TEST(OutputLog, ReaderSeesAppendsOfAWriterInAnotherProcess) {
    TempDir dir;
    { OutputLogWriter create(dir.path(), {.segmentBytes = 128, .maxBytes = 1 << 20}); }
    OutputLogReader reader(dir.path());
    pid_t pid = ::fork();
    if (pid == 0) {
        OutputLogWriter writer(dir.path(), {.segmentBytes = 128, .maxBytes = 1 << 20});
        for (int i = 0; i < 100; ++i) {
            writer.append(digits(writer.endOffset(), 37));
            ::usleep(200);
        }
        ::_exit(0);  // no exit handlers: this is a copy of the test process
    }
    std::string seen;
    std::uint64_t offset = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (seen.size() < 3700) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the writer stopped early";
        auto r = reader.readFrom(offset, 100);
        ASSERT_FALSE(r.truncated);
        seen += r.bytes;
        offset = r.nextOffset;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_EQ(status, 0);
    EXPECT_EQ(seen, digits(0, 3700));
}

TEST(OutputLog, ConcurrentReaderSurvivesSegmentsVanishing) {
    TempDir dir;
    { OutputLogWriter create(dir.path(), {.segmentBytes = 16, .maxBytes = 64}); }
    pid_t pid = ::fork();
    if (pid == 0) {
        try {
            OutputLogWriter writer(dir.path(), {.segmentBytes = 16, .maxBytes = 64});
            for (int i = 0; i < 20000; ++i) writer.append(digits(writer.endOffset(), 7));
        } catch (...) {
            ::_exit(1);
        }
        ::_exit(0);
    }
    OutputLogReader reader(dir.path());
    std::uint64_t offset = 0;
    int truncations = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (offset < 140000) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the writer stopped early";
        auto r = reader.readFrom(offset, 10);
        ASSERT_EQ(r.bytes, digits(r.offset, r.bytes.size()));
        if (r.truncated) {
            ASSERT_GT(r.offset, offset);
            ++truncations;
        }
        offset = r.nextOffset;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_EQ(status, 0);
    std::printf("reader saw %d truncations\n", truncations);
}

TEST(OutputLog, WriterContinuesAnExistingLog) {
    TempDir dir;
    {
        OutputLogWriter writer(dir.path(), {.segmentBytes = 100, .maxBytes = 1000});
        writer.append(digits(0, 150));
    }
    OutputLogWriter again(dir.path(), {.segmentBytes = 100, .maxBytes = 1000});
    EXPECT_EQ(again.endOffset(), 150u);
    again.append(digits(150, 100));
    EXPECT_EQ(OutputLogReader(dir.path()).readFrom(0, 1000).bytes, digits(0, 250));
}

TEST(OutputLog, MissingDirectoryReadsAsEmpty) {
    OutputLogReader reader("/nonexistent/parawork/log");
    EXPECT_EQ(reader.endOffset(), 0u);
    auto r = reader.readFrom(0, 10);
    EXPECT_TRUE(r.bytes.empty());
}

}  // namespace
}  // namespace parawork::host
