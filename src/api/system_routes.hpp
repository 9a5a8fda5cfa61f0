// System endpoints of the parawork surface (parawork-protocol §4.1): health, agents, config; and
// ours: POST /api/daemon/shutdown (`parawork shutdown`).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "api/router.hpp"
#include "core/agents.hpp"

namespace parawork::api {

/// What the system routes report; owned by the daemon, read by handlers on worker threads.
struct SystemInfo {
    std::string version;
    std::chrono::steady_clock::time_point startedAt = std::chrono::steady_clock::now();
    std::atomic<std::uint16_t> port{0};
    std::vector<std::string> corsOrigins;
    std::function<std::string()> token;  ///< the owner token as it is now (it may rotate)
    std::vector<core::AgentProfile> agents;
    std::function<void()> shutdown;  ///< starts stopping the daemon (returns at once)
};

void addSystemRoutes(Router& router, const SystemInfo& info);

}  // namespace parawork::api
