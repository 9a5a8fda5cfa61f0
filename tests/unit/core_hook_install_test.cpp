#include "core/hook_install.hpp"

#include <gtest/gtest.h>

namespace parawork::core {
namespace {

using Argv = std::vector<std::string>;

const Argv kHook = {"/opt/para work/parawork", "hook", "--socket", "/run/it's/parawork.sock"};

TEST(HookInstall, QuotedStringsAreJsonAndToml) {
    EXPECT_EQ(quotedString("plain"), "\"plain\"");
    EXPECT_EQ(quotedString("a\"b\\c\nd\x01"), R"("a\"b\\c\u000ad\u0001")");
}

TEST(HookInstall, ShellCommandLinesQuoteEveryWord) {
    EXPECT_EQ(shellCommandLine(kHook),
              R"('/opt/para work/parawork' 'hook' '--socket' '/run/it'\''s/parawork.sock')");
}

TEST(HookInstall, ClaudeCodeGetsItsSettingsFileBeforeThePrompt) {
    const auto& claude = *findAgent(builtinAgents(), "claude-code");
    auto launch = agentLaunch(claude, "fix it", false);
    addHookArgs(launch, claude.hooks, {kHook, "/data/agent-hooks/claude-code.json"});
    EXPECT_EQ(launch.argv,
              (Argv{"claude", "--settings", "/data/agent-hooks/claude-code.json", "fix it"}));
    auto resumed = agentLaunch(claude, std::nullopt, true);
    addHookArgs(resumed, claude.hooks, {kHook, "/s.json"});
    EXPECT_EQ(resumed.argv, (Argv{"claude", "--settings", "/s.json", "--continue"}));
}

TEST(HookInstall, CodexGetsItsNotifyArgvAsATomlArray) {
    const auto& codex = *findAgent(builtinAgents(), "codex");
    auto launch = agentLaunch(codex, std::nullopt, true);
    addHookArgs(launch, codex.hooks, {kHook, ""});
    EXPECT_EQ(launch.argv, (Argv{"codex", "-c",
                                 R"(notify=["/opt/para work/parawork","hook","--socket",)"
                                 R"("/run/it's/parawork.sock"])",
                                 "resume", "--last"}));
    EXPECT_EQ(hookSettings(codex.hooks, kHook), "");
}

TEST(HookInstall, AHookArgOnItsOwnIsTheCommandsWords) {
    AgentHooks hooks;
    hooks.args = {"--on-event", "{hook}", "--config={settings}"};
    AgentLaunch launch{{"agent", "prompt"}, std::nullopt};
    addHookArgs(launch, hooks, {{"/p", "hook"}, "/s"});
    EXPECT_EQ(launch.argv, (Argv{"agent", "--on-event", "/p", "hook", "--config=/s", "prompt"}));
}

TEST(HookInstall, AgentsWithoutHooksAreUnchanged) {
    for (const char* name : {"opencode", "aider", "gemini"}) {
        const auto& profile = *findAgent(builtinAgents(), name);
        auto launch = agentLaunch(profile, "go", false);
        auto before = launch.argv;
        addHookArgs(launch, profile.hooks, {kHook, "/s"});
        EXPECT_EQ(launch.argv, before) << name;
        EXPECT_EQ(hookSettings(profile.hooks, kHook), "") << name;
    }
}

const Argv kMcp = {"/opt/para work/parawork", "mcp", "--socket", "/run/it's/parawork.sock"};

TEST(McpOffer, ClaudeCodeGetsTheServerAsOneMcpConfigWordBeforeThePrompt) {
    const auto& claude = *findAgent(builtinAgents(), "claude-code");
    auto launch = agentLaunch(claude, "fix it", false);
    addMcpArgs(launch, claude, kMcp);
    ASSERT_EQ(launch.argv.size(), 3u);
    EXPECT_EQ(launch.argv[0], "claude");
    EXPECT_EQ(launch.argv[2], "fix it");  // still the prompt, not a second --mcp-config value
    EXPECT_EQ(launch.argv[1],
              R"(--mcp-config={"mcpServers": {"parawork": {"command": "/opt/para work/parawork", )"
              R"("args": ["mcp","--socket","/run/it's/parawork.sock"]}}})");
}

TEST(McpOffer, CodexGetsTheServerAsTwoConfigKeys) {
    const auto& codex = *findAgent(builtinAgents(), "codex");
    auto launch = agentLaunch(codex, "go", false);
    addMcpArgs(launch, codex, kMcp);
    EXPECT_EQ(
        launch.argv,
        (Argv{"codex", "-c", R"(mcp_servers.parawork.command="/opt/para work/parawork")", "-c",
              R"(mcp_servers.parawork.args=["mcp","--socket","/run/it's/parawork.sock"])", "go"}));
}

TEST(McpOffer, NoServerCommandOrNoWayToTakeItChangesNothing) {
    const auto& claude = *findAgent(builtinAgents(), "claude-code");
    auto launch = agentLaunch(claude, "go", false);
    addMcpArgs(launch, claude, {});  // mcp.offer_to_agents is off
    EXPECT_EQ(launch.argv, (Argv{"claude", "go"}));
    for (const char* name : {"opencode", "aider", "gemini"}) {
        const auto& profile = *findAgent(builtinAgents(), name);
        auto other = agentLaunch(profile, "go", false);
        auto before = other.argv;
        addMcpArgs(other, profile, kMcp);
        EXPECT_EQ(other.argv, before) << name;
    }
}

}  // namespace
}  // namespace parawork::core
