// Credentials of preview origins (DESIGN §7: previews live on their own origins and never see
// the main cookie). The UI asks for a one-time code for a preview host, the browser carries it
// to that host once, and the host sets its own pass cookie: a signed, expiring statement of who
// may see this one origin. Passes need no storage; rotating the owner token or revoking the
// device ends them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/principal.hpp"
#include "auth/token_registry.hpp"

namespace parawork::auth {

/// PreviewPasses::Options (outside the class for the reason given at LoginLimiterOptions).
struct PreviewPassOptions {
    std::chrono::seconds codeLifetime{60};
    std::chrono::seconds passLifetime{12 * 3600};
    std::size_t maxCodes = 1000;
};

/// Thread-safe. `registry` must outlive this object.
class PreviewPasses {
  public:
    using Clock = std::chrono::system_clock;
    using Options = PreviewPassOptions;
    explicit PreviewPasses(const TokenRegistry& registry, Options options = {});

    /// A one-time code (core::randomHex(32)) that lets `previewHost` (lower-case "host[:port]")
    /// set its pass cookie. Codes are kept in memory; beyond maxCodes the oldest is dropped;
    /// expired ones are swept on each call.
    std::string issueCode(const Principal& who, std::string_view previewHost,
                          Clock::time_point now = Clock::now());

    /// Consumes the code (single use, even when the host is wrong). Returns the pass (cookie
    /// value) when the code exists, has not expired, was issued for this host and its
    /// principal is still valid.
    std::optional<std::string> redeemCode(std::string_view code, std::string_view previewHost,
                                          Clock::time_point now = Clock::now());

    /// The principal a pass stands for when it was made for this host, has not expired, its
    /// principal is still valid (registry.principal) and its signature checks with the
    /// registry's current signingKey(). Format: "v1.<hex of principal id>.<expiry, unix
    /// seconds>.<hmacSha256Hex(key, "v1|" + principalId + "|" + expiry + "|" + host)>".
    /// Anything malformed: nullopt.
    std::optional<Principal> verifyPass(std::string_view pass, std::string_view previewHost,
                                        Clock::time_point now = Clock::now()) const;

  private:
    struct Code {
        std::string principalId;
        std::string host;
        Clock::time_point expires;
        std::uint64_t serial;  // issue order, the key of byAge_
    };
    void sweepExpired(Clock::time_point now);                          // callers hold mutex_
    void drop(std::map<std::uint64_t, std::string>::iterator oldest);  // callers hold mutex_

    const TokenRegistry& registry_;
    Options options_;
    std::mutex mutex_;
    std::unordered_map<std::string, Code> codes_;
    std::map<std::uint64_t, std::string> byAge_;  // serial -> code, oldest first
    std::uint64_t nextSerial_ = 0;
};

}  // namespace parawork::auth
