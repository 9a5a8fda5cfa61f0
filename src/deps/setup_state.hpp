// The state of a workspace's setup, read from its latest session of kind `setup` (so it
// survives daemon restarts), and the wait an agent start does while that setup runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "store/database.hpp"

namespace parawork::deps {

struct SetupState {
    std::string sessionId;
    std::string status;  ///< running, succeeded, failed, timed_out
    std::optional<int> exitCode;
    std::optional<std::int64_t> startedAt;
    std::optional<std::int64_t> completedAt;
    bool operator==(const SetupState&) const = default;

    bool running() const { return status == "running"; }
    bool succeeded() const { return status == "succeeded"; }
};

/// The workspace's latest setup session; nullopt when it never had one.
std::optional<SetupState> latestSetup(store::Database& db, const std::string& workspaceId);

/// Waits until the latest setup is no longer running, at most `timeout`, checking every
/// `interval`. Returns the state seen last (still running when the time ran out).
std::optional<SetupState> waitForSetup(
    store::Database& db, const std::string& workspaceId, std::chrono::milliseconds timeout,
    std::chrono::milliseconds interval = std::chrono::milliseconds(100));

/// Why an agent may not start after this setup ("setup failed (exit 1): see `parawork logs
/// <id>`"); nullopt when it succeeded.
std::optional<std::string> setupProblem(const SetupState& state);

/// {sessionId, status, exitCode, startedAt, completedAt}, or null.
boost::json::value toJson(const std::optional<SetupState>& state);

}  // namespace parawork::deps
