// Waiting for sessions without polling: one observer, registered with the others, counts every
// change (output, activity, start, end) and wakes the threads that wait for one — MCP's
// session_output with waitMs and session_wait. A waiter re-reads what it waits for after each
// wake-up; a change of another session only costs it that read.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "session/session_observer.hpp"

namespace parawork::session {

class SessionChanges : public SessionObserver {
  public:
    using Clock = std::chrono::steady_clock;

    /// The number of changes so far: read it before looking, then waitAfter it.
    std::uint64_t generation() const;
    /// Blocks until a change after `seen` or until `deadline`; returns the generation then.
    std::uint64_t waitAfter(std::uint64_t seen, Clock::time_point deadline) const;

    void sessionRunning(const core::Session&) override { bump(); }
    void sessionEnded(const core::Session&) override { bump(); }
    void outputAdvanced(const std::string&) override { bump(); }
    void activityChanged(const std::string&, const std::string&, const core::Activity&,
                         const core::Activity&) override {
        bump();
    }

  private:
    void bump();

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::uint64_t generation_ = 0;
};

}  // namespace parawork::session
