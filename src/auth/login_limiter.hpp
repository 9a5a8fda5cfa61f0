// Slows down guessing of the token over the network: after too many distinct wrong credentials
// from one client, that client is refused until its oldest failure ages out of the window.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace parawork::auth {

/// LoginLimiter::Options. Declared outside the class because GCC rejects a nested struct with
/// default member initializers as a default argument (`Options options = {}`) of its own class.
struct LoginLimiterOptions {
    std::size_t maxFailures = 10;
    std::chrono::seconds window{600};
    std::size_t maxClients = 10000;
};

/// Failed-login rate limiting per client (an IP address string). Thread-safe.
class LoginLimiter {
  public:
    using Clock = std::chrono::steady_clock;
    using Options = LoginLimiterOptions;
    explicit LoginLimiter(Options options = {});

    /// How long `client` must wait before presenting a credential again, or nullopt. A client
    /// is blocked once it has maxFailures distinct failures within `window`, until the oldest
    /// of them leaves the window (so at least 1 s).
    std::optional<std::chrono::seconds> retryAfter(std::string_view client,
                                                   Clock::time_point now = Clock::now()) const;

    /// A wrong credential from `client`. The same wrong value again within the window counts
    /// once: a browser tab holding a rotated cookie that reconnects every second is not
    /// guessing. Keeps only sha256Hex of candidates, never the values. Bounded memory: at most
    /// maxClients clients (evicting the one whose last failure is oldest) and maxFailures
    /// entries per client.
    void recordFailure(std::string_view client, std::string_view candidate,
                       Clock::time_point now = Clock::now());

  private:
    struct Failure {
        std::string candidateSha256;
        Clock::time_point at;
    };
    struct ClientFailures {
        std::deque<Failure> failures;  // oldest first
        Clock::time_point lastFailure;
    };
    bool inWindow(Clock::time_point at, Clock::time_point now) const;
    void forget(std::string client);  // by value: callers pass a key held by byLastFailure_

    Options options_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, ClientFailures> clients_;
    /// (last failure, client), oldest first: which client to evict or sweep, in O(log n).
    std::set<std::pair<Clock::time_point, std::string>> byLastFailure_;
};

}  // namespace parawork::auth
