// Dependency detection and workspace setup (issue 9), end to end: a real daemon, real fixture
// repositories (Node, Python), real worktrees and setup sessions, the dependency_status event,
// and `parawork deps` in human and --json form. Tools that this machine may lack are only ever
// asserted missing, on a PATH the test controls.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/http_client.hpp"
#include "support/git_repo.hpp"
#include "support/session_api.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

void writeFile(const fs::path& path, const std::string& text, std::chrono::seconds age = 100s) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    fs::last_write_time(path, fs::file_time_type::clock::now() - age);
}

void writeScript(const fs::path& path, const std::string& body) {
    writeFile(path, "#!/bin/sh\n" + body + "\n", 0s);
    fs::permissions(path, fs::perms::owner_all);
}

struct Fixture {
    DaemonProcess daemon;
    SessionApi api{daemon};

    explicit Fixture(DaemonProcess::Options options = {}) : daemon(std::move(options)) {}

    std::string plainWorkspace(const fs::path& path, const std::string& name = "deps") {
        auto res = api.call("POST", "/api/workspaces",
                            json::serialize(json::object{
                                {"name", name}, {"path", path.string()}, {"worktree", false}}));
        EXPECT_TRUE(res.at("success").as_bool()) << json::serialize(res);
        return str(res.at("data").at("id"));
    }
    /// A worktree workspace of `repo`; returns the creation's data (with `setup`).
    json::object worktreeWorkspace(const GitRepo& repo, const std::string& name,
                                   json::object extra = {}) {
        json::object request{{"name", name}, {"path", repo.path().string()}};
        for (const auto& [k, v] : extra) request[k] = v;
        unsigned status = 0;
        auto res = api.call("POST", "/api/workspaces", json::serialize(request), &status);
        EXPECT_EQ(status, 201u) << json::serialize(res);
        return res.at("data").as_object();
    }
    json::object report(const std::string& workspaceId) {
        unsigned status = 0;
        auto res = api.call("GET", "/api/workspaces/" + workspaceId + "/dependencies", "", &status);
        EXPECT_EQ(status, 200u) << json::serialize(res);
        return res.at("data").as_object();
    }
    /// The report once the workspace's setup is no longer running.
    json::object reportAfterSetup(const std::string& workspaceId) {
        auto until = std::chrono::steady_clock::now() + 60s;
        for (;;) {
            auto r = report(workspaceId);
            const auto& setup = r.at("setup");
            if (!setup.is_object() || setup.at("status") != "running" ||
                std::chrono::steady_clock::now() > until)
                return r;
            std::this_thread::sleep_for(100ms);
        }
    }
    json::value startAgent(const std::string& workspaceId, const std::string& shellCommand,
                           unsigned* status) {
        json::object body{{"agentType", "command"},
                          {"command", json::array{"/bin/sh", "-c", shellCommand}}};
        return api.call("POST", "/api/workspaces/" + workspaceId + "/sessions",
                        json::serialize(body), status);
    }
};

const json::object& project(const json::object& report, std::size_t index = 0) {
    return report.at("projects").as_array().at(index).as_object();
}

const json::object* tool(const json::object& report, const std::string& name) {
    for (const auto& t : report.at("tools").as_array())
        if (t.at("name").as_string() == name) return &t.as_object();
    return nullptr;
}

TEST(Dependencies, NodeProjectMissingThenInstalledThenStale) {
    Fixture f;
    TempDir dir("pw-node");
    writeFile(dir.path() / "package.json", R"({"name":"app","version":"1.0.0"})");
    writeFile(dir.path() / "package-lock.json", R"({"lockfileVersion":3})");
    auto id = f.plainWorkspace(dir.path());

    auto r = f.report(id);
    EXPECT_EQ(str(r.at("workspaceId")), id);
    EXPECT_EQ(r.at("status"), "missing");
    ASSERT_EQ(r.at("projects").as_array().size(), 1u);
    EXPECT_EQ(project(r).at("ecosystem"), "npm");
    EXPECT_EQ(project(r).at("manifest"), "package.json");
    EXPECT_EQ(project(r).at("lockfile"), "package-lock.json");
    EXPECT_EQ(project(r).at("state"), "missing");
    EXPECT_EQ(project(r).at("installCommand"), "npm ci");
    EXPECT_TRUE(r.at("setup").is_null());
    ASSERT_TRUE(tool(r, "node"));
    ASSERT_TRUE(tool(r, "npm"));
    ASSERT_TRUE(tool(r, "git"));

    writeFile(dir.path() / "node_modules/.package-lock.json", "{}", 10s);
    r = f.report(id);
    EXPECT_EQ(r.at("status"), "installed");
    EXPECT_EQ(project(r).at("state"), "installed");

    writeFile(dir.path() / "package-lock.json", R"({"lockfileVersion":3,"x":1})", 0s);
    r = f.report(id);
    EXPECT_EQ(project(r).at("state"), "stale");
    EXPECT_EQ(project(r).at("reason"),
              "package-lock.json is newer than node_modules/.package-lock.json");
}

TEST(Dependencies, PythonProject) {
    Fixture f;
    TempDir dir("pw-python");
    writeFile(dir.path() / "requirements.txt", "requests==2.31.0\n");
    auto id = f.plainWorkspace(dir.path());
    auto r = f.report(id);
    EXPECT_EQ(project(r).at("ecosystem"), "pip");
    EXPECT_EQ(project(r).at("state"), "missing");
    EXPECT_EQ(project(r).at("installCommand"),
              "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt");
    ASSERT_TRUE(tool(r, "python3"));

    fs::create_directories(dir.path() / ".venv/lib/python3.11/site-packages");
    r = f.report(id);
    EXPECT_EQ(project(r).at("state"), "installed");
}

TEST(Dependencies, UnknownWorkspaceIs404) {
    Fixture f;
    unsigned status = 0;
    auto res = f.api.call("GET", "/api/workspaces/nope/dependencies", "", &status);
    EXPECT_EQ(status, 404u);
    EXPECT_EQ(res.at("error"), "Workspace not found");
}

TEST(Dependencies, ToolsOnAControlledPath) {
    TempDir bin("pw-bin");
    writeScript(bin.path() / "node", "echo v18.19.0");
    DaemonProcess::Options options;
    options.env["PATH"] = bin.path().string();  // no npm, no git, no cargo here
    Fixture f(options);
    TempDir dir("pw-tools");
    writeFile(dir.path() / "package.json", R"({"engines":{"node":">=20"}})");
    writeFile(dir.path() / "Cargo.toml", "[package]\nname = \"x\"\n");
    auto id = f.plainWorkspace(dir.path());
    auto r = f.report(id);

    const auto* node = tool(r, "node");
    ASSERT_TRUE(node);
    EXPECT_TRUE(node->at("found").as_bool());
    EXPECT_EQ(node->at("version"), "18.19.0");
    EXPECT_EQ(node->at("hint").at("wanted"), ">=20");
    EXPECT_EQ(node->at("hint").at("source"), "package.json engines");
    EXPECT_EQ(node->at("satisfied"), false);
    for (const char* missing : {"npm", "cargo", "git"}) {
        const auto* t = tool(r, missing);
        ASSERT_TRUE(t) << missing;
        EXPECT_FALSE(t->at("found").as_bool()) << missing;
        EXPECT_TRUE(t->at("version").is_null()) << missing;
    }
}

TEST(Dependencies, ChangedReportsArePublished) {
    Fixture f;
    TempDir dir("pw-event");
    writeFile(dir.path() / "package.json", "{}");
    auto id = f.plainWorkspace(dir.path());
    auto socket = api::WsClient::connect(f.daemon.unixSocket(), "/");
    socket.sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":")" + id + "\"}}");
    std::this_thread::sleep_for(100ms);  // the subscription is processed before the GET

    f.report(id);  // the first report is news
    f.report(id);  // the same report is not
    writeFile(dir.path() / "node_modules/.package-lock.json", "{}", 10s);
    f.report(id);

    std::vector<json::object> events;
    auto until = std::chrono::steady_clock::now() + 20s;
    while (events.size() < 2) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        if (left <= 0ms) break;
        auto message = socket.read(left);
        if (!message) break;
        auto event = json::parse(*message).as_object();
        if (event.at("type") == "dependency_status") events.push_back(event.at("data").as_object());
    }
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(str(events[0].at("workspaceId")), id);
    EXPECT_EQ(events[0].at("status"), "missing");
    EXPECT_EQ(events[1].at("status"), "installed");
}

/// A repository whose parawork.toml has a [setup] section.
void commitSetup(const GitRepo& repo, const std::string& setupToml) {
    repo.write("parawork.toml", setupToml);
    repo.write("package.json", "{}");
    repo.commit("setup");
}

TEST(Setup, TheAgentWaitsForASuccessfulSetup) {
    Fixture f;
    GitRepo repo("setup-ok");
    commitSetup(repo, "[setup]\nscript = \"\"\"\nsleep 1\necho prepared > setup-done\n\"\"\"\n");
    auto ws = f.worktreeWorkspace(repo, "ok");
    const auto& setup = ws.at("setup").as_object();
    EXPECT_EQ(setup.at("status"), "running");
    auto setupId = str(setup.at("sessionId"));
    auto id = str(ws.at("id"));

    // Started at once: the start waits for the setup, then the agent finds its file.
    unsigned status = 0;
    auto agent = f.startAgent(id, "cat setup-done", &status);
    ASSERT_EQ(status, 201u) << json::serialize(agent);
    auto agentId = str(agent.at("data").at("id"));
    EXPECT_NE(f.api.waitOutput(agentId, "prepared").find("prepared"), std::string::npos);

    auto setupSession = f.api.session(setupId);
    EXPECT_EQ(setupSession.at("kind"), "setup");
    EXPECT_EQ(setupSession.at("exitCode"), 0);
    auto r = f.reportAfterSetup(id);
    EXPECT_EQ(r.at("setup").at("status"), "succeeded");
    EXPECT_EQ(str(r.at("setup").at("sessionId")), setupId);
}

TEST(Setup, ItsEndIsPublished) {
    Fixture f;
    GitRepo repo("setup-event");
    // The setup waits for a gate the test opens once it has subscribed.
    commitSetup(repo, "[setup]\nscript = \"while [ ! -f gate ]; do sleep 0.05; done\"\n");
    auto ws = f.worktreeWorkspace(repo, "event");
    auto id = str(ws.at("id"));
    auto socket = api::WsClient::connect(f.daemon.unixSocket(), "/");
    socket.sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":")" + id + "\"}}");
    std::this_thread::sleep_for(100ms);  // the subscription is processed before the gate opens
    writeFile(fs::path(str(ws.at("path"))) / "gate", "", 0s);

    std::optional<json::object> published;
    auto until = std::chrono::steady_clock::now() + 30s;
    while (!published) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        if (left <= 0ms) break;
        auto message = socket.read(left);
        if (!message) break;
        auto event = json::parse(*message).as_object();
        if (event.at("type") == "dependency_status") published = event.at("data").as_object();
    }
    ASSERT_TRUE(published);
    EXPECT_EQ(str(published->at("workspaceId")), id);
    EXPECT_EQ(published->at("setup").at("status"), "succeeded");
    EXPECT_EQ(published->at("projects").as_array().size(), 1u);  // package.json
}

TEST(Setup, AFailedSetupRefusesTheAgentWithItsLog) {
    Fixture f;
    GitRepo repo("setup-bad");
    commitSetup(repo, "[setup]\nscript = \"echo broken; exit 3\"\n");
    auto ws = f.worktreeWorkspace(repo, "bad");
    auto id = str(ws.at("id"));
    auto setupId = str(ws.at("setup").at("sessionId"));

    unsigned status = 0;
    auto refused = f.startAgent(id, "echo should-not-run", &status);
    EXPECT_EQ(status, 424u) << json::serialize(refused);
    EXPECT_EQ(str(refused.at("error")),
              "setup failed (exit 3): see `parawork logs " + setupId + "`");
    EXPECT_NE(f.api.output(setupId).find("broken"), std::string::npos);
    auto r = f.reportAfterSetup(id);
    EXPECT_EQ(r.at("setup").at("status"), "failed");
    EXPECT_EQ(r.at("setup").at("exitCode"), 3);

    // ignoreSetup starts it anyway; other kinds of session never wait.
    auto body = json::object{{"agentType", "command"},
                             {"command", json::array{"/bin/sh", "-c", "echo anyway"}},
                             {"ignoreSetup", true}};
    f.api.call("POST", "/api/workspaces/" + id + "/sessions", json::serialize(body), &status);
    EXPECT_EQ(status, 201u);
}

TEST(Setup, ASetupPastItsTimeoutIsEnded) {
    Fixture f;
    GitRepo repo("setup-slow");
    commitSetup(repo, "[setup]\nscript = \"sleep 60\"\ntimeout = \"1s\"\n");
    auto ws = f.worktreeWorkspace(repo, "slow");
    auto id = str(ws.at("id"));
    auto setupId = str(ws.at("setup").at("sessionId"));
    auto r = f.reportAfterSetup(id);
    EXPECT_EQ(r.at("setup").at("status"), "timed_out");
    unsigned status = 0;
    auto refused = f.startAgent(id, "true", &status);
    EXPECT_EQ(status, 424u);
    EXPECT_EQ(str(refused.at("error")), "setup timed out: see `parawork logs " + setupId + "`");
}

TEST(Setup, AutoInstallRunsTheDetectedCommands) {
    // A fake npm first on PATH: it installs by writing npm's own record.
    TempDir bin("pw-bin");
    writeScript(bin.path() / "npm",
                "echo \"fake npm $*\"; mkdir -p node_modules && echo {} > "
                "node_modules/.package-lock.json");
    DaemonProcess::Options options;
    options.env["PATH"] = bin.path().string() + ":/usr/local/bin:/usr/bin:/bin";
    Fixture f(options);
    GitRepo repo("auto");
    repo.write("package.json", "{}");
    repo.write("package-lock.json", "{}");
    repo.commit("node");

    auto plain = f.worktreeWorkspace(repo, "no-auto");
    EXPECT_TRUE(plain.at("setup").is_null());  // off by default

    auto ws = f.worktreeWorkspace(repo, "auto", {{"autoInstallDependencies", true}});
    auto id = str(ws.at("id"));
    auto setupId = str(ws.at("setup").at("sessionId"));
    auto r = f.reportAfterSetup(id);
    EXPECT_EQ(r.at("setup").at("status"), "succeeded") << f.api.output(setupId);
    EXPECT_EQ(r.at("status"), "installed");
    auto output = f.api.output(setupId);
    EXPECT_NE(output.find("fake npm ci"), std::string::npos) << output;
}

TEST(Setup, AutoInstallFromTheDaemonConfig) {
    TempDir bin("pw-bin");
    writeScript(bin.path() / "npm",
                "mkdir -p node_modules && echo {} > node_modules/.package-lock.json");
    DaemonProcess::Options options;
    options.env["PATH"] = bin.path().string() + ":/usr/local/bin:/usr/bin:/bin";
    options.configToml = "[deps]\nauto_install = true\n";
    Fixture f(options);
    GitRepo repo("auto-config");
    repo.write("package.json", "{}");
    repo.commit("node");
    auto ws = f.worktreeWorkspace(repo, "configured");
    ASSERT_TRUE(ws.at("setup").is_object());
    EXPECT_EQ(f.reportAfterSetup(str(ws.at("id"))).at("status"), "installed");
    // The request's own field wins.
    auto off = f.worktreeWorkspace(repo, "off", {{"autoInstallDependencies", false}});
    EXPECT_TRUE(off.at("setup").is_null());
}

TEST(DepsCli, HumanAndJson) {
    Fixture f;
    TempDir dir("pw-cli");
    writeFile(dir.path() / "package.json", "{}");
    writeFile(dir.path() / "package-lock.json", "{}");
    f.plainWorkspace(dir.path(), "webapp");
    auto run = [&](std::vector<std::string> args, const fs::path& cwd = {}) {
        std::vector<std::string> argv;
        if (!cwd.empty()) argv = {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd.string()};
        argv.insert(argv.end(), {parawork(), "--home", f.daemon.home().string()});
        argv.insert(argv.end(), args.begin(), args.end());
        return runProcess(argv, {{"NO_COLOR", "1"}});
    };

    auto human = run({"deps", "webapp"});
    EXPECT_EQ(human.exitCode, 0) << human.err;
    EXPECT_NE(human.out.find("dependencies missing"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("npm ci"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("node_modules does not exist"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("TOOL"), std::string::npos) << human.out;

    auto machine = run({"deps", "webapp", "--json"});
    ASSERT_EQ(machine.exitCode, 0) << machine.err;
    auto report = json::parse(machine.out).as_object();
    EXPECT_EQ(report.at("status"), "missing");
    EXPECT_EQ(project(report).at("installCommand"), "npm ci");

    // Without a name: the workspace around the current directory.
    fs::create_directories(dir.path() / "src");
    auto here = run({"deps", "--json"}, dir.path() / "src");
    ASSERT_EQ(here.exitCode, 0) << here.err;
    EXPECT_EQ(json::parse(here.out).at("status"), "missing");

    auto unknown = run({"deps", "no-such-workspace"});
    EXPECT_NE(unknown.exitCode, 0);
    EXPECT_NE(unknown.err.find("no-such-workspace"), std::string::npos) << unknown.err;
    TempDir elsewhere("pw-elsewhere");
    auto outside = run({"deps"}, elsewhere.path());
    EXPECT_NE(outside.exitCode, 0);
    EXPECT_NE(outside.err.find("in no workspace"), std::string::npos) << outside.err;
}

}  // namespace
}  // namespace parawork::test
