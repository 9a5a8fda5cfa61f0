// Failed-login rate limiting, driven with explicit time points.
#include <gtest/gtest.h>

#include "auth/login_limiter.hpp"

namespace parawork::auth {
namespace {

using std::chrono::seconds;
using Clock = LoginLimiter::Clock;

const Clock::time_point t0 = Clock::time_point(seconds(1'000'000));

void failDistinct(LoginLimiter& limiter, std::string_view client, int count,
                  Clock::time_point from = t0) {
    for (int i = 0; i < count; ++i)
        limiter.recordFailure(client, "guess-" + std::to_string(i), from + seconds(i));
}

TEST(AuthLoginLimiter, NineDistinctFailuresPassAndTheTenthBlocks) {
    LoginLimiter limiter;
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0), std::nullopt);
    failDistinct(limiter, "10.0.0.1", 9);
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(9)), std::nullopt);
    limiter.recordFailure("10.0.0.1", "guess-9", t0 + seconds(9));
    // Blocked until the first failure, at t0, is 600 s old.
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(9)), seconds(591));
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(300)), seconds(300));
}

TEST(AuthLoginLimiter, TheBlockEndsWhenTheOldestFailureLeavesTheWindow) {
    LoginLimiter limiter;
    failDistinct(limiter, "10.0.0.1", 10);
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + std::chrono::milliseconds(599'500)),
              seconds(1));  // rounded up, never zero
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(600)), std::nullopt);
    // One more distinct failure blocks again, now until the second one ages out.
    limiter.recordFailure("10.0.0.1", "guess-10", t0 + seconds(600));
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(600)), seconds(1));
}

TEST(AuthLoginLimiter, TheSameWrongValueRepeatedCountsOnce) {
    LoginLimiter limiter;
    for (int i = 0; i < 100; ++i) limiter.recordFailure("10.0.0.1", "old-cookie", t0 + seconds(i));
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(100)), std::nullopt);
    // It does count, once: nine more distinct values make ten.
    failDistinct(limiter, "10.0.0.1", 8, t0 + seconds(100));
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(108)), std::nullopt);
    limiter.recordFailure("10.0.0.1", "last-guess", t0 + seconds(108));
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(108)), seconds(492));
}

TEST(AuthLoginLimiter, OtherClientsAreUnaffected) {
    LoginLimiter limiter;
    failDistinct(limiter, "10.0.0.1", 10);
    ASSERT_TRUE(limiter.retryAfter("10.0.0.1", t0 + seconds(10)));
    EXPECT_EQ(limiter.retryAfter("10.0.0.2", t0 + seconds(10)), std::nullopt);
    EXPECT_EQ(limiter.retryAfter("::1", t0 + seconds(10)), std::nullopt);
    failDistinct(limiter, "10.0.0.2", 9, t0 + seconds(10));
    EXPECT_EQ(limiter.retryAfter("10.0.0.2", t0 + seconds(19)), std::nullopt);
}

TEST(AuthLoginLimiter, OptionsSetTheThresholdAndWindow) {
    LoginLimiter limiter({.maxFailures = 3, .window = seconds(60)});
    failDistinct(limiter, "10.0.0.1", 2);
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(2)), std::nullopt);
    limiter.recordFailure("10.0.0.1", "third", t0 + seconds(2));
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(2)), seconds(58));
}

TEST(AuthLoginLimiter, KeepsAtMostMaxFailuresPerClient) {
    LoginLimiter limiter({.maxFailures = 3});
    failDistinct(limiter, "10.0.0.1", 5);  // t0 .. t0+4; only the last three are kept
    EXPECT_EQ(limiter.retryAfter("10.0.0.1", t0 + seconds(4)), seconds(598));
}

TEST(AuthLoginLimiter, KeepsAtMostMaxClientsDroppingTheStalest) {
    LoginLimiter limiter({.maxFailures = 2, .maxClients = 3});
    failDistinct(limiter, "a", 2, t0);
    failDistinct(limiter, "b", 2, t0 + seconds(10));
    failDistinct(limiter, "c", 2, t0 + seconds(20));
    limiter.recordFailure("d", "x", t0 + seconds(30));  // evicts "a", whose last failure is oldest
    auto now = t0 + seconds(30);
    EXPECT_EQ(limiter.retryAfter("a", now), std::nullopt);
    EXPECT_TRUE(limiter.retryAfter("b", now));
    EXPECT_TRUE(limiter.retryAfter("c", now));
    // A failure refreshes a client: "b" is now newer than "c", so "c" goes next.
    limiter.recordFailure("b", "y", t0 + seconds(31));
    limiter.recordFailure("e", "x", t0 + seconds(32));
    now = t0 + seconds(32);
    EXPECT_TRUE(limiter.retryAfter("b", now));
    EXPECT_EQ(limiter.retryAfter("c", now), std::nullopt);
}

}  // namespace
}  // namespace parawork::auth
