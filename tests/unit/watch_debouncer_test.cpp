// The debouncer is plain code on the caller's clock: quiet periods, the longest delay, coalescing
// and the bound on pending paths are all tested without a file system.
#include <gtest/gtest.h>

#include "watch/change_debouncer.hpp"

namespace parawork::watch {
namespace {

using namespace std::chrono_literals;
using core::ChangeType;

TEST(Coalesce, FoldsTwoEventsIntoOne) {
    EXPECT_EQ(coalesce(ChangeType::Created, ChangeType::Modified), ChangeType::Created);
    EXPECT_EQ(coalesce(ChangeType::Created, ChangeType::Created), ChangeType::Created);
    EXPECT_EQ(coalesce(ChangeType::Created, ChangeType::Deleted), std::nullopt);
    EXPECT_EQ(coalesce(ChangeType::Modified, ChangeType::Modified), ChangeType::Modified);
    EXPECT_EQ(coalesce(ChangeType::Modified, ChangeType::Deleted), ChangeType::Deleted);
    EXPECT_EQ(coalesce(ChangeType::Modified, ChangeType::Created), ChangeType::Modified);
    EXPECT_EQ(coalesce(ChangeType::Deleted, ChangeType::Created), ChangeType::Modified);
    EXPECT_EQ(coalesce(ChangeType::Deleted, ChangeType::Modified), ChangeType::Modified);
    EXPECT_EQ(coalesce(ChangeType::Deleted, ChangeType::Deleted), ChangeType::Deleted);
}

class DebouncerTest : public ::testing::Test {
  protected:
    ChangeDebouncer d_{250ms, 2s, 100};
    Clock::time_point t0_ = Clock::now();
};

TEST_F(DebouncerTest, SettlesAfterTheQuietPeriod) {
    d_.observe("a", ChangeType::Created, t0_, 1000);
    d_.observe("a", ChangeType::Modified, t0_ + 100ms, 1100);
    EXPECT_EQ(d_.nextDeadline(), t0_ + 350ms);
    EXPECT_TRUE(d_.takeSettled(t0_ + 349ms, 10).empty());
    auto settled = d_.takeSettled(t0_ + 350ms, 10);
    ASSERT_EQ(settled.size(), 1u);
    EXPECT_EQ(settled[0].path, "a");
    EXPECT_EQ(settled[0].type, ChangeType::Created);  // created, then modified: created
    EXPECT_EQ(settled[0].timestampMs, 1100);          // the last event's time
    EXPECT_TRUE(d_.empty());
    EXPECT_EQ(d_.nextDeadline(), std::nullopt);
}

TEST_F(DebouncerTest, ACreationUndoneInTheWindowIsNothing) {
    EXPECT_EQ(d_.observe("tmp", ChangeType::Created, t0_, 0), ChangeDebouncer::Outcome::Pending);
    d_.observe("tmp", ChangeType::Modified, t0_ + 10ms, 0);
    EXPECT_EQ(d_.observe("tmp", ChangeType::Deleted, t0_ + 20ms, 0),
              ChangeDebouncer::Outcome::Cancelled);
    EXPECT_TRUE(d_.empty());
    EXPECT_TRUE(d_.takeSettled(t0_ + 10s, 10).empty());
}

TEST_F(DebouncerTest, AReplacedFileIsModified) {
    // An editor's save: the old file goes, a new one takes its name.
    d_.observe("f", ChangeType::Deleted, t0_, 0);
    d_.observe("f", ChangeType::Created, t0_ + 1ms, 0);
    auto settled = d_.takeAll(10);
    ASSERT_EQ(settled.size(), 1u);
    EXPECT_EQ(settled[0].type, ChangeType::Modified);
}

TEST_F(DebouncerTest, AFileWrittenWithoutPauseSettlesAfterTheLongestDelay) {
    auto t = t0_;
    for (int i = 0; i < 30; ++i, t += 100ms) {
        d_.observe("log", ChangeType::Modified, t, 0);
        if (t < t0_ + 2s) {
            EXPECT_TRUE(d_.takeSettled(t, 10).empty()) << i;
        }
    }
    EXPECT_EQ(d_.nextDeadline(), t0_ + 2s);
    EXPECT_EQ(d_.takeSettled(t0_ + 2s, 10).size(), 1u);
}

TEST_F(DebouncerTest, SettledChangesComeOldestFirstAndAtMostMax) {
    for (int i = 0; i < 10; ++i)
        d_.observe("f" + std::to_string(i), ChangeType::Created, t0_ + i * 1ms, i);
    auto first = d_.takeSettled(t0_ + 1s, 4);
    ASSERT_EQ(first.size(), 4u);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(first[i].path, "f" + std::to_string(i));
    auto rest = d_.takeSettled(t0_ + 1s, 100);
    ASSERT_EQ(rest.size(), 6u);
    EXPECT_EQ(rest.front().path, "f4");
    EXPECT_EQ(rest.back().path, "f9");
}

TEST_F(DebouncerTest, PendingPathsAreBounded) {
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(d_.observe("f" + std::to_string(i), ChangeType::Created, t0_, 0),
                  ChangeDebouncer::Outcome::Pending);
    // Full: a new path is dropped, a pending one still folds.
    EXPECT_EQ(d_.observe("one-too-many", ChangeType::Created, t0_, 0),
              ChangeDebouncer::Outcome::Dropped);
    EXPECT_EQ(d_.observe("f1", ChangeType::Modified, t0_, 0), ChangeDebouncer::Outcome::Pending);
    EXPECT_EQ(d_.size(), 100u);
    d_.takeAll(1);
    EXPECT_EQ(d_.observe("one-too-many", ChangeType::Created, t0_, 0),
              ChangeDebouncer::Outcome::Pending);
}

}  // namespace
}  // namespace parawork::watch
