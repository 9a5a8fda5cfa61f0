// The screens of the built-in agents that mean they wait for a person (issue 19 §2, the screen
// layer): their permission boxes, questions, login prompts and error messages, as stable text of
// those screens (never decoration: box corners, spinners, colours). Data for the agent profiles;
// docs/agent-state.md says which were recorded (tests/agents/corpus) and which come from the
// agents' own strings and docs only.
#pragma once

#include <string_view>
#include <vector>

#include "core/activity.hpp"

namespace parawork::core {

/// The screen patterns of the built-in agent `agentName` ("claude-code", "codex", "gemini",
/// "opencode"); an empty list for any other name.
const std::vector<ScreenPattern>& builtinAgentScreens(std::string_view agentName);

}  // namespace parawork::core
