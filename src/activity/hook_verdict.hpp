// The hook layer of agent state (issue 19 §2): an agent's hook event (the JSON it hands its hook
// command) read through that agent's profile (core::AgentHooks) into what it means for the
// session's state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/activity.hpp"

namespace parawork::activity {

/// What one hook event means.
struct HookVerdict {
    std::string event;  ///< the event's name as the agent sent it
    /// nullopt: no change (a sub-agent's stop, an event no rule names).
    std::optional<core::ActivityState> state;
    core::WaitingFor waitingFor = core::WaitingFor::None;
    std::string reason;
    bool operator==(const HookVerdict&) const = default;
};

/// Reads `json` (one hook event) with `hooks`. Throws core::Error with a clear message when it
/// is not a JSON object or has no event name at hooks.eventField.
HookVerdict interpretHook(const core::AgentHooks& hooks, std::string_view json);

}  // namespace parawork::activity
