// One command run to completion in a session's or a workspace's place — its directory and
// environment — with a bound on how many run at once: POST /api/sessions/:id/exec (`parawork
// exec`) and the MCP `exec` tool both call it (docs/api.md).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/entities.hpp"
#include "session/command_runner.hpp"
#include "store/database.hpp"

namespace parawork::session {

inline constexpr std::size_t kMaxExecArgvBytes = 64u << 10;
inline constexpr std::size_t kMaxExecStdinBytes = 4u << 20;
inline constexpr long long kDefaultExecTimeoutMs = 60'000;
inline constexpr long long kMaxExecTimeoutMs = 600'000;

/// What to run.
struct ExecRequest {
    std::vector<std::string> argv;
    std::chrono::milliseconds timeout{kDefaultExecTimeoutMs};
    std::optional<std::string> stdinData;
    std::map<std::string, std::string> env;  ///< over the session's or workspace's own
    /// Its caller gave up (an MCP call cancelled): the command is killed.
    std::function<bool()> cancelled;
};

/// The environment of a workspace's sessions (its port block).
using WorkspaceEnvironment =
    std::function<std::map<std::string, std::string>(const std::string& workspaceId)>;

class ExecRunner {
  public:
    ExecRunner(store::Database& db, int maxRunning, WorkspaceEnvironment workspaceEnvironment);

    /// Runs in the session's working directory and environment. Throws core::ServiceError: 404
    /// no such session or workspace, 400 a bad argv or env or a command that cannot start, or a
    /// directory that no longer exists, 429 too many running.
    CommandResult inSession(const std::string& sessionId, const ExecRequest& request);
    /// The same in the workspace's directory and environment (its sessions' identity aside).
    CommandResult inWorkspace(const std::string& workspaceId, const ExecRequest& request);

  private:
    CommandResult run(CommandSpec spec);

    store::Database& db_;
    const int limit_;
    std::atomic<int> running_{0};
    WorkspaceEnvironment workspaceEnvironment_;
};

/// {stdout, stderr (valid UTF-8), exitCode, signal (null when unset), timedOut, durationMs,
/// truncated}
boost::json::object toJson(const CommandResult& result);

}  // namespace parawork::session
