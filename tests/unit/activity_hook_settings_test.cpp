// The settings file parawork writes for Claude Code, read as JSON (core has no JSON parser; the
// activity room, which reads hook events, has one).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/hook_install.hpp"

namespace parawork::core {
namespace {

using Argv = std::vector<std::string>;

const Argv kHook = {"/opt/para work/parawork", "hook", "--socket", "/run/it's/parawork.sock"};

TEST(HookSettings, ClaudeCodeSettingsRegisterTheHookForEveryEvent) {
    const auto& claude = *findAgent(builtinAgents(), "claude-code");
    auto settings = boost::json::parse(hookSettings(claude.hooks, kHook)).as_object();
    ASSERT_EQ(settings.size(), 1U);  // hooks and nothing else
    const auto& hooks = settings.at("hooks").as_object();
    for (const char* event :
         {"SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse",
          "Notification", "Stop", "StopFailure", "SubagentStop", "SessionEnd"}) {
        SCOPED_TRACE(event);
        const auto& group = hooks.at(event).as_array().at(0).as_object();
        const auto& hook = group.at("hooks").as_array().at(0).as_object();
        EXPECT_EQ(hook.at("type"), "command");
        EXPECT_EQ(hook.at("command").as_string(), shellCommandLine(kHook));
    }
    EXPECT_EQ(hooks.at("PreToolUse").as_array().at(0).at("matcher"), "*");
    EXPECT_FALSE(hooks.at("Stop").as_array().at(0).as_object().contains("matcher"));
}

}  // namespace
}  // namespace parawork::core
