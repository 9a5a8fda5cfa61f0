// Unit tests of the one bounded read: it stops at EOF, at the deadline, at the limit (or drains
// past it), on a read error, reads several pipes side by side and feeds a writer meanwhile; what
// was written before a cancellation or the deadline is kept.
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "core/pipe.hpp"
#include "core/read_until.hpp"

namespace parawork::core {
namespace {

using namespace std::chrono_literals;

/// Far enough that a test never reaches it: each of these tests ends on another condition.
ReadClock::time_point never() {
    return ReadClock::now() + 60s;
}

void put(const UniqueFd& fd, std::string_view text) {
    ASSERT_EQ(::write(fd.get(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

TEST(ReadUntil, ReadsToTheEnd) {
    Pipe pipe = Pipe::open("pipe2");
    put(pipe.write, "hello\n");
    pipe.write.reset();
    ReadResult got = readUntil(pipe.read.get(), never(), 1024);
    EXPECT_EQ(got.data, "hello\n");
    EXPECT_EQ(got.stop, ReadStop::eof);
    EXPECT_FALSE(got.truncated);
}

TEST(ReadUntil, StopsAtTheDeadlineWhenTheWriterNeverCloses) {
    Pipe pipe = Pipe::open("pipe2");
    ReadResult got = readUntil(pipe.read.get(), ReadClock::now() - 1ms, 1024);
    EXPECT_EQ(got.stop, ReadStop::deadline);
    EXPECT_EQ(got.data, "");
}

TEST(ReadUntil, StopsWhenCancelledLongBeforeTheDeadline) {
    Pipe pipe = Pipe::open("pipe2");
    int asked = 0;
    const int fds[] = {pipe.read.get()};
    auto got = readUntil(fds, ReadClock::now() + std::chrono::hours(1), 1024, PastLimit::stop,
                         nullptr, [&] { return ++asked == 3; });
    EXPECT_EQ(got.front().stop, ReadStop::cancelled);
    EXPECT_EQ(asked, 3);  // asked at each step, the poll bounded by kCancelCheck
}

TEST(ReadUntil, WhatWasWrittenBeforeACancellationOrTheDeadlineIsKept) {
    // Written, then cancelled before any wait: the bytes are read all the same (the writer
    // stays open, so only the cancellation or the deadline ends the read).
    Pipe pipe = Pipe::open("pipe2");
    put(pipe.write, "child=42\n");
    const int fds[] = {pipe.read.get()};
    auto cancelled = readUntil(fds, never(), 1024, PastLimit::stop, nullptr, [] { return true; });
    EXPECT_EQ(cancelled.front().stop, ReadStop::cancelled);
    EXPECT_EQ(cancelled.front().data, "child=42\n");

    put(pipe.write, "late\n");
    ReadResult late = readUntil(pipe.read.get(), ReadClock::now() - 1ms, 1024);
    EXPECT_EQ(late.stop, ReadStop::deadline);
    EXPECT_EQ(late.data, "late\n");
}

TEST(ReadUntil, StopsAtTheLimitWhenTheWriterNeverClosesAndLeavesTheRestUnread) {
    Pipe pipe = Pipe::open("pipe2");
    put(pipe.write, "abcdefgh");
    ReadResult got = readUntil(pipe.read.get(), never(), 3);
    EXPECT_EQ(got.stop, ReadStop::limit);
    EXPECT_EQ(got.data, "abc");
    EXPECT_TRUE(got.truncated);
    pipe.write.reset();
    // One byte past the limit told that more came; the rest is still there.
    EXPECT_EQ(readUntil(pipe.read.get(), never(), 1024).data, "efgh");
}

TEST(ReadUntil, DrainsPastTheLimitWhenAskedAndKeepsTheFirstBytes) {
    Pipe pipe = Pipe::open("pipe2");
    put(pipe.write, std::string(40000, 'x'));
    pipe.write.reset();
    ReadResult got = readUntil(pipe.read.get(), never(), 10, PastLimit::drop);
    EXPECT_EQ(got.stop, ReadStop::eof);
    EXPECT_EQ(got.data, std::string(10, 'x'));
    EXPECT_TRUE(got.truncated);
}

TEST(ReadUntil, AReadErrorStopsWithErrno) {
    UniqueFd directory(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(directory);
    ReadResult got = readUntil(directory.get(), never(), 1024);
    EXPECT_EQ(got.stop, ReadStop::error);
    EXPECT_EQ(got.error, EISDIR);
    EXPECT_FALSE(got.pollFailed);
}

TEST(ReadUntil, ReadsSeveralPipesSideBySide) {
    Pipe out = Pipe::open("pipe2"), err = Pipe::open("pipe2");
    put(out.write, "out");
    put(err.write, "err");
    out.write.reset();
    const int fds[] = {out.read.get(), err.read.get()};
    // `err` never closes: the (past) deadline stops it, `out` is read to its end, and each keeps
    // its bytes.
    auto got = readUntil(fds, ReadClock::now() - 1ms, 1024, PastLimit::drop);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].data, "out");
    EXPECT_EQ(got[0].stop, ReadStop::eof);
    EXPECT_EQ(got[1].data, "err");
    EXPECT_EQ(got[1].stop, ReadStop::deadline);
    put(err.write, "more");
    err.write.reset();
    const int rest[] = {err.read.get()};
    got = readUntil(rest, never(), 1024, PastLimit::drop);
    EXPECT_EQ(got[0].data, "more");
    EXPECT_EQ(got[0].stop, ReadStop::eof);
}

TEST(ReadUntil, FeedsAWriterWhileReadingAndClosesItAtTheEnd) {
    Pipe pipe = Pipe::open("pipe2");
    std::string input(300000, 'y');  // more than a pipe holds: written as it drains
    Feed feed{std::move(pipe.write), input};
    const int fds[] = {pipe.read.get()};
    auto got = readUntil(fds, never(), input.size(), PastLimit::drop, &feed);
    EXPECT_EQ(got[0].stop, ReadStop::eof);  // the feed closed its end when it was done
    EXPECT_EQ(got[0].data, input);
    EXPECT_FALSE(feed.fd);
}

TEST(ReadUntil, AFeedWhoseReaderIsGoneIsDroppedWithoutSigpipe) {
    Pipe gone = Pipe::open("pipe2"), out = Pipe::open("pipe2");
    gone.read.reset();
    Feed feed{std::move(gone.write), "unwanted"};
    put(out.write, std::string(10, 'z'));
    const int fds[] = {out.read.get()};
    // `out` never closes; the limit ends the read once the feed had its chance.
    auto got = readUntil(fds, never(), 5, PastLimit::stop, &feed);
    EXPECT_EQ(got[0].stop, ReadStop::limit);
    EXPECT_FALSE(feed.fd);
}

}  // namespace
}  // namespace parawork::core
