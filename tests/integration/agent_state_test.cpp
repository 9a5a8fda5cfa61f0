// Agent state end to end (issue 19 §1–2), without hooks: the terminal layer (a notification, a
// spinner title), the screen layer against the real Claude Code's first screens, and quiet output,
// each seen in the session JSON as a real daemon tracks it. Hooks: agent_hooks_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <boost/json/serialize.hpp>

#include "support/git_repo.hpp"
#include "support/session_api.hpp"
#include "unit_support/temp_dir.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string str(const json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : std::string();
}

/// Waits until the session's activity has `state` (and `waitingFor` when given); returns it.
json::object waitActivity(SessionApi& api, const std::string& id, const std::string& state,
                          const std::string& waitingFor = "") {
    json::object last;
    bool reached = waitUntil(
        [&] {
            last = api.session(id).at("activity").as_object();
            return str(last.at("state")) == state &&
                   (waitingFor.empty() || str(last.at("waitingFor")) == waitingFor);
        },
        60s);
    EXPECT_TRUE(reached) << "still " << json::serialize(last) << ", not " << state << " "
                         << waitingFor;
    return last;
}

TEST(AgentState, ACommandStartsWorksWhileItPrintsAndIsIdleOnceQuiet) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    auto s = api.start(ws, {"sh", "-c", "read go; echo building; read more"});
    auto id = str(s.at("id"));
    EXPECT_EQ(s.at("activity").at("state"), "starting");
    api.call("POST", "/api/sessions/" + id + "/input", R"({"input":"x\r"})");
    auto working = waitActivity(api, id, "working");
    EXPECT_EQ(working.at("source"), "quiet");
    auto idle = waitActivity(api, id, "idle");
    EXPECT_EQ(idle.at("source"), "quiet");
    EXPECT_GE(idle.at("since").to_number<std::int64_t>(),
              working.at("since").to_number<std::int64_t>());
    api.call("POST", "/api/sessions/" + id + "/input", R"({"input":"y\r"})");
    api.waitEnded(id);
    auto ended = api.session(id).at("activity");
    EXPECT_EQ(ended.at("state"), "completed");
    EXPECT_EQ(ended.at("source"), "lifecycle");
}

TEST(AgentState, ANotificationWaitsWithItsTextUntilSomeoneTypes) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    auto s = api.start(ws, {"sh", "-c",
                            "printf 'plan ready\\n\\033]9;Approve the plan?\\007'; read answer; "
                            "echo \"got $answer\"; read more"});
    auto id = str(s.at("id"));
    auto waiting = waitActivity(api, id, "waiting", "input");
    EXPECT_EQ(waiting.at("reason"), "Approve the plan?");
    EXPECT_EQ(waiting.at("source"), "terminal");
    api.call("POST", "/api/sessions/" + id + "/input", R"({"input":"yes\r"})");
    api.waitOutput(id, "got yes");
    waitActivity(api, id, "idle");
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

TEST(AgentState, ASpinnerInTheTitleIsWorkingAndItsEndIdle) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    // The spinner title stays up while the program waits for input: the title, not the quiet
    // output, decides.
    auto s = api.start(ws, {"sh", "-c",
                            "printf '\\033]0;\\342\\240\\231 building\\007'; read a; "
                            "printf '\\033]0;done\\007'; read b"});
    auto id = str(s.at("id"));
    auto working = waitActivity(api, id, "working");
    EXPECT_EQ(working.at("source"), "terminal");
    api.call("POST", "/api/sessions/" + id + "/input", R"({"input":"x\r"})");
    auto idle = waitActivity(api, id, "idle");
    EXPECT_EQ(idle.at("source"), "terminal");
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

// The real Claude Code (tests/agents, installed by `make test`), with no network and no
// credentials, in a fresh HOME and repository: its trust dialog is waiting for permission;
// trusted, it says it is not logged in, which is waiting for a login — never "working".
TEST(AgentState, RealClaudeCodesTrustDialogThenLoginAreWaiting) {
    fs::path claude = fs::path(PARAWORK_TEST_AGENTS_BIN) / "claude";
    if (!fs::exists(claude)) GTEST_SKIP() << claude << " is missing: run make test-agents";
    TempDir home;
    std::ofstream(home.path() / ".claude.json") << R"({"hasCompletedOnboarding":true})";
    GitRepo repo;
    DaemonProcess daemon(DaemonProcess::Options{.env = {{"HOME", home.path().string()}}});
    SessionApi api(daemon);
    auto ws = api.createWorkspace(repo.path().string());
    auto s = api.start(ws, {claude.string()});
    auto id = str(s.at("id"));
    auto trust = waitActivity(api, id, "waiting", "permission");
    EXPECT_EQ(trust.at("source"), "screen");
    EXPECT_EQ(trust.at("reason"), "asks whether to trust this folder");
    api.call("POST", "/api/sessions/" + id + "/keys", R"({"keys":["Enter"]})");
    auto login = waitActivity(api, id, "waiting", "login");
    EXPECT_EQ(login.at("source"), "screen");
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

// Issue 21 §5: with mcp.offer_to_agents, the real Claude Code that parawork starts is given
// parawork's MCP server on its command line and connects to it as that session (its initialize
// is in the session's logs) — the person's own Claude configuration untouched. Claude gets as
// far as its prompt with a made-up API key it was told to accept, in a folder it trusts.
TEST(AgentState, RealClaudeCodeStartedByParaworkTakesItsMcpServer) {
    fs::path claude = fs::path(PARAWORK_TEST_AGENTS_BIN) / "claude";
    if (!fs::exists(claude)) GTEST_SKIP() << claude << " is missing: run make test-agents";
    TempDir home;
    GitRepo repo;
    const std::string key = "sk-ant-api03-parawork-test-key-not-real";
    json::object trusted{{"hasTrustDialogAccepted", true}};
    json::object config{{"hasCompletedOnboarding", true},
                        {"customApiKeyResponses",
                         {{"approved", json::array{json::value(key.substr(key.size() - 20))}},
                          {"rejected", json::array{}}}},
                        {"projects", {{repo.path().string(), trusted}}}};
    std::ofstream(home.path() / ".claude.json") << json::serialize(config);
    const char* path = std::getenv("PATH");
    DaemonProcess daemon(DaemonProcess::Options{
        .configToml = "[mcp]\noffer_to_agents = true\n",
        .env = {{"HOME", home.path().string()},
                {"ANTHROPIC_API_KEY", key},
                {"PATH", std::string(PARAWORK_TEST_AGENTS_BIN) + ":" + (path ? path : "")}}});
    SessionApi api(daemon);
    auto ws = api.createWorkspace(repo.path().string());
    auto started = api.call("POST", "/api/workspaces/" + ws + "/sessions",
                            R"({"agentType":"claude-code","initialPrompt":"hello"})");
    ASSERT_TRUE(started.at("success").as_bool()) << json::serialize(started);
    auto id = str(started.at("data").at("id"));
    std::string logs;
    bool connected = waitUntil(
        [&] {
            logs = json::serialize(api.call("GET", "/api/sessions/" + id + "/logs"));
            return logs.find(R"(mcp: initialize {\"name\":\"claude-code\")") != std::string::npos;
        },
        60s);
    EXPECT_TRUE(connected) << logs << "\n" << api.output(id);
    EXPECT_FALSE(fs::exists(home.path() / ".claude" / "settings.json"));  // nothing written there
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

}  // namespace
}  // namespace parawork::test
