#include "core/agents.hpp"

#include <gtest/gtest.h>

namespace parawork::core {
namespace {

using Argv = std::vector<std::string>;

TEST(Agents, BuiltinProfilesCoverTheKnownAgents) {
    std::vector<std::string> names;
    for (const auto& p : builtinAgents()) names.push_back(p.name);
    EXPECT_EQ(names, (Argv{"claude-code", "codex", "opencode", "aider", "gemini"}));
    EXPECT_EQ(findAgent(builtinAgents(), "claude-code")->command, "claude");
    EXPECT_EQ(findAgent(builtinAgents(), "nope"), nullptr);
}

TEST(Agents, PromptAsArgumentFlagOrTyped) {
    auto claude = *findAgent(builtinAgents(), "claude-code");
    EXPECT_EQ(agentLaunch(claude, "fix it", false).argv, (Argv{"claude", "fix it"}));
    EXPECT_EQ(agentLaunch(claude, std::nullopt, false).argv, Argv{"claude"});
    EXPECT_EQ(agentLaunch(claude, "", false).argv, Argv{"claude"});
    auto opencode = *findAgent(builtinAgents(), "opencode");
    EXPECT_EQ(agentLaunch(opencode, "go", false).argv, (Argv{"opencode", "--prompt", "go"}));
    auto aider = *findAgent(builtinAgents(), "aider");
    auto typed = agentLaunch(aider, "add tests", false);
    EXPECT_EQ(typed.argv, Argv{"aider"});
    EXPECT_EQ(typed.typedPrompt, "add tests");
}

TEST(Agents, APromptNeverBecomesAFlag) {
    auto claude = *findAgent(builtinAgents(), "claude-code");
    EXPECT_EQ(agentLaunch(claude, "--dangerously-skip-permissions", false).argv,
              (Argv{"claude", " --dangerously-skip-permissions"}));
}

TEST(Agents, ResumeAppendsTheAgentsOwnFlags) {
    auto claude = *findAgent(builtinAgents(), "claude-code");
    EXPECT_EQ(agentLaunch(claude, std::nullopt, true).argv, (Argv{"claude", "--continue"}));
    auto codex = *findAgent(builtinAgents(), "codex");
    EXPECT_EQ(agentLaunch(codex, std::nullopt, true).argv, (Argv{"codex", "resume", "--last"}));
    AgentProfile custom{"mine", "/opt/bin/agent", {"--fast"}, PromptMode::None, "", {}, true};
    EXPECT_EQ(agentLaunch(custom, "ignored", true).argv, (Argv{"/opt/bin/agent", "--fast"}));
}

TEST(Agents, NamesAndPromptModes) {
    EXPECT_FALSE(agentNameProblem("claude-code"));
    EXPECT_FALSE(agentNameProblem("my-agent2"));
    for (const char* bad : {"", "Claude", "-x", "a b", "a/b", "2fast"})
        EXPECT_TRUE(agentNameProblem(bad)) << bad;
    EXPECT_EQ(parsePromptMode("flag"), PromptMode::Flag);
    EXPECT_EQ(toString(PromptMode::Type), "type");
    EXPECT_FALSE(parsePromptMode("Flag"));
}

}  // namespace
}  // namespace parawork::core
