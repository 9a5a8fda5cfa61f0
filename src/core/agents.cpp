#include "core/agents.hpp"

#include "core/agent_screens.hpp"

#include <array>

namespace parawork::core {
namespace {

constexpr std::array<std::string_view, 4> kPromptModes = {"none", "argument", "flag", "type"};

using State = ActivityState;
using Wait = WaitingFor;

/// Claude Code's settings with one command hook, `{hook}`, for each event parawork reads. Tool
/// events and notifications take a matcher ("*": every tool, every type); the others have none.
/// The timeout bounds what a hook that hangs could cost the agent (`parawork hook` gives up on
/// the daemon after 2 s).
std::string claudeCodeSettingsTemplate() {
    constexpr std::array<std::pair<std::string_view, bool>, 10> kEvents = {{
        {"SessionStart", false},
        {"UserPromptSubmit", false},
        {"PreToolUse", true},
        {"PermissionRequest", true},
        {"PostToolUse", true},
        {"Notification", true},
        {"Stop", false},
        {"StopFailure", false},
        {"SubagentStop", false},
        {"SessionEnd", false},
    }};
    std::string settings = R"({"hooks": {)";
    for (const auto& [event, matcher] : kEvents) {
        if (settings.back() != '{') settings += ", ";
        settings += "\"" + std::string(event) + "\": [{";
        if (matcher) settings += R"("matcher": "*", )";
        settings += R"("hooks": [{"type": "command", "command": "{hook}", "timeout": 10}]}])";
    }
    return settings + "}}\n";
}

/// Claude Code's hook events as its hooks reference documents them (docs/agent-state.md, "Hooks
/// per agent"). The settings file passed with --settings registers `parawork hook` for each;
/// the rules say what each means. Sub-agents never change the parent's state: their stop, and a
/// tool of theirs finishing (the input names the sub-agent in agent_id), change nothing.
AgentHooks claudeCodeHooks() {
    AgentHooks hooks;
    hooks.eventField = "hook_event_name";
    hooks.args = {"--settings", "{settings}"};
    hooks.rules = {
        // A compaction restarts the session in the middle of a turn: the agent works on.
        {"SessionStart", {{"source", "compact"}}, std::nullopt, Wait::None, ""},
        {"SessionStart", {}, State::Idle, Wait::None, ""},
        {"UserPromptSubmit", {}, State::Working, Wait::None, ""},
        {"PreToolUse",
         {{"tool_name", "AskUserQuestion"}},
         State::Waiting,
         Wait::Question,
         "asks: {tool_input.questions.0.question}"},
        // Any other tool starting changes nothing: a parallel sub-agent's tool must not end
        // the parent's wait for a permission.
        {"PermissionRequest",
         {{"tool_name", "Bash"}},
         State::Waiting,
         Wait::Permission,
         "wants to run `{tool_input.command}`"},
        {"PermissionRequest",
         {{"tool_name", "Edit"}},
         State::Waiting,
         Wait::Permission,
         "wants to edit `{tool_input.file_path}`"},
        {"PermissionRequest",
         {{"tool_name", "MultiEdit"}},
         State::Waiting,
         Wait::Permission,
         "wants to edit `{tool_input.file_path}`"},
        {"PermissionRequest",
         {{"tool_name", "Write"}},
         State::Waiting,
         Wait::Permission,
         "wants to write `{tool_input.file_path}`"},
        {"PermissionRequest",
         {{"tool_name", "WebFetch"}},
         State::Waiting,
         Wait::Permission,
         "wants to fetch `{tool_input.url}`"},
        {"PermissionRequest",
         {{"tool_name", "ExitPlanMode"}},
         State::Waiting,
         Wait::Permission,
         "wants approval of its plan"},
        {"PermissionRequest", {}, State::Waiting, Wait::Permission, "wants to use {tool_name}"},
        {"PostToolUse", {{"agent_id", "*"}}, std::nullopt, Wait::None, ""},
        {"PostToolUse", {}, State::Working, Wait::None, ""},
        // permission_prompt comes with the dialog PermissionRequest already reported, with a
        // generic message only; auth_success and unknown types change nothing either.
        {"Notification", {{"notification_type", "idle_prompt"}}, State::Idle, Wait::None, ""},
        {"Notification",
         {{"notification_type", "elicitation_dialog"}},
         State::Waiting,
         Wait::Question,
         "{message}"},
        {"Stop", {}, State::Idle, Wait::None, ""},
        {"StopFailure",
         {{"error_type", "authentication_failed"}},
         State::Waiting,
         Wait::Login,
         "cannot log in: {error_message}"},
        {"StopFailure",
         {{"error_type", "oauth_org_not_allowed"}},
         State::Waiting,
         Wait::Login,
         "cannot log in: {error_message}"},
        {"StopFailure",
         {{"error_type", "rate_limit"}},
         State::Waiting,
         Wait::Error,
         "hit a rate limit: {error_message}"},
        {"StopFailure", {}, State::Waiting, Wait::Error, "stopped on an error: {error_message}"},
        // SubagentStop, SessionEnd (the session's own end decides), PreCompact: no rule, no
        // change.
    };
    hooks.settingsTemplate = claudeCodeSettingsTemplate();
    return hooks;
}

/// Codex runs its `notify` argv with the JSON of an event as the last argument after each turn
/// (`agent-turn-complete`, the only type it sends). Given with -c, a TOML array of strings, so
/// the user's config.toml stays as it is. Its [hooks] need a person to trust them first, so
/// parawork does not install those (docs/agent-state.md).
AgentHooks codexHooks() {
    AgentHooks hooks;
    hooks.eventField = "type";
    hooks.args = {"-c", "notify=[{hook}]"};
    hooks.rules = {{"agent-turn-complete", {}, State::Idle, Wait::None, ""}};
    return hooks;
}

/// Claude Code reads servers from --mcp-config, JSON or a file. The `=` form: the option takes
/// several values, and given as two words it would take the prompt after it as a second one.
std::vector<std::string> claudeCodeMcpArgs() {
    return {R"(--mcp-config={"mcpServers": {"parawork": {"command": {mcp_command}, )"
            R"("args": [{mcp_args}]}}})"};
}

/// Codex takes config.toml keys with -c, each value in TOML.
std::vector<std::string> codexMcpArgs() {
    return {"-c", "mcp_servers.parawork.command={mcp_command}", "-c",
            "mcp_servers.parawork.args=[{mcp_args}]"};
}

/// A built-in profile; agents without hooks parawork can install for one session (OpenCode,
/// aider, Gemini CLI: docs/agent-state.md says why) have none.
AgentProfile profile(std::string name, std::string command, PromptMode mode, std::string flag,
                     std::vector<std::string> resumeArgs, AgentHooks hooks = {},
                     std::vector<std::string> mcpArgs = {}) {
    AgentProfile p;
    p.name = std::move(name);
    p.command = std::move(command);
    p.promptMode = mode;
    p.promptFlag = std::move(flag);
    p.resumeArgs = std::move(resumeArgs);
    p.hooks = std::move(hooks);
    p.mcpArgs = std::move(mcpArgs);
    p.screens = builtinAgentScreens(p.name);
    return p;
}

}  // namespace

std::string_view toString(PromptMode mode) {
    return kPromptModes.at(static_cast<std::size_t>(mode));
}

std::optional<PromptMode> parsePromptMode(std::string_view text) {
    for (std::size_t i = 0; i < kPromptModes.size(); ++i)
        if (kPromptModes[i] == text) return static_cast<PromptMode>(i);
    return std::nullopt;
}

const std::vector<AgentProfile>& builtinAgents() {
    // The flags are each CLI's own: an interactive session with a first prompt, and "continue
    // the most recent conversation in this directory" (a worktree is one directory per
    // workspace, so that is the workspace's conversation). Gemini CLI has no such flag.
    // OpenCode, aider and Gemini CLI take an MCP server only from their configuration files
    // (docs/mcp.md, "Agents parawork starts").
    static const std::vector<AgentProfile> agents = {
        profile("claude-code", "claude", PromptMode::Argument, "", {"--continue"},
                claudeCodeHooks(), claudeCodeMcpArgs()),
        profile("codex", "codex", PromptMode::Argument, "", {"resume", "--last"}, codexHooks(),
                codexMcpArgs()),
        profile("opencode", "opencode", PromptMode::Flag, "--prompt", {"--continue"}),
        profile("aider", "aider", PromptMode::Type, "", {"--restore-chat-history"}),
        profile("gemini", "gemini", PromptMode::Flag, "--prompt-interactive", {}),
    };
    return agents;
}

std::optional<std::string> agentNameProblem(std::string_view name) {
    if (name.empty() || name.size() > 64) return "must be 1-64 characters";
    if (name.front() < 'a' || name.front() > 'z') return "must start with a lower-case letter";
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return "may contain only lower-case letters, digits and dashes";
    return std::nullopt;
}

AgentLaunch agentLaunch(const AgentProfile& profile, const std::optional<std::string>& prompt,
                        bool resume) {
    AgentLaunch launch;
    launch.argv.push_back(profile.command);
    launch.argv.insert(launch.argv.end(), profile.args.begin(), profile.args.end());
    if (resume)
        launch.argv.insert(launch.argv.end(), profile.resumeArgs.begin(), profile.resumeArgs.end());
    if (!prompt || prompt->empty()) return launch;
    // A prompt is one argv element, never a shell word; one that starts with '-' gets a leading
    // space so the agent's option parser cannot take it for a flag ("--dangerously-...").
    std::string asArgument = prompt->front() == '-' ? " " + *prompt : *prompt;
    switch (profile.promptMode) {
        case PromptMode::None:
            break;
        case PromptMode::Argument:
            launch.argv.push_back(asArgument);
            break;
        case PromptMode::Flag:
            launch.argv.push_back(profile.promptFlag);
            launch.argv.push_back(asArgument);
            break;
        case PromptMode::Type:
            launch.typedPrompt = *prompt;
            break;
    }
    return launch;
}

const AgentProfile* findAgent(const std::vector<AgentProfile>& profiles, std::string_view name) {
    for (const auto& p : profiles)
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace parawork::core
