// How an agent's hooks (core::AgentHooks) are installed for one session without touching the
// person's own configuration (issue 19 §2): the profile's hook args and settings template with
// `{hook}` (parawork's hook command) and `{settings}` (the settings file's path) filled in; the
// same for the args that give an agent parawork's MCP server (issue 21 §5).
// Plain text rules; the workspace room writes the file and starts the agent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/agents.hpp"

namespace parawork::core {

/// Where the hook command and the settings file of one agent profile are.
struct HookInstall {
    /// The hook command's argv: the parawork binary's absolute path, "hook", and its options.
    std::vector<std::string> command;
    std::string settingsPath;  ///< the written settingsTemplate; "" when there is none
};

/// `text` as a double-quoted string that is valid both in JSON and in TOML: `"` and `\` escaped,
/// control characters as \uXXXX.
std::string quotedString(std::string_view text);

/// `words` as one POSIX shell command line, each word in single quotes.
std::string shellCommandLine(const std::vector<std::string>& words);

/// The settings file's content: hooks.settingsTemplate with each `{hook}` replaced by the hook
/// command as a shell command line (agents run hook commands through a shell), escaped for the
/// JSON string the placeholder stands in. "" when the profile has no template.
std::string hookSettings(const AgentHooks& hooks, const std::vector<std::string>& hookCommand);

/// Puts hooks.args right after the agent's command (before its own args, a resume's and the
/// prompt, so that no option parser reads them as the prompt's). In them `{settings}` becomes
/// install.settingsPath; an arg that is only `{hook}` becomes the hook command's words; `{hook}`
/// inside a longer arg becomes the words as quoted strings separated by commas, the elements of
/// a TOML or JSON array (`notify=[{hook}]`). No change when the profile has no hook args.
void addHookArgs(AgentLaunch& launch, const AgentHooks& hooks, const HookInstall& install);

/// Puts profile.mcpArgs right after the agent's command, as addHookArgs does, with
/// `{mcp_command}` and `{mcp_args}` made of `serverCommand` (the parawork binary's absolute path,
/// "mcp", its options). No change when the profile has none or `serverCommand` is empty.
void addMcpArgs(AgentLaunch& launch, const AgentProfile& profile,
                const std::vector<std::string>& serverCommand);

}  // namespace parawork::core
