// Tests wait for conditions, never for time (STYLE §19): poll a condition until a deadline.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace parawork::test {

/// Polls `condition` every 10 ms until it holds (true) or `timeout` passes (false). The timeout
/// is a ceiling for a machine under load, not an expectation of speed.
inline bool waitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace parawork::test
