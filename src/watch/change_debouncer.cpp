#include "watch/change_debouncer.hpp"

#include <algorithm>

namespace parawork::watch {

using core::ChangeType;

std::optional<ChangeType> coalesce(ChangeType earlier, ChangeType later) {
    switch (earlier) {
        case ChangeType::Created:
            // The file did not exist before the window: whatever it became is a creation, and
            // a creation undone is nothing.
            if (later == ChangeType::Deleted) return std::nullopt;
            return ChangeType::Created;
        case ChangeType::Deleted:  // it existed before the window; if it is back, it changed
        case ChangeType::Modified:
            return later == ChangeType::Deleted ? ChangeType::Deleted : ChangeType::Modified;
    }
    return later;
}

ChangeDebouncer::ChangeDebouncer(Clock::duration quietPeriod, Clock::duration maxDelay,
                                 std::size_t capacity)
    : quietPeriod_(quietPeriod), maxDelay_(maxDelay), capacity_(capacity) {}

ChangeDebouncer::Outcome ChangeDebouncer::observe(const std::string& path, ChangeType type,
                                                  Clock::time_point now, std::int64_t wallMs) {
    auto it = pending_.find(path);
    if (it == pending_.end()) {
        if (pending_.size() >= capacity_) return Outcome::Dropped;
        pending_.emplace(path, Pending{type, now, now, wallMs, nextOrder_++});
        return Outcome::Pending;
    }
    std::optional<ChangeType> folded = coalesce(it->second.type, type);
    if (!folded) {
        pending_.erase(it);
        return Outcome::Cancelled;
    }
    it->second.type = *folded;
    it->second.last = now;
    it->second.wallMs = wallMs;
    return Outcome::Pending;
}

Clock::time_point ChangeDebouncer::deadline(const Pending& p) const {
    return std::min(p.last + quietPeriod_, p.first + maxDelay_);
}

std::vector<SettledChange> ChangeDebouncer::take(std::optional<Clock::time_point> now,
                                                 std::size_t max) {
    std::vector<std::unordered_map<std::string, Pending>::iterator> ready;
    for (auto it = pending_.begin(); it != pending_.end(); ++it)
        if (!now || deadline(it->second) <= *now) ready.push_back(it);
    auto older = [](const auto& a, const auto& b) { return a->second.order < b->second.order; };
    if (ready.size() > max) {
        std::nth_element(ready.begin(), ready.begin() + static_cast<std::ptrdiff_t>(max),
                         ready.end(), older);
        ready.resize(max);
    }
    std::sort(ready.begin(), ready.end(), older);
    std::vector<SettledChange> out;
    out.reserve(ready.size());
    for (auto it : ready) {
        out.push_back({it->first, it->second.type, it->second.wallMs});
        pending_.erase(it);
    }
    return out;
}

std::vector<SettledChange> ChangeDebouncer::takeSettled(Clock::time_point now, std::size_t max) {
    return take(now, max);
}

std::vector<SettledChange> ChangeDebouncer::takeAll(std::size_t max) {
    return take(std::nullopt, max);
}

std::optional<Clock::time_point> ChangeDebouncer::nextDeadline() const {
    std::optional<Clock::time_point> next;
    for (const auto& [path, p] : pending_) {
        Clock::time_point d = deadline(p);
        if (!next || d < *next) next = d;
    }
    return next;
}

}  // namespace parawork::watch
