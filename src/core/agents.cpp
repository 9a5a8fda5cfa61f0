#include "core/agents.hpp"

#include <array>

namespace parawork::core {
namespace {

constexpr std::array<std::string_view, 4> kPromptModes = {"none", "argument", "flag", "type"};

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
    static const std::vector<AgentProfile> agents = {
        {"claude-code", "claude", {}, PromptMode::Argument, "", {"--continue"}, true},
        {"codex", "codex", {}, PromptMode::Argument, "", {"resume", "--last"}, true},
        {"opencode", "opencode", {}, PromptMode::Flag, "--prompt", {"--continue"}, true},
        {"aider", "aider", {}, PromptMode::Type, "", {"--restore-chat-history"}, true},
        {"gemini", "gemini", {}, PromptMode::Flag, "--prompt-interactive", {}, true},
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
