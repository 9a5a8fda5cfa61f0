// Repositories and workspaces on git worktrees (issue: repositories and workspaces), end to end:
// a real daemon, real git repositories in temporary directories, real worktrees and agents.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "files/path_rules.hpp"
#include "support/git_repo.hpp"
#include "support/session_api.hpp"

namespace parawork::test {
namespace {

/// The refusal of a path outside the roots, with its hint.
const std::string kOutside(files::kOutsideRoots);

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

std::string body(const json::object& o) {
    return json::serialize(o);
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

struct Fixture {
    DaemonProcess daemon;
    SessionApi api{daemon};

    explicit Fixture(DaemonProcess::Options options = {}) : daemon(std::move(options)) {}

    json::value call(const std::string& method, const std::string& target, const json::object& o,
                     unsigned* status = nullptr) {
        return api.call(method, target, body(o), status);
    }
    json::object addRepository(const GitRepo& repo, const std::string& name = "project") {
        unsigned status = 0;
        auto res = call("POST", "/api/repositories",
                        {{"name", name}, {"path", repo.path().string()}}, &status);
        EXPECT_EQ(status, 201u) << json::serialize(res);
        return res.at("data").as_object();
    }
    json::value createWorkspace(json::object request, unsigned* status) {
        return call("POST", "/api/workspaces", request, status);
    }
};

TEST(Repositories, RegisterReadsDefaultBranchAndOrigin) {
    Fixture f;
    GitRepo repo("alpha", true);
    auto r = f.addRepository(repo, "alpha");
    EXPECT_EQ(r.at("defaultBranch"), "main");
    EXPECT_EQ(str(r.at("remoteUrl")), (repo.base() / "origin.git").string());
    EXPECT_EQ(str(r.at("path")), fs::canonical(repo.path()).string());

    GitRepo local("beta");
    auto l = f.addRepository(local, "Beta");
    EXPECT_TRUE(l.at("remoteUrl").is_null());

    // Binary collation: "Beta" before "alpha".
    auto list = f.api.call("GET", "/api/repositories").at("data").as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("name"), "Beta");

    unsigned status = 0;
    auto dup = f.call("POST", "/api/repositories",
                      {{"name", "again"}, {"path", repo.path().string()}}, &status);
    EXPECT_EQ(status, 409u);
    EXPECT_EQ(dup.at("error"), "Repository already added");
    // The same directory through a trailing slash is the same repository.
    f.call("POST", "/api/repositories", {{"name", "x"}, {"path", repo.path().string() + "/"}},
           &status);
    EXPECT_EQ(status, 409u);
}

TEST(Repositories, BadPathsAreRefusedClearly) {
    Fixture f;
    TempDir plain("pw-plain");
    struct Case {
        std::string path;
        unsigned status;
        std::string error;
    };
    std::vector<Case> cases = {
        {plain.path().string(), 400, "Selected directory is not a git repository"},
        {"relative/dir", 400, "Invalid path: Path must be absolute (start with /)"},
        {plain.path().string() + "/../x", 400, "Invalid path: Path traversal not allowed"},
        {plain.path().string() + "/missing", 400, "Invalid path: Path does not exist"},
        {"/etc", 400, "Invalid path: System directories are not allowed"},
        // The daemon's own user (the unix socket) may use any directory: "/" is merely no
        // repository. Over TCP it is outside the roots (below).
        {"/", 400, "Selected directory is not a git repository"},
    };
    for (const auto& c : cases) {
        unsigned status = 0;
        auto res = f.call("POST", "/api/repositories", {{"name", "x"}, {"path", c.path}}, &status);
        EXPECT_EQ(status, c.status) << c.path;
        EXPECT_EQ(str(res.at("error")), c.error) << c.path;
    }
    unsigned status = 0;
    f.call("POST", "/api/repositories", {{"name", ""}, {"path", "/tmp"}}, &status);
    EXPECT_EQ(status, 400u);
    f.api.call("POST", "/api/repositories", "{\"name\":\"x\",\"path\":", &status);
    EXPECT_EQ(status, 400u);  // malformed JSON: 400, not the original's 500
}

TEST(Repositories, GetPatchDeleteAndTheirWorkspaces) {
    Fixture f;
    GitRepo repo("gamma");
    auto r = f.addRepository(repo);
    auto id = str(r.at("id"));
    unsigned status = 0;
    EXPECT_EQ(f.api.call("GET", "/api/repositories/" + id).at("data").at("name"), "project");
    f.api.call("GET", "/api/repositories/00000000-0000-4000-8000-000000000000", {}, &status);
    EXPECT_EQ(status, 404u);

    auto patched = f.call("PATCH", "/api/repositories/" + id,
                          {{"name", "renamed"}, {"remoteUrl", nullptr}}, &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(patched.at("data").at("name"), "renamed");
    auto bad = f.call("PATCH", "/api/repositories/" + id,
                      {{"defaultBranch", "--upload-pack=touch /tmp/pwned"}}, &status);
    EXPECT_EQ(status, 400u);
    f.call("PATCH", "/api/repositories/00000000-0000-4000-8000-000000000000", {}, &status);
    EXPECT_EQ(status, 404u);

    auto ws = f.createWorkspace(
        {{"name", "one"}, {"path", repo.path().string()}, {"repositoryId", id}}, &status);
    ASSERT_EQ(status, 201u) << json::serialize(ws);
    auto list = f.api.call("GET", "/api/repositories/" + id + "/workspaces").at("data").as_array();
    ASSERT_EQ(list.size(), 1u);
    auto branches =
        f.api.call("GET", "/api/repositories/" + id + "/branches").at("data").at("branches");
    EXPECT_EQ(branches.as_array().size(), 2u);  // main and parawork/one

    // The list answer is cached until the database changes: every change shows at once.
    auto listed = f.api.call("GET", "/api/workspaces").at("data").as_array();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(str(listed[0].at("repositoryId")), id);
    f.call("PATCH", "/api/workspaces/" + str(ws.at("data").at("id")), {{"name", "renamed ws"}});
    EXPECT_EQ(f.api.call("GET", "/api/workspaces").at("data").as_array()[0].at("name"),
              "renamed ws");
    auto removed = f.api.call("DELETE", "/api/repositories/" + id, {}, &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(json::serialize(removed), R"({"success":true})");
    f.api.call("DELETE", "/api/repositories/" + id, {}, &status);
    EXPECT_EQ(status, 404u);
    // Its workspace stays, standalone (also in the list: a foreign-key action is a change too),
    // with its worktree.
    EXPECT_TRUE(
        f.api.call("GET", "/api/workspaces").at("data").as_array()[0].at("repositoryId").is_null());
    auto kept = f.api.call("GET", "/api/workspaces/" + str(ws.at("data").at("id"))).at("data");
    EXPECT_TRUE(kept.at("repositoryId").is_null());
    EXPECT_TRUE(fs::exists(str(kept.at("path"))));
}

TEST(Workspaces, WorktreeOnANewBranchFromOriginWithCopiedFiles) {
    Fixture f;
    GitRepo repo("delta", true);
    repo.write("parawork.toml",
               "[worktree]\ncopy = [\".env\"]\n[env]\nMODE = \"dev\"\n[run]\nports = [5173]\n");
    repo.write(".worktreeinclude", "config/local.json\n");
    repo.write(".gitignore", ".env\nconfig/local.json\n");
    repo.commit("parawork settings");
    repo.write(".env", "SECRET=1\n");
    repo.write("config/local.json", "{}\n");
    auto r = f.addRepository(repo);
    unsigned status = 0;
    auto res = f.createWorkspace({{"name", "My Feature!"},
                                  {"path", repo.path().string()},
                                  {"agentType", "claude-code"},
                                  {"repositoryId", r.at("id")}},
                                 &status);
    ASSERT_EQ(status, 201u) << json::serialize(res);
    auto ws = res.at("data").as_object();
    auto g = ws.at("gitWorktree").as_object();
    EXPECT_EQ(g.at("branchName"), "parawork/my-feature");
    EXPECT_EQ(g.at("baseBranch"), "origin/main");
    EXPECT_EQ(str(g.at("baseRepoPath")), fs::canonical(repo.path()).string());
    fs::path path = str(ws.at("path"));
    EXPECT_EQ(path, fs::path(str(g.at("worktreePath"))));
    EXPECT_EQ(path.parent_path().parent_path(), fs::canonical(f.daemon.home() / "workspaces"));
    EXPECT_EQ(path.filename(), "my-feature");
    EXPECT_TRUE(fs::exists(path / "README.md"));
    EXPECT_TRUE(fs::exists(path / ".env"));               // parawork.toml [worktree] copy
    EXPECT_TRUE(fs::exists(path / "config/local.json"));  // .worktreeinclude
    EXPECT_EQ(ws.at("status"), "idle");
    EXPECT_EQ(ws.at("agentType"), "claude-code");
    EXPECT_EQ(ws.at("projectConfig").at("env").at("MODE"), "dev");
    EXPECT_EQ(ws.at("projectConfig").at("ports").as_array().size(), 1u);
    EXPECT_TRUE(contains(repo.branches(), "parawork/my-feature"));
    EXPECT_NE(git(repo.path(), {"worktree", "list"}).find(path.string()), std::string::npos);

    // The same name again is refused (issue 17 §7: `-w NAME` must name one workspace); another
    // name with the same slug gets a new branch and directory with a suffix, never the same
    // checkout.
    f.createWorkspace(
        {{"name", "My Feature!"}, {"path", repo.path().string()}, {"repositoryId", r.at("id")}},
        &status);
    EXPECT_EQ(status, 409u);
    auto again = f.createWorkspace(
        {{"name", "My Feature?"}, {"path", repo.path().string()}, {"repositoryId", r.at("id")}},
        &status);
    ASSERT_EQ(status, 201u);
    EXPECT_EQ(again.at("data").at("gitWorktree").at("branchName"), "parawork/my-feature-2");
    EXPECT_NE(again.at("data").at("path"), ws.at("path"));
}

TEST(Workspaces, LocalRepositoryBranchesFromItsLocalDefaultOrARequestedBase) {
    Fixture f;
    GitRepo repo("epsilon");
    git(repo.path(), {"branch", "release"});
    unsigned status = 0;
    auto res = f.createWorkspace({{"name", "local"}, {"path", repo.path().string()}}, &status);
    ASSERT_EQ(status, 201u) << json::serialize(res);
    EXPECT_EQ(res.at("data").at("gitWorktree").at("baseBranch"), "main");
    EXPECT_TRUE(res.at("data").at("repositoryId").is_null());
    res = f.createWorkspace(
        {{"name", "from release"}, {"path", repo.path().string()}, {"baseBranch", "release"}},
        &status);
    ASSERT_EQ(status, 201u) << json::serialize(res);
    EXPECT_EQ(res.at("data").at("gitWorktree").at("baseBranch"), "release");
    res = f.createWorkspace(
        {{"name", "nope"}, {"path", repo.path().string()}, {"baseBranch", "no-such-branch"}},
        &status);
    EXPECT_EQ(status, 400u);
    EXPECT_NE(str(res.at("error")).find("Cannot create the workspace"), std::string::npos);
    // Asked for a plain directory: no worktree.
    res = f.createWorkspace(
        {{"name", "plain"}, {"path", repo.path().string()}, {"worktree", false}}, &status);
    ASSERT_EQ(status, 201u);
    EXPECT_FALSE(res.at("data").as_object().contains("gitWorktree"));
    EXPECT_EQ(str(res.at("data").at("path")), fs::canonical(repo.path()).string());
}

TEST(Workspaces, FailuresAreErrorsNeverAFallbackAndLeaveNothingBehind) {
    Fixture f;
    auto worktrees = f.daemon.home() / "workspaces";
    auto count = [&] {
        std::error_code ec;
        return std::distance(fs::recursive_directory_iterator(worktrees, ec),
                             fs::recursive_directory_iterator());
    };
    unsigned status = 0;
    // A repository without commits.
    TempDir empty("pw-empty");
    git(empty.path(), {"init", "-q"});
    auto res = f.createWorkspace({{"name", "x"}, {"path", empty.path().string()}}, &status);
    EXPECT_EQ(status, 400u);
    EXPECT_NE(str(res.at("error")).find("Cannot create the workspace"), std::string::npos);
    // A broken parawork.toml names its line.
    GitRepo repo("zeta");
    repo.write("parawork.toml", "[run]\ncommand = \"npm run dev\"\n");
    res = f.createWorkspace({{"name", "x"}, {"path", repo.path().string()}}, &status);
    EXPECT_EQ(status, 400u);
    EXPECT_NE(str(res.at("error")).find("parawork.toml:2:11: run.command"), std::string::npos);
    EXPECT_EQ(count(), 0);
    EXPECT_EQ(repo.branches(), std::vector<std::string>{"main"});
    // Unknown repository, null repositoryId, worktree wanted on a plain directory.
    fs::remove(repo.path() / "parawork.toml");
    res = f.createWorkspace({{"name", "x"},
                             {"path", repo.path().string()},
                             {"repositoryId", "00000000-0000-4000-8000-000000000000"}},
                            &status);
    EXPECT_EQ(status, 404u);
    EXPECT_EQ(res.at("error"), "Repository not found");
    f.createWorkspace({{"name", "x"}, {"path", repo.path().string()}, {"repositoryId", nullptr}},
                      &status);
    EXPECT_EQ(status, 400u);
    TempDir plain("pw-plain");
    f.createWorkspace({{"name", "x"}, {"path", plain.path().string()}, {"worktree", true}},
                      &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(count(), 0);
}

TEST(Workspaces, HostileNamesAndRefsNeverReachGitAsOptions) {
    Fixture f;
    GitRepo repo("eta");
    TempDir marker("pw-pwned");
    auto pwned = marker.path() / "pwned";
    unsigned status = 0;
    for (std::string ref :
         {"--upload-pack=touch " + pwned.string(), std::string("../x"), std::string("a..b"),
          std::string("x\ny"), "$(touch " + pwned.string() + ")", std::string("-x"),
          std::string("main~1"), std::string("refs/heads/../../x")}) {
        auto res = f.createWorkspace(
            {{"name", "safe"}, {"path", repo.path().string()}, {"baseBranch", ref}}, &status);
        EXPECT_EQ(status, 400u) << ref;
        EXPECT_NE(str(res.at("error")).find("baseBranch"), std::string::npos) << ref;
    }
    // Names become slugs: hostile text ends up as harmless branch and directory names.
    std::vector<std::string> names = {"--upload-pack=touch " + pwned.string(), "../x", "a..b",
                                      "$(touch " + pwned.string() + ")", "`id`"};
    for (const auto& name : names) {
        auto res = f.createWorkspace({{"name", name}, {"path", repo.path().string()}}, &status);
        ASSERT_EQ(status, 201u) << name << ": " << json::serialize(res);
        std::string branch = str(res.at("data").at("gitWorktree").at("branchName"));
        EXPECT_TRUE(branch.starts_with("parawork/")) << branch;
        EXPECT_EQ(branch.find(".."), std::string::npos) << branch;
        fs::path path = str(res.at("data").at("path"));
        EXPECT_TRUE(fs::canonical(path).string().starts_with(
            fs::canonical(f.daemon.home() / "workspaces").string()))
            << path;
    }
    f.createWorkspace({{"name", "line\nbreak"}, {"path", repo.path().string()}}, &status);
    EXPECT_EQ(status, 400u);
    EXPECT_FALSE(fs::exists(pwned));
}

TEST(Workspaces, TwentyCreatedConcurrentlyAreTwentyWorktrees) {
    Fixture f;
    GitRepo repo("theta", true);
    auto r = f.addRepository(repo);
    std::vector<std::string> paths(20), branches(20);
    std::vector<unsigned> statuses(20);
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i) {
        threads.emplace_back([&, i] {
            SessionApi api(f.daemon);
            // Half of them share a slug: suffixes must not collide under concurrency.
            std::string name =
                i % 2 ? "shared" + std::string(i / 2, '!') : "task " + std::to_string(i);
            auto res = api.call(
                "POST", "/api/workspaces",
                body(
                    {{"name", name}, {"path", repo.path().string()}, {"repositoryId", r.at("id")}}),
                &statuses[i]);
            if (statuses[i] == 201) {
                paths[i] = str(res.at("data").at("path"));
                branches[i] = str(res.at("data").at("gitWorktree").at("branchName"));
            }
        });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < 20; ++i) EXPECT_EQ(statuses[i], 201u) << i;
    EXPECT_EQ(std::set<std::string>(paths.begin(), paths.end()).size(), 20u);
    EXPECT_EQ(std::set<std::string>(branches.begin(), branches.end()).size(), 20u);
    EXPECT_EQ(f.api.call("GET", "/api/workspaces").at("data").as_array().size(), 20u);
    std::string list = git(repo.path(), {"worktree", "list", "--porcelain"});
    std::size_t worktrees = 0;
    for (std::size_t at = 0; (at = list.find("worktree ", at)) != std::string::npos; ++at)
        ++worktrees;
    EXPECT_EQ(worktrees, 21u);  // the main checkout and twenty
}

TEST(Workspaces, DeletingStopsItsAgentThenRemovesWorktreeAndBranch) {
    Fixture f(DaemonProcess::Options{.configToml = "[sessions]\nstop_grace_ms = 500\n"});
    GitRepo repo("iota");
    unsigned status = 0;
    auto ws = f.createWorkspace({{"name", "busy"}, {"path", repo.path().string()}}, &status)
                  .at("data")
                  .as_object();
    auto id = str(ws.at("id"));
    fs::path path = str(ws.at("path"));
    auto s = f.api.start(id, {"sh", "-c", "trap '' TERM HUP; echo busy; sleep 600"});
    auto sessionId = str(s.at("id"));
    f.api.waitOutput(sessionId, "busy");
    int pid = s.at("processId").to_number<int>();
    EXPECT_TRUE(processAlive(pid));

    auto res = f.api.call("DELETE", "/api/workspaces/" + id, {}, &status);
    EXPECT_EQ(status, 200u) << json::serialize(res);
    EXPECT_EQ(json::serialize(res), R"({"success":true})");
    EXPECT_FALSE(processAlive(pid));  // stopped before its directory went
    EXPECT_FALSE(fs::exists(path));
    EXPECT_EQ(repo.branches(), std::vector<std::string>{"main"});
    EXPECT_EQ(git(repo.path(), {"worktree", "list", "--porcelain"}).find(path.string()),
              std::string::npos);
    f.api.call("GET", "/api/workspaces/" + id, {}, &status);
    EXPECT_EQ(status, 404u);
    f.api.call("DELETE", "/api/workspaces/" + id, {}, &status);
    EXPECT_EQ(status, 404u);
}

TEST(Workspaces, BranchIsKeptWhenConfiguredSo) {
    Fixture f(DaemonProcess::Options{.configToml = "[git]\ndelete_branch_on_remove = false\n"});
    GitRepo repo("kappa");
    unsigned status = 0;
    auto ws = f.createWorkspace({{"name", "keep me"}, {"path", repo.path().string()}}, &status);
    ASSERT_EQ(status, 201u);
    f.api.call("DELETE", "/api/workspaces/" + str(ws.at("data").at("id")), {}, &status);
    EXPECT_EQ(status, 200u);
    EXPECT_FALSE(fs::exists(str(ws.at("data").at("path"))));
    EXPECT_TRUE(contains(repo.branches(), "parawork/keep-me"));
}

/// A stand-in agent CLI: prints its arguments, then echoes each line it reads.
fs::path fakeAgent(const TempDir& dir, const std::string& name) {
    auto bin = dir.path() / "bin";
    fs::create_directories(bin);
    auto script = bin / name;
    std::ofstream(script) << "#!/bin/sh\n"
                             "printf 'args:'; for a in \"$@\"; do printf ' [%s]' \"$a\"; done; "
                             "echo\n"
                             "while IFS= read -r line; do echo \"got: $line\"; done\n";
    ::chmod(script.c_str(), 0755);
    return script;
}

TEST(Agents, ProfilesPassThePromptAndResumeTheConversation) {
    TempDir tools("pw-agents");
    auto claude = fakeAgent(tools, "claude");
    auto aider = fakeAgent(tools, "aider");
    Fixture f(DaemonProcess::Options{.configToml =
                                         "[agents.claude-code]\ncommand = \"" + claude.string() +
                                         "\"\n[agents.aider]\ncommand = \"" + aider.string() +
                                         "\"\n[agents.codex]\nenabled = false\n"
                                         "[agents.ghost]\ncommand = \"no-such-agent-binary\"\n"});
    TempDir dir("pw-ws");
    auto ws = f.api.createWorkspace(dir.path().string());
    unsigned status = 0;

    auto res = f.call("POST", "/api/workspaces/" + ws + "/sessions",
                      {{"agentType", "claude-code"}, {"initialPrompt", "fix the tests"}}, &status);
    ASSERT_EQ(status, 201u) << json::serialize(res);
    auto first = str(res.at("data").at("id"));
    // Its hooks come first (issue 19): the settings file parawork wrote for Claude Code.
    const std::string hooks =
        "[--settings] [" + (f.daemon.home() / "data/agent-hooks/claude-code.json").string() + "]";
    f.api.waitOutput(first, "args: " + hooks + " [fix the tests]");
    f.api.call("POST", "/api/sessions/" + first + "/stop");
    f.api.waitEnded(first);

    // Resume: 200, a new session with the messages, and the agent's own resume flag.
    res = f.api.call("POST", "/api/sessions/" + first + "/resume", "{}", &status);
    ASSERT_EQ(status, 200u) << json::serialize(res);
    auto resumed = str(res.at("data").at("id"));
    EXPECT_NE(resumed, first);
    f.api.waitOutput(resumed, "args: " + hooks + " [--continue]");
    auto messages = f.api.call("GET", "/api/sessions/" + resumed + "/messages").at("data");
    ASSERT_EQ(messages.as_array().size(), 1u);
    EXPECT_EQ(messages.as_array()[0].at("content"), "fix the tests");
    res = f.api.call("POST", "/api/sessions/" + first + "/resume", "{}", &status);
    EXPECT_EQ(status, 400u);  // the resumed one is active
    EXPECT_EQ(res.at("error"), "Workspace already has an active session");
    f.api.call("POST", "/api/sessions/" + resumed + "/stop");
    f.api.waitEnded(resumed);

    // A typed prompt reaches an agent that only reads it interactively.
    res = f.call("POST", "/api/workspaces/" + ws + "/sessions",
                 {{"agentType", "aider"}, {"initialPrompt", "add a test"}}, &status);
    ASSERT_EQ(status, 201u);
    auto typed = str(res.at("data").at("id"));
    f.api.waitOutput(typed, "got: add a test");
    // A chat message is recorded and typed; `submit` presses Enter after it.
    res = f.call("POST", "/api/sessions/" + typed + "/messages",
                 {{"content", "and docs"}, {"submit", true}}, &status);
    EXPECT_EQ(status, 201u);
    EXPECT_EQ(res.at("data").at("role"), "user");
    f.api.waitOutput(typed, "got: and docs");
    auto conversation =
        f.api.call("GET", "/api/sessions/" + typed + "/full-conversation").at("data").as_array();
    std::vector<std::string> said;
    for (const auto& e : conversation)
        if (e.at("type") == "message") said.push_back(str(e.at("content")));
    EXPECT_EQ(said, (std::vector<std::string>{"add a test", "and docs"}));
    f.api.call("POST", "/api/sessions/" + typed + "/stop");
    f.api.waitEnded(typed);

    // A missing binary is a clear 400 and records nothing; disabled and unknown agents too.
    auto before = f.api.call("GET", "/api/workspaces/" + ws + "/sessions").at("data").as_array();
    res = f.call("POST", "/api/workspaces/" + ws + "/sessions", {{"agentType", "ghost"}}, &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "Cannot start: no-such-agent-binary was not found on PATH");
    for (const char* agent : {"codex", "nobody"}) {
        res =
            f.call("POST", "/api/workspaces/" + ws + "/sessions", {{"agentType", agent}}, &status);
        EXPECT_EQ(status, 400u);
        EXPECT_EQ(str(res.at("error")), "Agent type " + std::string(agent) + " is not enabled");
    }
    auto after = f.api.call("GET", "/api/workspaces/" + ws + "/sessions").at("data").as_array();
    EXPECT_EQ(after.size(), before.size());
    // ...and no dangling "starting" session blocks the next start.
    res = f.call("POST", "/api/workspaces/" + ws + "/sessions", {{"agentType", "claude-code"}},
                 &status);
    ASSERT_EQ(status, 201u);
    auto last = str(res.at("data").at("id"));

    // The profiles as the API shows them.
    auto agents = f.api.call("GET", "/api/agents").at("data").as_array();
    std::set<std::string> names;
    for (const auto& a : agents) names.insert(str(a.at("name")));
    EXPECT_TRUE(names.count("claude-code") && names.count("ghost") && !names.count("codex"));
    for (const auto& a : agents) {
        if (a.at("name") == "claude-code") {
            EXPECT_EQ(a.at("installed"), true);
        }
        if (a.at("name") == "ghost") {
            EXPECT_EQ(a.at("installed"), false);
        }
    }
    f.api.call("POST", "/api/sessions/" + first + "/open-terminal", "{}", &status);
    EXPECT_EQ(status, 501u);
    f.api.call("POST", "/api/sessions/nope/open-terminal", "{}", &status);
    EXPECT_EQ(status, 404u);
    f.api.call("POST", "/api/sessions/nope/resume", "{}", &status);
    EXPECT_EQ(status, 404u);
    f.api.call("POST", "/api/sessions/" + last + "/stop");
    f.api.waitEnded(last);
}

/// POST over TCP with the owner's token, as the web UI sends it.
json::value callOverTcp(const DaemonProcess& daemon, const std::string& target,
                        const json::object& o, unsigned* status) {
    api::HttpClient tcp(daemon.tcp());
    auto reply = tcp.request("POST", target,
                             {{"X-API-Key", daemon.token()},
                              {"Host", daemon.hostHeader()},
                              {"Content-Type", "application/json"}},
                             body(o));
    *status = reply.status;
    return json::parse(reply.body);
}

TEST(Repositories, TheOwnersCliMayUseAnyDirectoryRemoteClientsOnlyTheRoots) {
    TempDir root("pw-root");
    Fixture f(
        DaemonProcess::Options{.env = {{"PARAWORK_FILES_ALLOWED_ROOTS", root.path().string()}}});
    GitRepo outside("outside");  // in /tmp, not under the root
    unsigned status = 0;
    auto res = callOverTcp(f.daemon, "/api/repositories",
                           {{"name", "x"}, {"path", outside.path().string()}}, &status);
    EXPECT_EQ(status, 403u) << json::serialize(res);
    // The refusal says how to allow the directory.
    EXPECT_EQ(str(res.at("error")), "Invalid path: " + kOutside);
    EXPECT_NE(kOutside.find("files.allowed_roots"), std::string::npos);
    EXPECT_NE(kOutside.find("PARAWORK_FILES_ALLOWED_ROOTS"), std::string::npos);
    EXPECT_NE(kOutside.find("parawork restart"), std::string::npos);
    res = callOverTcp(f.daemon, "/api/workspaces",
                      {{"name", "x"}, {"path", outside.path().string()}}, &status);
    EXPECT_EQ(status, 403u) << json::serialize(res);
    // Over the unix socket: the daemon's own user, in their own directories.
    f.addRepository(outside);
    f.createWorkspace({{"name", "x"}, {"path", outside.path().string()}}, &status);
    EXPECT_EQ(status, 201u);
}

TEST(Workspaces, MadeInARegisteredRepositoryTheyAreLinkedToItAndTheirNamesAreDistinct) {
    Fixture f;
    GitRepo repo("iota");
    auto id = str(f.addRepository(repo).at("id"));
    unsigned status = 0;
    // No repositoryId: the repository at the path is the registered one (also from below its
    // top, and for a plain directory in it).
    fs::create_directories(repo.path() / "sub");
    auto made =
        f.createWorkspace({{"name", "one"}, {"path", (repo.path() / "sub").string()}}, &status);
    ASSERT_EQ(status, 201u) << json::serialize(made);
    EXPECT_EQ(str(made.at("data").at("repositoryId")), id);
    auto plain = f.createWorkspace(
        {{"name", "here"}, {"path", repo.path().string()}, {"worktree", false}}, &status);
    ASSERT_EQ(status, 201u) << json::serialize(plain);
    EXPECT_EQ(str(plain.at("data").at("repositoryId")), id);
    EXPECT_EQ(
        f.api.call("GET", "/api/repositories/" + id + "/workspaces").at("data").as_array().size(),
        2u);
    // The same name again in this repository, with or without repositoryId: 409, nothing made.
    for (const auto& request :
         {json::object{{"name", "one"}, {"path", repo.path().string()}},
          json::object{{"name", "one"}, {"path", repo.path().string()}, {"repositoryId", id}}}) {
        auto again = f.createWorkspace(request, &status);
        EXPECT_EQ(status, 409u) << json::serialize(again);
        EXPECT_EQ(str(again.at("error")),
                  "A workspace named \"one\" already exists in this repository: choose another "
                  "name, or remove that one first");
    }
    EXPECT_EQ(repo.branches().size(), 2u);  // main and the first workspace's
    // Elsewhere the name is free: another repository, a plain directory of no repository.
    GitRepo other("kappa");
    f.createWorkspace({{"name", "one"}, {"path", other.path().string()}}, &status);
    EXPECT_EQ(status, 201u);
    TempDir dir("pw-plain");
    f.createWorkspace({{"name", "one"}, {"path", dir.path().string()}}, &status);
    EXPECT_EQ(status, 201u);
}

}  // namespace
}  // namespace parawork::test
