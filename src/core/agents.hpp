// Agent profiles: how each coding agent is started — its command and arguments, how an initial
// prompt reaches it, and how it resumes its own previous conversation. Built-in profiles for
// claude-code, codex, opencode, aider and gemini; config.toml's [agents.<name>] tables change
// them or add more. Plain data and rules; the daemon looks commands up on PATH.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/activity.hpp"

namespace parawork::core {

/// How the initial prompt reaches the agent.
enum class PromptMode {
    None,      ///< it doesn't: the prompt is only recorded
    Argument,  ///< as the last argument: `claude "fix the tests"`
    Flag,      ///< after a flag: `opencode --prompt "fix the tests"`
    Type,      ///< typed into the terminal (then Enter) once the agent has drawn its screen
};

std::string_view toString(PromptMode mode);
std::optional<PromptMode> parsePromptMode(std::string_view text);

struct AgentProfile {
    std::string name;  ///< the agentType: "claude-code"
    std::string command;
    std::vector<std::string> args;  ///< parawork's defaultArgs
    PromptMode promptMode = PromptMode::Argument;
    std::string promptFlag;               ///< PromptMode::Flag only
    std::vector<std::string> resumeArgs;  ///< empty: the agent cannot resume its conversation
    bool enabled = true;
    /// How the agent tells its state (issue 19): hooks parawork installs per session, and
    /// screens that mean it waits for a person. Empty for agents without either.
    AgentHooks hooks;
    std::vector<ScreenPattern> screens;
    /// How the agent is given parawork's MCP server for one session (issue 21 §5, config
    /// mcp.offer_to_agents), added after its command like the hook args: `{mcp_command}` is the
    /// server's program and `{mcp_args}` its arguments, as quoted strings (valid in JSON and in
    /// TOML), the arguments separated by commas. Empty: the agent takes no server that way.
    std::vector<std::string> mcpArgs;
    bool operator==(const AgentProfile&) const = default;
};

/// claude-code, codex, opencode, aider, gemini, in that order.
const std::vector<AgentProfile>& builtinAgents();

/// Why `name` cannot name an agent (lower-case letters, digits and dashes, 1–64, starting with a
/// letter); nullopt when it can.
std::optional<std::string> agentNameProblem(std::string_view name);

/// What to run.
struct AgentLaunch {
    std::vector<std::string> argv;
    std::optional<std::string> typedPrompt;  ///< PromptMode::Type: to type once it is ready
};

/// The argv for a start (with `prompt` when non-empty) or for a resume of the agent's previous
/// conversation (`resume`: resumeArgs appended; the prompt, if any, as for a start).
AgentLaunch agentLaunch(const AgentProfile& profile, const std::optional<std::string>& prompt,
                        bool resume);

/// The profile named `name` in `profiles`, or null.
const AgentProfile* findAgent(const std::vector<AgentProfile>& profiles, std::string_view name);

}  // namespace parawork::core
