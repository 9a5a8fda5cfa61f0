// Waiting for a session (session_wait, session_run with detached false): until its agent waits
// or is idle, it has ended, or a port of it is ready, within a timeout, watching for the
// call's cancellation and reporting progress.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "mcp/tools/tool_support.hpp"

namespace parawork::mcp::tools {

inline constexpr std::int64_t kMaxWaitMs = 600'000;

enum class WaitUntil { Waiting, Idle, Ended, Port };

struct WaitGoal {
    WaitUntil until = WaitUntil::Ended;
    std::uint16_t port = 0;  ///< for Port
};

/// {session, reached, state, timedOut, elapsedMs, url?}: `reached` whether the goal was met
/// (false also when the session ended first), `state` the session's activity state then, `url`
/// the preview URL of a ready port. A timeout is a result (timedOut: true), not an error.
boost::json::object waitForSession(const ToolServices& services, const std::string& sessionId,
                                   WaitGoal goal, std::chrono::milliseconds timeout,
                                   const CallContext& context);

/// The output shape of waitForSession (and of session_run, whose detached answer is only the
/// session).
Shape waitOutput();

}  // namespace parawork::mcp::tools
