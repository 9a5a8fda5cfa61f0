#include "auth/login_limiter.hpp"

#include <algorithm>

#include "auth/digest.hpp"

namespace parawork::auth {

LoginLimiter::LoginLimiter(Options options) : options_(options) {
    // Blocking needs at least one failure to measure the wait from.
    options_.maxFailures = std::max<std::size_t>(options_.maxFailures, 1);
}

bool LoginLimiter::inWindow(Clock::time_point at, Clock::time_point now) const {
    return now - at < options_.window;
}

std::optional<std::chrono::seconds> LoginLimiter::retryAfter(std::string_view client,
                                                             Clock::time_point now) const {
    std::lock_guard lock(mutex_);
    auto found = clients_.find(std::string(client));
    if (found == clients_.end()) return std::nullopt;
    const auto& failures = found->second.failures;
    auto oldest = std::find_if(failures.begin(), failures.end(),
                               [&](const Failure& f) { return inWindow(f.at, now); });
    if (static_cast<std::size_t>(failures.end() - oldest) < options_.maxFailures)
        return std::nullopt;
    auto wait = std::chrono::ceil<std::chrono::seconds>(oldest->at + options_.window - now);
    return std::max(wait, std::chrono::seconds(1));
}

void LoginLimiter::recordFailure(std::string_view client, std::string_view candidate,
                                 Clock::time_point now) {
    std::string digest = sha256Hex(candidate);
    std::lock_guard lock(mutex_);
    // Clients whose last failure left the window have nothing left that counts.
    while (!byLastFailure_.empty() && !inWindow(byLastFailure_.begin()->first, now))
        forget(byLastFailure_.begin()->second);

    std::string key(client);
    auto found = clients_.find(key);
    if (found == clients_.end()) {
        if (clients_.size() >= options_.maxClients && !byLastFailure_.empty())
            forget(byLastFailure_.begin()->second);
        found = clients_.emplace(key, ClientFailures{}).first;
    } else {
        byLastFailure_.erase({found->second.lastFailure, key});
    }
    ClientFailures& entry = found->second;
    auto& failures = entry.failures;
    while (!failures.empty() && !inWindow(failures.front().at, now)) failures.pop_front();
    bool repeated = std::any_of(failures.begin(), failures.end(),
                                [&](const Failure& f) { return f.candidateSha256 == digest; });
    if (!repeated) {
        if (failures.size() >= options_.maxFailures) failures.pop_front();
        failures.push_back({std::move(digest), now});
    }
    entry.lastFailure = std::max(entry.lastFailure, now);
    byLastFailure_.emplace(entry.lastFailure, key);
}

void LoginLimiter::forget(std::string client) {
    auto found = clients_.find(client);
    if (found == clients_.end()) return;
    byLastFailure_.erase({found->second.lastFailure, client});
    clients_.erase(found);
}

}  // namespace parawork::auth
