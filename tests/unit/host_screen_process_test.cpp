// Unit tests of the screen worker: it draws what the in-process screen draws, and a worker that
// crashes or hangs costs the screen only (a fresh blank one takes over).
#include <signal.h>
#include <sys/wait.h>

#include <string>

#include <gtest/gtest.h>

#include "host/screen.hpp"
#include "host/screen_process.hpp"
#include "host/screen_tracker.hpp"
#include "unit_support/read_file.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::host {
namespace {

/// Whether `pid` has died (a zombie its parent has not reaped yet): signals arrive when the
/// target runs next, not when kill() returns.
bool isZombie(pid_t pid) {
    std::string stat = test::readFile("/proc/" + std::to_string(pid) + "/stat");
    auto close = stat.rfind(')');
    return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

std::u32string rowText(const Screen& screen, int row) {
    std::u32string text;
    for (int col = 0; col < screen.cols(); ++col) text += screen.cell(row, col).chars;
    return text;
}

Screen drawn(ScreenProcess& process) {
    Screen screen(process.cols(), process.rows());
    screen.feed(process.snapshot().bytes);
    return screen;
}

TEST(ScreenProcess, DrawsWhatTheScreenDraws) {
    const std::string output = "\x1b]2;title\x07\x1b[1;31mred\x1b[0m \xe4\xb8\xad\r\nsecond";
    ScreenProcess process(30, 5);
    process.feed(output);
    Screen local(30, 5);
    local.feed(output);
    EXPECT_EQ(process.snapshot().bytes, local.snapshot());
    process.resize(20, 3);
    local.resize(20, 3);
    EXPECT_EQ(process.snapshot().bytes, local.snapshot());
    EXPECT_EQ(process.losses(), 0u);
}

TEST(ScreenProcess, AWorkerStartedOnFirstUseStartsThen) {
    ScreenProcess process(20, 4, ScreenProcess::Start::OnFirstUse);
    EXPECT_LT(process.pid(), 0);  // a session's start does not wait for it
    process.feed("first");
    EXPECT_GT(process.pid(), 0);
    EXPECT_EQ(rowText(drawn(process), 0), U"first");
    EXPECT_EQ(process.losses(), 0u);
}

TEST(ScreenProcess, ACrashedWorkerCostsOnlyTheScreen) {
    ScreenProcess process(20, 4);
    process.feed("before");
    pid_t first = process.pid();
    ASSERT_EQ(::kill(first, SIGSEGV), 0);
    ASSERT_TRUE(test::waitUntil([&] { return isZombie(first); }));
    Screen blank = drawn(process);  // finds it gone: a fresh blank screen takes over
    EXPECT_EQ(rowText(blank, 0), U"");
    EXPECT_EQ(process.losses(), 1u);
    EXPECT_NE(process.pid(), first);
    process.feed("after");
    EXPECT_EQ(rowText(drawn(process), 0), U"after");
}

TEST(ScreenProcess, AHungWorkerIsReplacedAfterTheReplyTimeout) {
    ScreenProcess process(20, 4);
    pid_t first = process.pid();
    ASSERT_EQ(::kill(first, SIGSTOP), 0);
    process.feed("unanswered");  // queued without waiting: a hung worker never blocks a feed
    EXPECT_EQ(rowText(drawn(process), 0), U"");
    EXPECT_EQ(process.losses(), 1u);
    EXPECT_NE(process.pid(), first);
    EXPECT_NE(::waitpid(first, nullptr, WNOHANG), 0);  // killed and reaped, not left behind
    process.feed("answered");
    EXPECT_EQ(rowText(drawn(process), 0), U"answered");
}

TEST(ScreenProcess, OutputQueuesWithoutWaitingForTheWorker) {
    ScreenProcess process(80, 24);
    ASSERT_EQ(::kill(process.pid(), SIGSTOP), 0);
    std::string line(1000, 'x');
    while (!process.congested()) process.feed(line);  // returns at once, however full
    EXPECT_TRUE(process.hasOutbox());
    ASSERT_EQ(::kill(process.pid(), SIGCONT), 0);
    process.feed("\r\nend");
    EXPECT_EQ(rowText(drawn(process), 23).substr(0, 3), U"end");  // all of it, in order
    EXPECT_EQ(process.losses(), 0u);
}

TEST(ScreenProcess, TheTitleAndAlternateScreenOutliveAClear) {
    ScreenProcess process(20, 4);
    process.feed("\x1b]2;kept\x07\x1b[?1049hsome text");
    process.clear();
    Screen screen = drawn(process);
    EXPECT_EQ(screen.title(), "kept");
    EXPECT_TRUE(screen.altScreen());
    EXPECT_EQ(rowText(screen, 0), U"");
}

TEST(ScreenTracker, SnapshotOffsetsNeverFallInsideACharacterOrASequence) {
    const std::string block = "\xe2\x96\x88";  // █
    ScreenTracker tracker(40, 4, 100);
    tracker.append("ab" + block.substr(0, 2));
    tracker.catchUp(1000);
    EXPECT_EQ(tracker.offset(), 104u);
    EXPECT_EQ(tracker.snapshot().offset, 102u);  // the viewer replays all of █ from the log
    tracker.append(block.substr(2) + "c\x1b[3");
    tracker.catchUp(1000);
    EXPECT_EQ(tracker.snapshot().offset, 106u);  // from the ESC of the unfinished CSI
    tracker.append("1mZ");
    tracker.catchUp(1000);
    EXPECT_EQ(tracker.snapshot().offset, 112u);
}

TEST(ScreenTracker, ReAttachAnywhereInAStreamOfWideAndBlockCharacters) {
    // The viewer's screen = snapshot + the log from the snapshot's offset; it must equal the
    // screen of a terminal that saw the whole log, wherever the tracker stopped parsing.
    std::string log;
    for (int i = 0; i < 20; ++i) log += "\xe2\x96\x88\xe2\x96\x80\xe2\x96\x84\xc3\xa9\xe4\xb8\xad ";
    for (std::size_t cut = 1; cut < 40; ++cut) {
        ScreenTracker tracker(30, 6, 0);
        tracker.append(log);
        tracker.catchUp(cut);
        SnapshotReply snap = tracker.snapshot();
        Screen viewer(30, 6);
        viewer.feed(snap.bytes);
        viewer.feed(std::string_view(log).substr(snap.offset));
        Screen reference(30, 6);
        reference.feed(log);
        for (int row = 0; row < 6; ++row)
            ASSERT_EQ(rowText(viewer, row), rowText(reference, row)) << "cut " << cut;
    }
}

}  // namespace
}  // namespace parawork::host
