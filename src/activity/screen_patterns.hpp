// The screen layer of agent state (issue 19 §2): the agent's screen (the host's screen model as
// text) matched against its profile's patterns — a permission box, a question with choices, a
// login prompt, a quota or rate-limit message. A fallback for agents without hooks and a
// cross-check for those with them.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/activity.hpp"

namespace parawork::activity {

/// The pattern that `screenText` (rows joined by '\n') matches, the most exact (longest allOf)
/// first; nullopt when none does. Case-insensitive for ASCII letters.
std::optional<core::ScreenPattern> matchScreen(const std::vector<core::ScreenPattern>& patterns,
                                               std::string_view screenText);

}  // namespace parawork::activity
