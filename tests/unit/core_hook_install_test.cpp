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

}  // namespace
}  // namespace parawork::core
