// Tools: found on a PATH the test controls (fake tools are shell scripts), their versions read
// with a timeout and cached, version hints from .nvmrc, .tool-versions and engines.
#include <gtest/gtest.h>

#include "deps/dependency_detector.hpp"
#include "deps/version_hints.hpp"
#include "deps_fixture.hpp"

namespace parawork::deps {
namespace {

using namespace std::chrono_literals;
using fixture::Workspace;

const ToolStatus* tool(const DependencyReport& report, const std::string& name) {
    for (const auto& t : report.tools)
        if (t.name == name) return &t;
    return nullptr;
}

TEST(DepsTools, FoundMissingAndVersionsOnAControlledPath) {
    Workspace ws;
    ws.write("package.json", R"({"engines":{"node":">=20","npm":"^9.1"}})");
    ws.write(".nvmrc", "18\n");
    ws.script("bin/node", "echo v18.19.0");
    ws.script("bin/npm", "echo 9.2.0");
    ToolVersions tools;
    DetectOptions options;
    options.pathVariable = (ws.root() / "bin").string();
    auto report = detectDependencies(ws.root(), options, tools);
    ASSERT_EQ(report.tools.size(), 3u);  // node, npm, git

    const auto* node = tool(report, "node");
    ASSERT_TRUE(node);
    EXPECT_TRUE(node->found);
    EXPECT_EQ(node->path, (ws.root() / "bin/node").string());
    EXPECT_EQ(node->version, "18.19.0");
    ASSERT_TRUE(node->hint);
    EXPECT_EQ(node->hint->wanted, "18");  // .nvmrc wins over engines
    EXPECT_EQ(node->hint->source, ".nvmrc");
    EXPECT_EQ(node->satisfied, true);

    const auto* npm = tool(report, "npm");
    ASSERT_TRUE(npm);
    EXPECT_EQ(npm->hint->source, "package.json engines");
    EXPECT_EQ(npm->satisfied, true);

    const auto* git = tool(report, "git");
    ASSERT_TRUE(git);
    EXPECT_FALSE(git->found);
    EXPECT_FALSE(git->version);
}

TEST(DepsTools, ToolVersionsPinWithAnUnmetVersion) {
    Workspace ws;
    ws.write("requirements.txt", "");
    ws.write(".tool-versions", "python 3.12.1\nnodejs 20.1.0 # comment\n");
    ws.script("bin/python3", "echo 'Python 3.11.2'");
    ToolVersions tools;
    DetectOptions options;
    options.pathVariable = (ws.root() / "bin").string();
    auto report = detectDependencies(ws.root(), options, tools);
    const auto* python = tool(report, "python3");
    ASSERT_TRUE(python);
    EXPECT_EQ(python->version, "3.11.2");
    EXPECT_EQ(python->hint->wanted, "3.12.1");
    EXPECT_EQ(python->hint->source, ".tool-versions");
    EXPECT_EQ(python->satisfied, false);
    EXPECT_FALSE(tool(report, "node"));  // not needed by any project
}

TEST(DepsTools, VersionsAreCachedPerPath) {
    Workspace ws;
    ws.script("bin/node", "echo v20.0.0");
    ToolVersions tools;
    auto path = (ws.root() / "bin").string();
    EXPECT_EQ(tools.probe("node", path).version, "20.0.0");
    EXPECT_EQ(tools.probe("node", path).version, "20.0.0");
    EXPECT_EQ(tools.commandsRun(), 1u);
    // A replaced binary is asked again.
    ws.script("bin/node", "echo v21.0.0");
    ws.age("bin/node", 5s);
    EXPECT_EQ(tools.probe("node", path).version, "21.0.0");
    EXPECT_EQ(tools.commandsRun(), 2u);
}

TEST(DepsTools, ATTLOfZeroAsksEveryTime) {
    Workspace ws;
    ws.script("bin/node", "echo v20.0.0");
    ToolVersions tools(0s);
    auto path = (ws.root() / "bin").string();
    tools.probe("node", path);
    tools.probe("node", path);
    EXPECT_EQ(tools.commandsRun(), 2u);
}

TEST(DepsTools, AHangingToolIsKilledAfterTheTimeout) {
    Workspace ws;
    ws.script("bin/node", "sleep 30");
    ToolVersions tools(600s, 200ms);
    auto status = tools.probe("node", (ws.root() / "bin").string());
    EXPECT_TRUE(status.found);
    EXPECT_FALSE(status.version);
    ASSERT_TRUE(status.problem);
    EXPECT_EQ(*status.problem, "`node --version` timed out after 200 ms");
}

TEST(DepsTools, AFailingToolSaysHowItFailed) {
    Workspace ws;
    ws.script("bin/go", "echo \"args: $*\"; exit 3");
    auto output = runVersionCommand(ws.root() / "bin/go", versionArguments("go"), 5s);
    EXPECT_FALSE(output.version);
    EXPECT_EQ(output.problem, "`go version` exited with 3");
    ws.script("bin/go", "echo \"go version go1.21.5 linux/amd64\"");
    EXPECT_EQ(runVersionCommand(ws.root() / "bin/go", {"version"}, 5s).version, "1.21.5");
}

TEST(DepsVersions, RangesInNpmForm) {
    EXPECT_EQ(versionSatisfies("v18.19.0", "18"), true);
    EXPECT_EQ(versionSatisfies("v18.19.0", "v18.19"), true);
    EXPECT_EQ(versionSatisfies("v18.19.0", "18.x"), true);
    EXPECT_EQ(versionSatisfies("v20.1.0", "18"), false);
    EXPECT_EQ(versionSatisfies("20.1.0", ">=18 <21"), true);
    EXPECT_EQ(versionSatisfies("21.0.0", ">=18 <21"), false);
    EXPECT_EQ(versionSatisfies("18.5.0", ">18"), false);
    EXPECT_EQ(versionSatisfies("19.0.0", ">18"), true);
    EXPECT_EQ(versionSatisfies("18.9.9", "<=18"), true);
    EXPECT_EQ(versionSatisfies("18.3.0", "^18.2"), true);
    EXPECT_EQ(versionSatisfies("19.0.0", "^18.2"), false);
    EXPECT_EQ(versionSatisfies("0.3.5", "^0.3.1"), true);
    EXPECT_EQ(versionSatisfies("0.4.0", "^0.3.1"), false);
    EXPECT_EQ(versionSatisfies("3.11.9", "~3.11"), true);
    EXPECT_EQ(versionSatisfies("3.12.0", "~3.11"), false);
    EXPECT_EQ(versionSatisfies("16.0.0", "^14 || ^16"), true);
    EXPECT_EQ(versionSatisfies("15.0.0", "^14 || ^16"), false);
    EXPECT_EQ(versionSatisfies("Python 3.11.2", "3.11"), true);
    EXPECT_EQ(versionSatisfies("18.0.0", "*"), true);
}

TEST(DepsVersions, WhatCannotBeUnderstoodIsNotGuessed) {
    EXPECT_EQ(versionSatisfies("18.0.0", "lts/*"), std::nullopt);
    EXPECT_EQ(versionSatisfies("18.0.0", "system"), std::nullopt);
    EXPECT_EQ(versionSatisfies("18.0.0", "16 - 18"), std::nullopt);
    EXPECT_EQ(versionSatisfies("18.0.0", ""), std::nullopt);
    EXPECT_EQ(versionSatisfies("no digits", "18"), std::nullopt);
}

TEST(DepsVersions, ExtractVersion) {
    EXPECT_EQ(extractVersion("go version go1.21.5 linux/amd64"), "1.21.5");
    EXPECT_EQ(extractVersion("openjdk version \"17.0.9\" 2023-10-17"), "17.0.9");
    EXPECT_EQ(extractVersion("pip 23.0.1 from /usr/lib (python 3.11)"), "23.0.1");
    EXPECT_EQ(extractVersion("none"), std::nullopt);
}

}  // namespace
}  // namespace parawork::deps
