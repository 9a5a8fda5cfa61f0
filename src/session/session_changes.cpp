#include "session/session_changes.hpp"

namespace parawork::session {

std::uint64_t SessionChanges::generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

std::uint64_t SessionChanges::waitAfter(std::uint64_t seen, Clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [&] { return generation_ != seen; });
    return generation_;
}

void SessionChanges::bump() {
    {
        std::lock_guard lock(mutex_);
        ++generation_;
    }
    changed_.notify_all();
}

}  // namespace parawork::session
