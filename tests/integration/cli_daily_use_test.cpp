// The command line as new users and agents met it (issue 17): help without a verb and for one
// verb, hints that name what to do next, workspaces linked to the repository they are made in,
// `shutdown` and `restart` with the sessions adopted again, and directories outside the
// allowed roots for the daemon's own user.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/git_repo.hpp"
#include "support/session_api.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Env = std::map<std::string, std::string>;

/// `parawork --home <home> args…` in directory `cwd` (when given), no colours.
ProcessResult cli(const fs::path& home, const std::vector<std::string>& args, const Env& env = {},
                  const fs::path& cwd = {}) {
    return runCli(home, args, env, cwd);
}

std::string str(const json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(CliDailyUse, NoVerbPrintsTheHelpAndHelpVerbPrintsThatVerbs) {
    TempDir home("pw-cli-home");
    auto bare = runProcess({parawork()}, {{"PARAWORK_HOME", home.path().string()}});
    EXPECT_EQ(bare.exitCode, 0) << describe(bare);
    EXPECT_TRUE(has(bare.out, "attach") && has(bare.out, "shutdown")) << bare.out;
    EXPECT_FALSE(has(bare.err, "A subcommand is required")) << bare.err;

    auto attach = cli(home.path(), {"help", "attach"});
    EXPECT_EQ(attach.exitCode, 0) << describe(attach);
    EXPECT_TRUE(has(attach.out, "--detach-keys")) << attach.out;
    auto wsNew = cli(home.path(), {"help", "ws", "new"});
    EXPECT_EQ(wsNew.exitCode, 0) << describe(wsNew);
    EXPECT_TRUE(has(wsNew.out, "--plain")) << wsNew.out;
    auto unknown = cli(home.path(), {"help", "nope"});
    EXPECT_EQ(unknown.exitCode, 2) << describe(unknown);
    EXPECT_TRUE(has(unknown.err, "no verb \"nope\"")) << unknown.err;
    EXPECT_FALSE(fs::exists(home.path() / "run" / "daemon.json")) << "help started a daemon";
}

TEST(CliDailyUse, StatusWithoutADaemonBlamesNoSettingThatIsNotSet) {
    TempDir home("pw-cli-home");
    auto r = cli(home.path(), {"status"});
    EXPECT_EQ(r.exitCode, 1) << describe(r);
    EXPECT_TRUE(has(r.err, "no daemon is running")) << r.err;
    EXPECT_FALSE(has(r.err, "PARAWORK_NO_AUTOSTART")) << r.err;
    auto off = cli(home.path(), {"status"}, {{"PARAWORK_NO_AUTOSTART", "1"}});
    EXPECT_TRUE(has(off.err, "PARAWORK_NO_AUTOSTART=1 is set")) << off.err;
}

TEST(CliDailyUse, RunDetachedNamesAttachAndValidatesTheDetachKeys) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    TempDir work("pw-cli-work");
    auto bad =
        cli(daemon.home(), {"run", "-d", "--detach-keys", "ctrl-1", "--", "true"}, {}, work.path());
    EXPECT_EQ(bad.exitCode, 2) << describe(bad);
    EXPECT_TRUE(has(bad.err, "--detach-keys \"ctrl-1\"")) << bad.err;
    EXPECT_TRUE(api.call("GET", "/api/sessions?all=1").at("data").as_array().empty());

    auto r = cli(daemon.home(), {"run", "-d", "--", "sleep", "60"}, {}, work.path());
    ASSERT_EQ(r.exitCode, 0) << describe(r);
    auto id = str(api.call("GET", "/api/sessions").at("data").at(0).at("id"));
    EXPECT_TRUE(has(r.out, "parawork attach " + id.substr(0, 8))) << r.out;
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

TEST(CliDailyUse, WorkspacesMadeInARegisteredRepositoryBelongToIt) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    GitRepo repo("webapp");
    auto add = cli(daemon.home(), {"--json", "repo", "add", repo.path().string()});
    ASSERT_EQ(add.exitCode, 0) << describe(add);
    auto repoId = str(json::parse(add.out).at("id"));

    auto made = cli(daemon.home(), {"--json", "ws", "new", "feature"}, {}, repo.path());
    ASSERT_EQ(made.exitCode, 0) << describe(made);
    EXPECT_EQ(str(json::parse(made.out).at("repositoryId")), repoId);
    // The same name again is refused, clearly, instead of a second "feature".
    auto again = cli(daemon.home(), {"ws", "new", "feature"}, {}, repo.path());
    EXPECT_EQ(again.exitCode, 1) << describe(again);
    EXPECT_TRUE(has(again.err, "A workspace named \"feature\" already exists in this repository"))
        << again.err;
    auto json = cli(daemon.home(), {"--json", "ws", "new", "feature"}, {}, repo.path());
    EXPECT_EQ(str(json::parse(json.out).at("code")), "conflict");

    // `run` in the repository's root runs there, in a workspace linked to the repository.
    auto run = cli(daemon.home(), {"--json", "run", "-d", "--", "sleep", "60"}, {}, repo.path());
    ASSERT_EQ(run.exitCode, 0) << describe(run);
    auto wsId = str(json::parse(run.out).at("workspace_id"));
    auto ws = api.call("GET", "/api/workspaces/" + wsId).at("data");
    EXPECT_EQ(str(ws.at("repositoryId")), repoId);
    EXPECT_EQ(str(ws.at("path")), fs::canonical(repo.path()).string());
    EXPECT_FALSE(ws.as_object().contains("gitWorktree"));
    EXPECT_EQ(
        api.call("GET", "/api/repositories/" + repoId + "/workspaces").at("data").as_array().size(),
        2u);
    auto id = str(json::parse(run.out).at("job_id"));
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

TEST(CliDailyUse, TheOwnersCliMayRegisterARepositoryOutsideTheRoots) {
    TempDir root("pw-root");
    DaemonProcess daemon(
        DaemonProcess::Options{.env = {{"PARAWORK_FILES_ALLOWED_ROOTS", root.path().string()}}});
    GitRepo repo("elsewhere");
    auto add = cli(daemon.home(), {"repo", "add", repo.path().string()});
    EXPECT_EQ(add.exitCode, 0) << describe(add);
    auto ws = cli(daemon.home(), {"ws", "new", "x", "--plain"}, {}, repo.path());
    EXPECT_EQ(ws.exitCode, 0) << describe(ws);
}

/// The daemon `restart` started (not the harness's child): stopped at the end, whatever happens.
struct ShutdownAtEnd {
    fs::path home;
    ~ShutdownAtEnd() { cli(home, {"shutdown"}); }
};

TEST(CliDailyUse, RestartAndShutdownKeepTheSessionsRunning) {
    TempDir homeDir("pw-restart-home");
    auto home = homeDir.path();
    std::optional<DaemonProcess> daemon(DaemonProcess::Options{.home = home});
    auto id = [&] {
        SessionApi api(*daemon);
        auto wsId = api.createWorkspace();
        auto started =
            api.start(wsId, {"sh", "-c", "echo up; while read l; do echo \"got:$l\"; done"});
        api.waitOutput(str(started.at("id")), "up");
        return str(started.at("id"));
    }();
    // The restarted daemon is started as autostart does: the environment the harness gives.
    Env env{{"PARAWORK_SERVER_PORT", "0"},
            {"PARAWORK_FILES_ALLOWED_ROOTS", "/tmp"},
            {"HOME", home.string()}};
    ShutdownAtEnd guard{home};
    auto restart = cli(home, {"restart"}, env);
    ASSERT_EQ(restart.exitCode, 0) << describe(restart);
    EXPECT_TRUE(has(restart.out, "restarted")) << restart.out;
    auto oldPid = daemon->pid();
    daemon->stop();  // reaps the old daemon, which has exited already
    EXPECT_FALSE(processAlive(oldPid));

    // The new daemon adopted the session: it runs and still takes input.
    {
        api::Endpoint socket;
        socket.unixSocket = home / "run" / "parawork.sock";
        api::HttpClient client(socket);
        auto session = json::parse(client.get("/api/sessions/" + id).body);
        EXPECT_EQ(str(session.at("data").at("status")), "running") << json::serialize(session);
    }
    auto send = cli(home, {"send", id, "again"}, env);
    EXPECT_EQ(send.exitCode, 0) << describe(send);

    auto shutdown = cli(home, {"shutdown"}, env);
    EXPECT_EQ(shutdown.exitCode, 0) << describe(shutdown);
    EXPECT_TRUE(has(shutdown.out, "stopped")) << shutdown.out;
    auto none = cli(home, {"--json", "shutdown"}, env);
    EXPECT_EQ(none.exitCode, 0) << describe(none);
    EXPECT_EQ(json::parse(none.out).at("stopped"), false);
    auto status = cli(home, {"status"}, env);
    EXPECT_EQ(status.exitCode, 1) << describe(status);

    // Back once more (the harness's daemon on this home): the session is still there and ends.
    daemon.emplace(DaemonProcess::Options{.home = home});
    SessionApi api(*daemon);
    EXPECT_TRUE(has(api.waitOutput(id, "got:again"), "got:again"));
    EXPECT_EQ(str(api.session(id).at("status")), "running");
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

TEST(CliDailyUse, TheShutdownEndpointIsForTheUnixSocketOnly) {
    DaemonProcess daemon;
    api::HttpClient tcp(daemon.tcp());
    auto reply = tcp.request("POST", "/api/daemon/shutdown",
                             {{"X-API-Key", daemon.token()},
                              {"Host", daemon.hostHeader()},
                              {"Content-Type", "application/json"}},
                             "{}");
    EXPECT_EQ(reply.status, 403u) << reply.body;
    auto status = cli(daemon.home(), {"status"});
    EXPECT_EQ(status.exitCode, 0) << describe(status);
}

}  // namespace
}  // namespace parawork::test
