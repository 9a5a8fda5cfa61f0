// Debouncing and coalescing of raw file events (plain code, driven by the caller's clock): a
// path's change is settled once the path has been quiet for the quiet period, or when it has been
// pending for the longest delay (a file written without pause still gets recorded). Events in one
// window fold into one change: created then modified is created, created then deleted is nothing,
// deleted then created is modified. Bounded: at most `capacity` paths pend.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/entities.hpp"

namespace parawork::watch {

using Clock = std::chrono::steady_clock;

/// What `earlier` followed by `later` amounts to; nullopt when nothing happened at all (a file
/// created and deleted again).
std::optional<core::ChangeType> coalesce(core::ChangeType earlier, core::ChangeType later);

/// A change whose path has settled.
struct SettledChange {
    std::string path;  ///< as given to observe()
    core::ChangeType type = core::ChangeType::Modified;
    std::int64_t timestampMs = 0;  ///< wall-clock time of the last event folded in
};

class ChangeDebouncer {
  public:
    ChangeDebouncer(Clock::duration quietPeriod, Clock::duration maxDelay, std::size_t capacity);

    enum class Outcome { Pending, Cancelled, Dropped };
    /// Folds an event into the path's pending change. Dropped: `capacity` other paths already
    /// pend, so this event is lost (the caller says so).
    Outcome observe(const std::string& path, core::ChangeType type, Clock::time_point now,
                    std::int64_t wallMs);

    /// Removes and returns up to `max` settled changes, oldest first (by their first event).
    std::vector<SettledChange> takeSettled(Clock::time_point now, std::size_t max);
    /// Removes and returns up to `max` pending changes, settled or not, oldest first.
    std::vector<SettledChange> takeAll(std::size_t max);

    /// When the next pending change settles; nullopt when nothing pends.
    std::optional<Clock::time_point> nextDeadline() const;
    std::size_t size() const { return pending_.size(); }
    bool empty() const { return pending_.empty(); }

  private:
    struct Pending {
        core::ChangeType type;
        Clock::time_point first;
        Clock::time_point last;
        std::int64_t wallMs;
        std::uint64_t order;  ///< first-event order, for oldest-first output
    };
    Clock::time_point deadline(const Pending& p) const;
    std::vector<SettledChange> take(std::optional<Clock::time_point> now, std::size_t max);

    Clock::duration quietPeriod_;
    Clock::duration maxDelay_;
    std::size_t capacity_;
    std::uint64_t nextOrder_ = 0;
    std::unordered_map<std::string, Pending> pending_;
};

}  // namespace parawork::watch
