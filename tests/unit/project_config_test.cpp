#include "project/project_config.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::project {
namespace {

std::string errorOf(const std::string& text) {
    try {
        parseProjectConfig(text, "parawork.toml");
    } catch (const core::Error& e) {
        return e.what();
    }
    return "";
}

TEST(ProjectConfig, ParsesEverySection) {
    auto c = parseProjectConfig(R"(
[worktree]
copy = [".env", "config/*.local.json"]

[env]
NODE_ENV = "development"
API_URL = "http://localhost:8000"

[run]
command = ["npm", "run", "dev"]
ports = [5173, 8000]

[limits]
memory = "2G"
cpu = "150%"
timeout = "2h"
pids = 512

[setup]
script = "npm ci\nnpm run build"
timeout = "10m"
)",
                                "parawork.toml");
    EXPECT_EQ(c.copy, (std::vector<std::string>{".env", "config/*.local.json"}));
    EXPECT_EQ(c.env.at("NODE_ENV"), "development");
    EXPECT_EQ(c.command, (std::vector<std::string>{"npm", "run", "dev"}));
    EXPECT_EQ(c.ports, (std::vector<int>{5173, 8000}));
    EXPECT_EQ(c.limits.memoryBytes, 2ull << 30);
    EXPECT_EQ(c.limits.cpuPercent, 150.0);
    EXPECT_EQ(c.limits.timeoutMs, 7'200'000);
    EXPECT_EQ(c.limits.pids, 512);
    EXPECT_EQ(c.setupScript, "npm ci\nnpm run build");
    EXPECT_EQ(c.setupTimeoutMs, 600'000);
    // The stored JSON form reads back the same.
    EXPECT_EQ(projectConfigFromJson(toJson(c)), c);
}

TEST(ProjectConfig, NumbersAreAcceptedWhereTheyMeanSomething) {
    auto c = parseProjectConfig("[limits]\ncpu = 1.5\ntimeout = 90\nmemory = 1048576\n", "x");
    EXPECT_EQ(c.limits.cpuPercent, 150.0);
    EXPECT_EQ(c.limits.timeoutMs, 90'000);
    EXPECT_EQ(c.limits.memoryBytes, 1u << 20);
}

TEST(ProjectConfig, ReviewMergeModeIsOneOfThree) {
    auto c = parseProjectConfig("[review]\nmerge_mode = \"squash\"\n", "parawork.toml");
    EXPECT_EQ(c.mergeMode, "squash");
    EXPECT_EQ(projectConfigFromJson(toJson(c)), c);
    EXPECT_NE(errorOf("[review]\nmerge_mode = \"rebase\"\n").find("review.merge_mode: expected"),
              std::string::npos);
    EXPECT_NE(errorOf("[review]\nmerge_mode = 1\n").find("expected a string"), std::string::npos);
}

TEST(ProjectConfig, EmptyFileIsAllDefaults) {
    EXPECT_EQ(parseProjectConfig("", "parawork.toml"), ProjectConfig{});
}

TEST(ProjectConfig, ErrorsNameLineColumnAndKey) {
    EXPECT_EQ(errorOf("[run]\ncommand = \"npm run dev\"\n"),
              "parawork.toml:2:11: run.command: expected an array of strings");
    EXPECT_NE(
        errorOf("[run]\ncomand = []\n").find("parawork.toml:2:1: run.comand: unknown setting"),
        std::string::npos);
    EXPECT_NE(errorOf("[deploy]\nx = 1\n").find("deploy: unknown section"), std::string::npos);
    EXPECT_NE(errorOf("[limits]\nmemory = \"lots\"\n").find("limits.memory: expected a size"),
              std::string::npos);
    EXPECT_NE(errorOf("[run]\nports = [0]\n").find("run.ports: expected a port number"),
              std::string::npos);
    EXPECT_NE(errorOf("[run]\ncommand = []\n").find("non-empty"), std::string::npos);
    EXPECT_NE(errorOf("[env]\n\"BAD NAME\" = \"x\"\n").find("env.BAD NAME"), std::string::npos);
    EXPECT_NE(errorOf("[env]\nX = 1\n").find("env.X: expected a string"), std::string::npos);
    EXPECT_NE(errorOf("[run\n").find("syntax error"), std::string::npos);
    EXPECT_NE(errorOf("run = 1\n").find("run: expected a section"), std::string::npos);
}

TEST(ProjectConfig, ReadsTheFileInADirectory) {
    test::TempDir temp("pw-project");
    const auto& dir = temp.path();
    EXPECT_FALSE(readProjectConfig(dir));
    std::ofstream(dir / "parawork.toml") << "[worktree]\ncopy = [\".env\"]\n";
    EXPECT_EQ(readProjectConfig(dir)->copy, std::vector<std::string>{".env"});
    std::ofstream(dir / "parawork.toml") << std::string(kMaxFileBytes + 1, '#');
    EXPECT_THROW(readProjectConfig(dir), core::Error);
}

}  // namespace
}  // namespace parawork::project
