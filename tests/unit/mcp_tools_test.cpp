// parawork's MCP tools over the real services (a real SQLite store, a real git repository, real
// session hosts): the listing, the workspace lifecycle, a command session read and waited for,
// and the refusals (unknown workspace, a confined caller reaching elsewhere).
#include <gtest/gtest.h>

#include "git_fixture.hpp"
#include "mcp/call_history.hpp"
#include "mcp/tools/parawork_tools.hpp"
#include "mcp_fixture.hpp"
#include "store/agent_logs.hpp"
#include "store/repositories.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::mcp {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::modernCall;
using test::request;

class McpToolsTest : public store::fixture::StoreTest {
  protected:
    McpToolsTest() {
        auto repo = store::fixture::makeRepository("r1", "repo");
        repo.path = repo_.string();
        store::insertRepository(db_, repo);
        sessions_.addObserver(changes_);
    }
    ~McpToolsTest() override {
        sessions_.shutdown();
        ports_.stop();
    }

    session::ServiceConfig sessionConfig() {
        session::ServiceConfig c;
        c.sessionsDir = dir_.path() / "sessions";
        fs::create_directories(c.sessionsDir);
        c.hostBinary = PARAWORK_TEST_HOST_BIN;
        c.stopGrace = std::chrono::milliseconds(2000);
        return c;
    }
    workspace::WorkspaceConfig workspaceConfig() {
        workspace::WorkspaceConfig c;
        c.worktreeBase = sandbox_ / "worktrees";
        c.roots.dirs = {sandbox_.path()};
        return c;
    }
    McpServer& server(bool confine = false) {
        if (!server_) {
            server_.emplace();
            addParaworkTools(*server_,
                             ToolServices{db_, sessions_, workspaces_, ports_, deps_, comments_,
                                          checkpoints_, branches_, exec_, changes_, confine});
            server_->setCallObserver(sessionHistory(db_));
        }
        return *server_;
    }

    /// tools/call `tool` as `callerSession` (none: a person's client); the call's result.
    json::object call(std::string_view tool, json::object arguments,
                      std::optional<std::string> callerSession = std::nullopt) {
        McpConnection connection;
        CallerInfo caller{.sessionId = std::move(callerSession), .scope = "test"};
        auto answer = server().handle(request(1, "tools/call", modernCall(tool, arguments)),
                                      connection, caller, [](std::string_view) {});
        auto parsed = json::parse(*answer.body).as_object();
        EXPECT_TRUE(parsed.contains("result")) << *answer.body;
        return parsed["result"].as_object();
    }
    static std::string errorText(const json::object& result) {
        EXPECT_TRUE(result.contains("isError")) << json::serialize(result);
        return std::string(result.at("content").at(0).at("text").as_string());
    }
    static json::object structured(const json::object& result) {
        EXPECT_FALSE(result.contains("isError")) << json::serialize(result);
        return result.at("structuredContent").as_object();
    }
    std::string createWorkspace(const std::string& name) {
        auto made = structured(call("workspace_create", {{"repository", "r1"}, {"name", name}}));
        return std::string(made.at("workspace").at("id").as_string());
    }

    git::testing::Sandbox sandbox_;
    fs::path repo_ = git::testing::makeRepo(sandbox_ / "repo");
    session::SessionChanges changes_;
    session::SessionService sessions_{db_, sessionConfig(), {}};
    workspace::WorkspaceService workspaces_{db_, sessions_, workspaceConfig()};
    ports::PortService ports_{db_, {}, {}};
    deps::DependencyService deps_{db_, {}, {}};
    review::CommentService comments_{db_, {}};
    review::CheckpointService checkpoints_{db_, {}};
    review::BranchService branches_{db_, workspaces_, {}};
    session::ExecRunner exec_{db_, 2, {}};
    std::optional<McpServer> server_;
};

TEST_F(McpToolsTest, ListsEveryToolInNameOrderWithItsSchemas) {
    McpConnection connection;
    auto answer = server().handle(request(1, "tools/list", {{"_meta", test::modernMeta()}}),
                                  connection, {}, [](std::string_view) {});
    auto tools = json::parse(*answer.body).at("result").at("tools").as_array();
    std::vector<std::string> names;
    for (const auto& tool : tools) {
        names.emplace_back(tool.at("name").as_string());
        EXPECT_EQ(tool.at("inputSchema").at("type"), "object") << names.back();
        EXPECT_EQ(tool.at("outputSchema").at("type"), "object") << names.back();
        EXPECT_FALSE(tool.at("description").as_string().empty()) << names.back();
    }
    std::vector<std::string> expected{"branch_status",
                                      "checkpoint_create",
                                      "commit",
                                      "dependencies",
                                      "diff",
                                      "exec",
                                      "merge",
                                      "ports_list",
                                      "review_comment_add",
                                      "review_comments",
                                      "session_list",
                                      "session_output",
                                      "session_run",
                                      "session_screen",
                                      "session_send",
                                      "session_stop",
                                      "session_wait",
                                      "workspace_create",
                                      "workspace_delete",
                                      "workspace_list"};
    EXPECT_EQ(names, expected);
}

TEST_F(McpToolsTest, WorkspacesAreCreatedListedAndDeleted) {
    auto made = structured(
        call("workspace_create", {{"repository", repo_.string()}, {"name", "Fix login"}}));
    auto id = std::string(made.at("workspace").at("id").as_string());
    EXPECT_EQ(made.at("workspace").at("gitWorktree").at("branchName"), "parawork/fix-login");
    EXPECT_TRUE(fs::exists(std::string(made.at("workspace").at("path").as_string())));

    auto listed = structured(call("workspace_list", {})).at("workspaces").as_array();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].at("id").as_string(), id);

    EXPECT_EQ(structured(call("workspace_delete", {{"workspaceId", id}})).at("deleted"), true);
    EXPECT_TRUE(structured(call("workspace_list", {})).at("workspaces").as_array().empty());
    EXPECT_EQ(errorText(call("workspace_delete", {{"workspaceId", id}})), "Workspace not found");
}

TEST_F(McpToolsTest, RefusalsAreToolErrorsWithTheServicesMessage) {
    EXPECT_EQ(errorText(call("diff", {{"workspaceId", "nope"}})), "Workspace not found");
    EXPECT_EQ(errorText(call("session_run", {{"workspaceId", "nope"}, {"command", {"true"}}})),
              "Workspace not found");
    EXPECT_EQ(errorText(call("session_output", {{"sessionId", "nope"}})), "Session not found");
    EXPECT_EQ(
        errorText(call("workspace_create", {{"repository", "/not/registered"}, {"name", "x"}})),
        "Repository not found: /not/registered (give the id or path of a registered "
        "repository)");
    auto ws = createWorkspace("plain");
    EXPECT_EQ(errorText(call("session_run", {{"workspaceId", ws}})),
              "Give a command (argv) or an agentType");
    EXPECT_EQ(errorText(call("session_run",
                             {{"workspaceId", ws}, {"command", {"true"}}, {"env", {"NOEQUALS"}}})),
              "env: expected NAME=value, got \"NOEQUALS\"");
    EXPECT_EQ(errorText(call("session_wait", {{"sessionId", "nope"}, {"until", "port"}})),
              "Session not found");
    EXPECT_TRUE(store::listSessionsByWorkspace(db_, ws).empty());  // nothing started
}

TEST_F(McpToolsTest, AConfinedCallerReachesOnlyItsOwnWorkspace) {
    server(true);
    auto mine = createWorkspace("mine");
    auto other = createWorkspace("other");
    store::insertSession(
        db_, store::fixture::makeSession("caller", mine, core::SessionStatus::Running, 1));
    EXPECT_EQ(
        errorText(call("session_run", {{"workspaceId", other}, {"command", {"true"}}}, "caller")),
        "Workspace " + other + " is outside this session's workspace");
    EXPECT_TRUE(store::listSessionsByWorkspace(db_, other).empty());  // nothing started
    EXPECT_EQ(errorText(call("workspace_delete", {{"workspaceId", other}}, "caller")),
              "Workspace " + other + " is outside this session's workspace");
    EXPECT_EQ(errorText(call("workspace_create", {{"repository", "r1"}, {"name", "x"}}, "caller")),
              "Creating a workspace is outside this session's workspace");
    auto listed = structured(call("workspace_list", {}, "caller")).at("workspaces").as_array();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].at("id").as_string(), mine);
    // A person's client (no calling session) reaches everything.
    EXPECT_EQ(structured(call("workspace_list", {})).at("workspaces").as_array().size(), 2u);
}

TEST_F(McpToolsTest, ACommandSessionIsRunReadWaitedForAndStopped) {
    auto ws = createWorkspace("runs");
    auto run = structured(call("session_run", {{"workspaceId", ws},
                                               {"command", {"sh", "-c", "echo hello-$GREETING"}},
                                               {"env", {"GREETING=mcp"}}}));
    auto id = std::string(run.at("session").at("id").as_string());
    auto waited = structured(
        call("session_wait", {{"sessionId", id}, {"until", "ended"}, {"timeoutMs", 20000}}));
    EXPECT_EQ(waited.at("reached"), true);
    EXPECT_EQ(waited.at("timedOut"), false);
    EXPECT_EQ(waited.at("session").at("status"), "completed");

    json::object output;
    ASSERT_TRUE(parawork::test::waitUntil([&] {
        output = structured(call("session_output", {{"sessionId", id}}));
        return output.at("ended").as_bool();
    }));
    EXPECT_NE(output.at("text").as_string().find("hello-mcp"), json::string::npos);
    auto next = output.at("nextOffset").as_int64();
    auto rest = structured(call("session_output", {{"sessionId", id}, {"offset", next}}));
    EXPECT_EQ(rest.at("text"), "");
    // Waiting past the end of an ended session answers at once: nothing more will come.
    auto atEnd = structured(
        call("session_output", {{"sessionId", id}, {"offset", next}, {"waitMs", 60000}}));
    EXPECT_EQ(atEnd.at("ended"), true);

    // waitMs: one call returns output printed after it was made.
    auto late = structured(call(
        "session_run", {{"workspaceId", ws}, {"command", {"sh", "-c", "sleep 0.2; echo late"}}}));
    auto lateId = std::string(late.at("session").at("id").as_string());
    auto waitedOut = structured(
        call("session_output", {{"sessionId", lateId}, {"offset", 0}, {"waitMs", 60000}}));
    EXPECT_NE(waitedOut.at("text").as_string().find("late"), json::string::npos);
    EXPECT_EQ(errorText(call("session_stop", {{"sessionId", id}})),
              "Session already ended (completed)");

    auto sleeper =
        structured(call("session_run", {{"workspaceId", ws}, {"command", {"sleep", "60"}}}));
    auto sleeperId = std::string(sleeper.at("session").at("id").as_string());
    auto early = structured(
        call("session_wait", {{"sessionId", sleeperId}, {"until", "ended"}, {"timeoutMs", 0}}));
    EXPECT_EQ(early.at("timedOut"), true);  // a timeout is a result
    EXPECT_EQ(structured(call("session_stop", {{"sessionId", sleeperId}})).at("session").at("id"),
              json::value(sleeperId));
    auto ended = structured(
        call("session_wait", {{"sessionId", sleeperId}, {"until", "ended"}, {"timeoutMs", 20000}}));
    EXPECT_EQ(ended.at("reached"), true);
}

TEST_F(McpToolsTest, ASessionStartedFromASessionRecordsItAsItsParent) {
    auto ws = createWorkspace("family");
    store::insertSession(
        db_, store::fixture::makeSession("caller", ws, core::SessionStatus::Running, 1));
    auto child =
        structured(call("session_run", {{"workspaceId", ws}, {"command", {"true"}}}, "caller"));
    EXPECT_EQ(child.at("session").at("parentSessionId"), "caller");
    auto id = std::string(child.at("session").at("id").as_string());
    EXPECT_EQ(store::findSession(db_, id)->parentSessionId, "caller");
    auto orphan = structured(call("session_run", {{"workspaceId", ws}, {"command", {"true"}}}));
    EXPECT_TRUE(orphan.at("session").at("parentSessionId").is_null());
    for (const auto& run : {id, std::string(orphan.at("session").at("id").as_string())})
        structured(
            call("session_wait", {{"sessionId", run}, {"until", "ended"}, {"timeoutMs", 20000}}));
}

// Issue 21 §4: every call an agent makes from a session is in that session's logs, failed ones
// as warnings; a person's calls (no session) are in no session's.
TEST_F(McpToolsTest, ACallersCallsAreInItsSessionsLogs) {
    auto ws = createWorkspace("history");
    store::insertSession(db_,
                         store::fixture::makeSession("agent", ws, core::SessionStatus::Running, 1));
    call("workspace_list", {}, "agent");
    call("session_stop", {{"sessionId", "no-such-session"}}, "agent");
    call("workspace_list", {});
    auto logs = store::listAgentLogsBySession(db_, "agent");  // newest first
    ASSERT_EQ(logs.size(), 2u);
    EXPECT_TRUE(logs[1].message.starts_with("mcp: workspace_list {} → ok (")) << logs[1].message;
    EXPECT_EQ(logs[1].level, core::LogLevel::Info);
    EXPECT_TRUE(logs[0].message.starts_with(
        R"(mcp: session_stop {"sessionId":"no-such-session"} → error ()"))
        << logs[0].message;
    EXPECT_EQ(logs[0].level, core::LogLevel::Warning);
}

// An agent given the server (mcp.offer_to_agents) shows in its logs that it took it.
TEST_F(McpToolsTest, AClientsInitializeIsInItsSessionsLogs) {
    auto ws = createWorkspace("connect");
    store::insertSession(db_,
                         store::fixture::makeSession("agent", ws, core::SessionStatus::Running, 1));
    McpConnection connection;
    CallerInfo caller{.sessionId = "agent", .scope = "test"};
    auto answer = server().handle(
        request(1, "initialize",
                {{"protocolVersion", "2025-11-25"},
                 {"capabilities", json::object{}},
                 {"clientInfo", {{"name", "claude-code"}, {"version", "2.1.197"}}}}),
        connection, caller, [](std::string_view) {});
    ASSERT_TRUE(answer.initialized) << answer.body.value_or("");
    auto logs = store::listAgentLogsBySession(db_, "agent");
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_TRUE(logs[0].message.starts_with(
        R"(mcp: initialize {"name":"claude-code","version":"2.1.197"} → ok ()"))
        << logs[0].message;
    McpConnection again;  // a person's client: in no session's logs
    server().handle(request(2, "initialize", {{"protocolVersion", "2025-11-25"}}), again,
                    CallerInfo{.scope = "test"}, [](std::string_view) {});
    EXPECT_EQ(store::listAgentLogsBySession(db_, "agent").size(), 1u);
}

TEST_F(McpToolsTest, TextAndKeysReachTheScreen) {
    auto ws = createWorkspace("typing");
    auto run = structured(call("session_run", {{"workspaceId", ws}, {"command", {"cat"}}}));
    auto id = std::string(run.at("session").at("id").as_string());
    ASSERT_TRUE(parawork::test::waitUntil(
        [&] { return store::findSession(db_, id)->status == core::SessionStatus::Running; }));
    EXPECT_EQ(structured(call("session_send",
                              {{"sessionId", id}, {"text", "typed-by-mcp"}, {"keys", {"Enter"}}}))
                  .at("sent"),
              true);
    json::object screen;
    ASSERT_TRUE(parawork::test::waitUntil([&] {
        screen = structured(call("session_screen", {{"sessionId", id}}));
        return screen.at("text").as_string().find("typed-by-mcp") != json::string::npos;
    }));
    EXPECT_FALSE(screen.at("lines").as_array().empty());
    EXPECT_EQ(errorText(call("session_send", {{"sessionId", id}})), "Give text or keys");
    EXPECT_EQ(
        errorText(call("session_send", {{"sessionId", id}, {"keys", {"C-nosuchkey"}}})).empty(),
        false);
    structured(call("session_stop", {{"sessionId", id}}));
    structured(call("session_wait", {{"sessionId", id}, {"until", "ended"}, {"timeoutMs", 20000}}));
}

TEST_F(McpToolsTest, TheReviewAndInspectionToolsAnswerTheirDeclaredShapes) {
    auto ws = createWorkspace("review");
    auto dir = fs::path(std::string(store::findWorkspace(db_, ws)->path));
    git::testing::writeFile(dir / "new.txt", "one\ntwo\n");
    auto diff = structured(call("diff", {{"workspaceId", ws}}));
    ASSERT_EQ(diff.at("files").as_array().size(), 1u);
    EXPECT_EQ(diff.at("files").at(0).at("path"), "new.txt");
    EXPECT_EQ(errorText(call("diff", {{"workspaceId", ws}, {"path", "../x"}})),
              "path: '..' is not allowed");

    auto comment = structured(
        call("review_comment_add",
             {{"workspaceId", ws}, {"path", "new.txt"}, {"line", 1}, {"body", "Why one?"}}));
    EXPECT_EQ(comment.at("comment").at("body"), "Why one?");
    EXPECT_EQ(structured(call("review_comments", {{"workspaceId", ws}, {"state", "open"}}))
                  .at("comments")
                  .as_array()
                  .size(),
              1u);
    EXPECT_EQ(structured(call("checkpoint_create", {{"workspaceId", ws}, {"label", "before"}}))
                  .at("created"),
              true);
    auto committed = structured(call("commit", {{"workspaceId", ws}, {"message", "Add new.txt"}}));
    EXPECT_EQ(committed.at("asked"), false);
    EXPECT_EQ(committed.at("files"), 1);
    auto status = structured(call("branch_status", {{"workspaceId", ws}})).at("status");
    EXPECT_EQ(status.at("ahead"), 1);
    auto merged = structured(call("merge", {{"workspaceId", ws}, {"mode", "ff"}}));
    EXPECT_EQ(merged.at("base"), "main");
    EXPECT_EQ(git::testing::git(repo_, {"log", "-1", "--format=%s", "main"}), "Add new.txt\n");

    EXPECT_TRUE(structured(call("ports_list", {})).at("ports").as_array().empty());
    EXPECT_TRUE(structured(call("dependencies", {{"workspaceId", ws}})).at("report").is_object());
}

// The route answers a conflict with its files in JSON; the tool's error text names them.
TEST_F(McpToolsTest, AMergeConflictNamesItsFiles) {
    auto ws = createWorkspace("conflict");
    auto dir = fs::path(std::string(store::findWorkspace(db_, ws)->path));
    git::testing::writeFile(dir / "same.txt", "the workspace's\n");
    structured(call("commit", {{"workspaceId", ws}, {"message", "workspace side"}}));
    git::testing::writeFile(repo_ / "same.txt", "main's\n");
    git::testing::commitAll(repo_, "main side");
    auto text = errorText(call("merge", {{"workspaceId", ws}, {"mode", "merge"}}));
    EXPECT_NE(text.find("Conflicted files: same.txt"), std::string::npos) << text;
    EXPECT_EQ(git::testing::git(repo_, {"log", "-1", "--format=%s", "main"}), "main side\n");
}

TEST_F(McpToolsTest, ExecRunsACommandInTheWorkspace) {
    auto ws = createWorkspace("exec");
    auto result =
        structured(call("exec", {{"workspaceId", ws}, {"command", {"sh", "-c", "pwd; exit 3"}}}));
    EXPECT_EQ(result.at("exitCode"), 3);
    EXPECT_NE(result.at("stdout").as_string().find("exec"), json::string::npos);
    EXPECT_EQ(errorText(call("exec", {{"command", {"true"}}})),
              "Give either workspaceId or sessionId");
}

}  // namespace
}  // namespace parawork::mcp
