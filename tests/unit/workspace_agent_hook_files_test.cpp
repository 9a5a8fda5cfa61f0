// AgentHookFiles: the hook args on an agent's argv and its settings file under the daemon's data
// directory, written once, mode 0600, and again only when its content changes.
#include "workspace/agent_hook_files.hpp"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/hook_install.hpp"
#include "unit_support/read_file.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::workspace {
namespace {

namespace fs = std::filesystem;
using Argv = std::vector<std::string>;

const Argv kHook = {"/usr/bin/parawork", "hook", "--socket", "/run/parawork.sock"};

const core::AgentProfile& agent(const char* name) {
    return *core::findAgent(core::builtinAgents(), name);
}

struct stat statOf(const fs::path& file) {
    struct stat st {};
    EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
    return st;
}

class AgentHookFilesTest : public ::testing::Test {
  protected:
    test::TempDir dir_;
    fs::path hooksDir_ = dir_.path() / "data" / "agent-hooks";
};

TEST_F(AgentHookFilesTest, ClaudeCodeStartsWithItsOwnSettingsFile) {
    AgentHookFiles files(kHook, hooksDir_);
    auto launch = core::agentLaunch(agent("claude-code"), "fix it", false);
    files.install(agent("claude-code"), launch);
    auto settings = hooksDir_ / "claude-code.json";
    EXPECT_EQ(launch.argv, (Argv{"claude", "--settings", settings.string(), "fix it"}));
    EXPECT_EQ(test::readFile(settings), core::hookSettings(agent("claude-code").hooks, kHook));
    EXPECT_EQ(statOf(settings).st_mode & 0777, 0600U);
    EXPECT_EQ(statOf(hooksDir_).st_mode & 0777, 0700U);
}

TEST_F(AgentHookFilesTest, TheFileIsRewrittenOnlyWhenItsContentChanges) {
    auto settings = hooksDir_ / "claude-code.json";
    core::AgentLaunch launch;
    AgentHookFiles(kHook, hooksDir_).install(agent("claude-code"), launch);
    auto first = statOf(settings).st_ino;
    AgentHookFiles(kHook, hooksDir_).install(agent("claude-code"), launch);
    EXPECT_EQ(statOf(settings).st_ino, first);  // the same file: not written again
    // A daemon started from another binary writes the new path (a new file, renamed in).
    Argv moved = {"/opt/parawork", "hook", "--socket", "/run/parawork.sock"};
    AgentHookFiles(moved, hooksDir_).install(agent("claude-code"), launch);
    EXPECT_NE(statOf(settings).st_ino, first);
    EXPECT_EQ(test::readFile(settings), core::hookSettings(agent("claude-code").hooks, moved));
    ::chmod(settings.c_str(), 0644);
    fs::resize_file(settings, 3);  // damaged: rewritten, and 0600 again
    AgentHookFiles(moved, hooksDir_).install(agent("claude-code"), launch);
    EXPECT_EQ(test::readFile(settings), core::hookSettings(agent("claude-code").hooks, moved));
    EXPECT_EQ(statOf(settings).st_mode & 0777, 0600U);
}

TEST_F(AgentHookFilesTest, CodexNeedsNoFile) {
    AgentHookFiles files(kHook, hooksDir_);
    auto launch = core::agentLaunch(agent("codex"), "go", false);
    files.install(agent("codex"), launch);
    EXPECT_EQ(launch.argv, (Argv{"codex", "-c",
                                 R"(notify=["/usr/bin/parawork","hook","--socket",)"
                                 R"("/run/parawork.sock"])",
                                 "go"}));
    EXPECT_FALSE(fs::exists(hooksDir_));
}

TEST_F(AgentHookFilesTest, NoHookCommandOrNoHooksChangeNothing) {
    auto launch = core::agentLaunch(agent("claude-code"), "go", false);
    AgentHookFiles({}, hooksDir_).install(agent("claude-code"), launch);
    EXPECT_EQ(launch.argv, (Argv{"claude", "go"}));
    auto aider = core::agentLaunch(agent("gemini"), "go", false);
    AgentHookFiles(kHook, hooksDir_).install(agent("gemini"), aider);
    EXPECT_EQ(aider.argv, (Argv{"gemini", "--prompt-interactive", "go"}));
    EXPECT_FALSE(fs::exists(hooksDir_));
}

TEST_F(AgentHookFilesTest, ASettingsFileThatCannotBeWrittenIsAnErrorAndAddsNoArgs) {
    std::ofstream(dir_.path() / "data") << "a file where the directory should be";
    auto launch = core::agentLaunch(agent("claude-code"), "go", false);
    EXPECT_THROW(AgentHookFiles(kHook, hooksDir_).install(agent("claude-code"), launch),
                 core::Error);
    EXPECT_EQ(launch.argv, (Argv{"claude", "go"}));
}

}  // namespace
}  // namespace parawork::workspace
