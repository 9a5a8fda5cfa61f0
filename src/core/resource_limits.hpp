// A session's resource limits (issue 8): what parawork.toml's [limits] and a run's own flags ask
// for, merged. Plain data: the monitor enforces them, the session service passes them along.
#pragma once

#include <cstdint>
#include <optional>

namespace parawork::core {

struct ResourceLimits {
    std::optional<std::uint64_t> memoryBytes;
    std::optional<double> cpuPercent;  ///< of one core: 150 = one and a half cores
    std::optional<std::int64_t> timeoutMs;
    std::optional<std::int64_t> pids;

    bool any() const { return memoryBytes || cpuPercent || timeoutMs || pids; }
    /// Each limit of `over` where set, else this one's.
    ResourceLimits overriddenBy(const ResourceLimits& over) const {
        return {over.memoryBytes ? over.memoryBytes : memoryBytes,
                over.cpuPercent ? over.cpuPercent : cpuPercent,
                over.timeoutMs ? over.timeoutMs : timeoutMs, over.pids ? over.pids : pids};
    }
    bool operator==(const ResourceLimits&) const = default;
};

}  // namespace parawork::core
