// The command line end to end (issue 5): the real `parawork` binary against a real daemon, in
// human and --json form; bad and ambiguous ids, a missing command, a dead daemon, auto-start.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/git_repo.hpp"
#include "support/session_api.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

using Env = std::map<std::string, std::string>;

/// `parawork --home <home> args…` in directory `cwd` (when given), no colours.
ProcessResult cli(const fs::path& home, const std::vector<std::string>& args, const Env& env = {},
                  const fs::path& cwd = {}) {
    return runCli(home, args, env, cwd);
}

json::value parseOut(const ProcessResult& r) {
    try {
        return json::parse(r.out);
    } catch (const std::exception&) {
        ADD_FAILURE() << "not JSON: " << describe(r);
        return nullptr;
    }
}

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

struct Fixture {
    DaemonProcess daemon;
    SessionApi api{daemon};
    TempDir work{"pw-cli-work"};

    ProcessResult run(std::vector<std::string> args, const Env& env = {}) {
        return cli(daemon.home(), std::move(args), env, work.path());
    }
    /// `run --json -d … -- argv`: the job_started object.
    json::object start(const std::vector<std::string>& argv, std::vector<std::string> flags = {}) {
        std::vector<std::string> args{"--json", "run", "-d"};
        args.insert(args.end(), flags.begin(), flags.end());
        args.push_back("--");
        args.insert(args.end(), argv.begin(), argv.end());
        auto r = run(args);
        EXPECT_EQ(r.exitCode, 0) << describe(r);
        return parseOut(r).as_object();
    }
    /// `logs ID` until it prints `needle` (the output arrives asynchronously).
    std::string waitLogs(const std::string& id, const std::string& needle) {
        auto until = std::chrono::steady_clock::now() + 20s;
        ProcessResult r;
        do {
            r = run({"logs", id});
            if (r.out.find(needle) != std::string::npos) break;
            std::this_thread::sleep_for(100ms);
        } while (std::chrono::steady_clock::now() < until);
        return r.out;
    }
};

// ---- daemon discovery -------------------------------------------------------------------------

TEST(Cli, NoDaemonWithoutAutostartIsAClearError) {
    TempDir home("pw-cli-home");
    Env env{{"PARAWORK_NO_AUTOSTART", "1"}};
    auto r = cli(home.path(), {"ps"}, env);
    EXPECT_EQ(r.exitCode, 1) << describe(r);
    EXPECT_NE(r.err.find("no daemon is running"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("hint: "), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());

    auto j = cli(home.path(), {"--json", "ps"}, env);
    EXPECT_EQ(j.exitCode, 1);
    auto error = parseOut(j).as_object();
    EXPECT_EQ(error.at("code"), "not_running");
    EXPECT_TRUE(error.at("error").is_string());
    EXPECT_FALSE(fs::exists(home.path() / "run" / "daemon.json"));
}

TEST(Cli, StatusNeverStartsADaemon) {
    TempDir home("pw-cli-home");
    auto r = cli(home.path(), {"status", "--json"});
    EXPECT_EQ(r.exitCode, 1) << describe(r);
    EXPECT_EQ(parseOut(r).at("code"), "not_running");
}

TEST(Cli, StartsTheDaemonWhenNoneRuns) {
    TempDir home("pw-cli-home");
    fs::create_directories(home.path() / "config");
    std::ofstream(home.path() / "config" / "config.toml") << "[server]\nport = 0\n";
    auto r = cli(home.path(), {"ps", "--json"});
    ASSERT_EQ(r.exitCode, 0) << describe(r);
    EXPECT_TRUE(parseOut(r).as_array().empty());

    auto infoFile = home.path() / "run" / "daemon.json";
    ASSERT_TRUE(fs::exists(infoFile));
    std::ifstream in(infoFile);
    std::stringstream text;
    text << in.rdbuf();
    int pid = json::parse(text.str()).at("pid").to_number<int>();
    EXPECT_TRUE(processAlive(pid));
    EXPECT_TRUE(fs::exists(home.path() / "data" / "daemon.out"));

    // A second command finds the running daemon instead of starting another.
    auto status = cli(home.path(), {"status", "--json"});
    EXPECT_EQ(status.exitCode, 0) << describe(status);
    EXPECT_EQ(parseOut(status).at("pid").to_number<int>(), pid);

    ::kill(pid, SIGTERM);
    auto until = std::chrono::steady_clock::now() + 20s;
    while (processAlive(pid) && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(processAlive(pid));
}

TEST(Cli, AFailedStartIsExplained) {
    TempDir home("pw-cli-home");
    fs::create_directories(home.path() / "config");
    std::ofstream(home.path() / "config" / "config.toml") << "[server]\nport = \"not a port\"\n";
    auto r = cli(home.path(), {"ps"});
    EXPECT_EQ(r.exitCode, 1) << describe(r);
    EXPECT_NE(r.err.find("cannot start the daemon"), std::string::npos) << r.err;
    // The daemon's own complaint (it names the file) is quoted from daemon.out.
    EXPECT_NE(r.err.find("config.toml"), std::string::npos) << r.err;
    auto j = cli(home.path(), {"--json", "ps"});
    EXPECT_EQ(parseOut(j).at("code"), "autostart_failed");
}

// ---- run, ps, logs, stop ----------------------------------------------------------------------

TEST(Cli, RunPsLogsStopForPeople) {
    Fixture f;
    auto r =
        f.run({"run", "-d", "--name", "greeter", "--", "sh", "-c", "echo hello-cli; sleep 60"});
    ASSERT_EQ(r.exitCode, 0) << describe(r);
    EXPECT_NE(r.out.find("started "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("parawork logs -f"), std::string::npos) << r.out;

    auto ps = f.run({"ps"});
    EXPECT_EQ(ps.exitCode, 0) << describe(ps);
    EXPECT_NE(ps.out.find("ID"), std::string::npos);
    EXPECT_NE(ps.out.find("greeter"), std::string::npos) << ps.out;
    EXPECT_NE(ps.out.find("running"), std::string::npos) << ps.out;
    // The workspace was made for the current directory, named after it.
    EXPECT_NE(ps.out.find(f.work.path().filename().string()), std::string::npos) << ps.out;

    EXPECT_NE(f.waitLogs("greeter", "hello-cli").find("hello-cli"), std::string::npos);

    auto stop = f.run({"stop", "greeter"});
    EXPECT_EQ(stop.exitCode, 0) << describe(stop);
    EXPECT_NE(stop.out.find("stopped"), std::string::npos) << stop.out;

    auto after = f.run({"ps"});
    EXPECT_NE(after.out.find("no running sessions"), std::string::npos) << after.out;
    auto all = f.run({"ps", "-a"});
    EXPECT_NE(all.out.find("greeter"), std::string::npos) << all.out;
    EXPECT_NE(all.out.find("completed"), std::string::npos) << all.out;
}

TEST(Cli, RunPsLogsStopForAgents) {
    Fixture f;
    auto job =
        f.start({"sh", "-c", "echo json-out; sleep 60"}, {"-p", "8000", "-e", "GREETING=hi"});
    EXPECT_EQ(job.at("event"), "job_started");
    auto id = str(job.at("job_id"));
    EXPECT_TRUE(job.at("preview_urls").is_object());
    EXPECT_EQ(job.at("ports"), json::parse("[8000]"));

    // A second run from the same directory reuses its workspace.
    auto second = f.start({"sleep", "60"});
    EXPECT_EQ(second.at("workspace_id"), job.at("workspace_id"));

    auto ps = f.run({"--json", "ps"});
    ASSERT_EQ(ps.exitCode, 0) << describe(ps);
    std::set<std::string> ids;
    auto listed = parseOut(ps);
    for (const auto& s : listed.as_array()) ids.insert(str(s.at("id")));
    EXPECT_EQ(ids, (std::set<std::string>{id, str(second.at("job_id"))}));

    f.waitLogs(id, "json-out");
    auto logs = f.run({"logs", "--json", "--offset", "0", id});
    ASSERT_EQ(logs.exitCode, 0) << describe(logs);
    auto read = parseOut(logs).as_object();
    EXPECT_NE(str(read.at("logs")).find("json-out"), std::string::npos);
    EXPECT_EQ(read.at("truncated"), false);
    auto offset = read.at("offset").to_number<std::uint64_t>();
    EXPECT_GT(offset, 0u);
    // From the returned offset there is nothing new.
    auto next = f.run({"logs", "--json", "--offset", std::to_string(offset), id});
    EXPECT_EQ(parseOut(next).at("logs"), "");

    auto stop = f.run({"--json", "stop", id.substr(0, 8)});
    ASSERT_EQ(stop.exitCode, 0) << describe(stop);
    auto stopped = parseOut(stop).as_object();
    EXPECT_EQ(str(stopped.at("id")), id);
    EXPECT_EQ(stopped.at("status"), "completed");
    EXPECT_EQ(stopped.at("exitReason"), "stopped");

    f.run({"stop", str(second.at("job_id"))});
    EXPECT_TRUE(parseOut(f.run({"--json", "ps"})).as_array().empty());
    EXPECT_EQ(parseOut(f.run({"--json", "ps", "-a"})).as_array().size(), 2u);
}

TEST(Cli, RunWithoutDetachAttachesAndExitsWithTheCommandsCode) {
    Fixture f;
    auto r = f.run({"run", "--name", "fg", "--", "sh", "-c", "echo in-the-foreground; exit 3"});
    EXPECT_EQ(r.exitCode, 3) << describe(r);
    EXPECT_NE(r.out.find("in-the-foreground"), std::string::npos) << r.out;
    auto ok = f.run({"run", "--", "true"});
    EXPECT_EQ(ok.exitCode, 0) << describe(ok);
    // The session is recorded like any other.
    auto all = f.run({"ps", "-a"});
    EXPECT_NE(all.out.find("fg"), std::string::npos) << all.out;
    // An attached run is a terminal: --json needs -d.
    auto j = f.run({"--json", "run", "--", "true"});
    EXPECT_EQ(j.exitCode, 2) << describe(j);
    EXPECT_EQ(parseOut(j).at("code"), "usage");
}

TEST(Cli, AttachReplaysAFinishedSessionByName) {
    Fixture f;
    auto job = f.start({"sh", "-c", "echo said-and-done; exit 4"}, {"--name", "done"});
    f.api.waitEnded(str(job.at("job_id")));
    auto r = f.run({"attach", "done"});
    EXPECT_EQ(r.exitCode, 4) << describe(r);
    EXPECT_NE(r.out.find("said-and-done"), std::string::npos) << r.out;
    auto missing = f.run({"--json", "attach", "nope"});
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_EQ(parseOut(missing).at("code"), "not_found");
}

TEST(Cli, RunPassesEnvironmentAndName) {
    Fixture f;
    auto job = f.start({"sh", "-c", "echo value=$GREETING"},
                       {"-e", "GREETING=hi there", "--name", "envy"});
    EXPECT_EQ(job.at("session").at("name"), "envy");
    EXPECT_NE(f.waitLogs("envy", "value=hi there").find("value=hi there"), std::string::npos);
}

TEST(Cli, LogsFollowUntilTheSessionEnds) {
    Fixture f;
    auto job = f.start({"sh", "-c", "echo first; sleep 1; echo second"});
    auto r = f.run({"logs", "-f", str(job.at("job_id"))});
    EXPECT_EQ(r.exitCode, 0) << describe(r);
    EXPECT_NE(r.out.find("first"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("second"), std::string::npos) << r.out;

    auto job2 = f.start({"sh", "-c", "echo alpha; sleep 1; echo beta"});
    auto j = f.run({"--json", "logs", "-f", str(job2.at("job_id"))});
    EXPECT_EQ(j.exitCode, 0) << describe(j);
    // One JSON object per line; the last says the session ended.
    std::istringstream lines(j.out);
    std::string all, line, last;
    while (std::getline(lines, line)) {
        auto chunk = json::parse(line).as_object();
        all += str(chunk.at("logs"));
        last = line;
    }
    EXPECT_NE(all.find("alpha"), std::string::npos);
    EXPECT_NE(all.find("beta"), std::string::npos);
    EXPECT_EQ(json::parse(last).at("ended"), true);
}

// `stop` of a session that had ended on its own says so and fails instead of printing
// "stopped"; `logs --offset` refuses a negative offset with the reason (issue 17 items 10, 11).
TEST(Cli, StoppingAnEndedSessionAndANegativeOffsetAreClearErrors) {
    Fixture f;
    auto id = str(f.start({"sh", "-c", "echo done-here; exit 3"}).at("job_id"));
    f.api.waitEnded(id);
    auto stop = f.run({"stop", id});
    EXPECT_EQ(stop.exitCode, 1) << describe(stop);
    EXPECT_NE(stop.err.find("already ended (failed)"), std::string::npos) << describe(stop);
    EXPECT_EQ(stop.out.find("stopped"), std::string::npos) << describe(stop);
    auto json = f.run({"--json", "stop", id});
    EXPECT_EQ(json.exitCode, 1) << describe(json);
    EXPECT_EQ(str(parseOut(json).at("code")), "conflict") << describe(json);

    auto negative = f.run({"logs", "--offset", "-5", id});
    EXPECT_EQ(negative.exitCode, 2) << describe(negative);
    EXPECT_NE(negative.err.find("--offset -5: expected a byte offset"), std::string::npos)
        << describe(negative);
    auto from = f.run({"logs", "--offset", "5", id});
    EXPECT_EQ(from.exitCode, 0) << describe(from);
    EXPECT_EQ(from.out, "here\r\n");
}

TEST(Cli, SendTypesIntoTheSession) {
    Fixture f;
    auto job = f.start({"cat"}, {"--name", "echoer"});
    auto r = f.run({"send", "echoer", "ping-123"});
    EXPECT_EQ(r.exitCode, 0) << describe(r);
    EXPECT_NE(r.out.find("sent to"), std::string::npos);
    EXPECT_NE(f.waitLogs("echoer", "ping-123").find("ping-123"), std::string::npos);

    auto j = f.run({"--json", "send", "echoer", "pong-456"});
    ASSERT_EQ(j.exitCode, 0) << describe(j);
    EXPECT_EQ(parseOut(j).at("content"), "pong-456");
    f.run({"stop", "echoer"});

    auto ended = f.run({"--json", "send", "echoer", "late"});
    EXPECT_EQ(ended.exitCode, 1);
    EXPECT_EQ(parseOut(ended).at("code"), "not_running");
}

// ---- errors -----------------------------------------------------------------------------------

TEST(Cli, MissingCommandIsAClearError) {
    Fixture f;
    auto r = f.run({"run", "-d", "--", "no-such-cmd-pw"});
    EXPECT_EQ(r.exitCode, 1) << describe(r);
    EXPECT_NE(r.err.find("no-such-cmd-pw was not found"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("hint: "), std::string::npos) << r.err;

    auto j = f.run({"--json", "run", "-d", "--", "no-such-cmd-pw"});
    EXPECT_EQ(j.exitCode, 1);
    EXPECT_EQ(parseOut(j).at("code"), "invalid");

    auto nothing = f.run({"--json", "run", "-d"});
    EXPECT_EQ(nothing.exitCode, 2) << describe(nothing);
    EXPECT_EQ(parseOut(nothing).at("code"), "usage");

    auto badEnv = f.run({"run", "-d", "-e", "NOEQUALS", "--", "true"});
    EXPECT_EQ(badEnv.exitCode, 2) << describe(badEnv);
    auto badPort = f.run({"run", "-d", "-p", "99999", "--", "true"});
    EXPECT_EQ(badPort.exitCode, 2) << describe(badPort);
    auto badVerb = f.run({"--json", "frobnicate"});
    EXPECT_EQ(badVerb.exitCode, 2);
    EXPECT_EQ(parseOut(badVerb).at("code"), "usage");
}

TEST(Cli, UnknownIdsAreNotFound) {
    Fixture f;
    for (const auto& verb : std::vector<std::vector<std::string>>{
             {"logs", "nope"}, {"stop", "nope"}, {"send", "nope", "x"}}) {
        auto r = f.run(verb);
        EXPECT_EQ(r.exitCode, 1) << describe(r);
        EXPECT_NE(r.err.find("no session \"nope\""), std::string::npos) << r.err;
        auto args = verb;
        args.insert(args.begin(), "--json");
        auto j = f.run(args);
        EXPECT_EQ(parseOut(j).at("code"), "not_found");
    }
    auto ws = f.run({"--json", "ws", "rm", "nope"});
    EXPECT_EQ(parseOut(ws).at("code"), "not_found");
    auto repo = f.run({"--json", "repo", "rm", "nope"});
    EXPECT_EQ(parseOut(repo).at("code"), "not_found");
    auto runIn = f.run({"--json", "run", "-d", "-w", "nope", "--", "true"});
    EXPECT_EQ(parseOut(runIn).at("code"), "not_found");
}

TEST(Cli, AmbiguousPrefixesListTheCandidates) {
    Fixture f;
    // Sixteen hex digits: among 17 sessions two share their first character.
    auto workspace = f.api.createWorkspace(f.work.path().string());
    std::map<char, std::vector<std::string>> byFirst;
    char shared = 0;
    for (int i = 0; i < 17 && !shared; ++i) {
        auto id = str(f.api.start(workspace, {"true"}, R"("kind":"command")").at("id"));
        auto& list = byFirst[id[0]];
        list.push_back(id);
        if (list.size() == 2) shared = id[0];
    }
    ASSERT_NE(shared, 0);
    auto r = f.run({"logs", std::string(1, shared)});
    EXPECT_EQ(r.exitCode, 1) << describe(r);
    EXPECT_NE(r.err.find("names 2 sessions"), std::string::npos) << r.err;
    for (const auto& id : byFirst[shared])
        EXPECT_NE(r.err.find(id.substr(0, 8)), std::string::npos);
    auto j = f.run({"--json", "logs", std::string(1, shared)});
    EXPECT_EQ(parseOut(j).at("code"), "ambiguous");
    // A longer prefix is unique.
    auto unique = f.run({"--json", "logs", byFirst[shared][0]});
    EXPECT_EQ(unique.exitCode, 0) << describe(unique);

    // Two running sessions with one name are ambiguous too.
    auto one = str(f.start({"sleep", "60"}, {"--name", "twin"}).at("job_id"));
    auto two = str(f.start({"sleep", "60"}, {"--name", "twin"}).at("job_id"));
    auto twin = f.run({"--json", "stop", "twin"});
    EXPECT_EQ(parseOut(twin).at("code"), "ambiguous");
    f.run({"stop", one});
    f.run({"stop", two});
}

// ---- repositories and workspaces --------------------------------------------------------------

TEST(Cli, RepositoriesAndWorkspaces) {
    Fixture f;
    GitRepo repo("clirepo");
    auto add = f.run({"repo", "add", repo.path().string(), "--name", "proj"});
    ASSERT_EQ(add.exitCode, 0) << describe(add);
    EXPECT_NE(add.out.find("added repository proj"), std::string::npos) << add.out;
    auto again = f.run({"--json", "repo", "add", repo.path().string()});
    EXPECT_EQ(parseOut(again).at("code"), "conflict");

    auto ls = f.run({"repo", "ls"});
    EXPECT_NE(ls.out.find("proj"), std::string::npos) << ls.out;
    EXPECT_NE(ls.out.find("BRANCH"), std::string::npos) << ls.out;
    auto repos = parseOut(f.run({"--json", "repo", "ls"})).as_array();
    ASSERT_EQ(repos.size(), 1u);
    EXPECT_EQ(repos[0].at("name"), "proj");

    auto made = f.run({"--json", "ws", "new", "Feature One", "--repo", "proj"});
    ASSERT_EQ(made.exitCode, 0) << describe(made);
    auto ws = parseOut(made).as_object();
    EXPECT_EQ(ws.at("gitWorktree").at("branchName"), "parawork/feature-one");
    auto wsPath = str(ws.at("path"));
    EXPECT_TRUE(fs::is_directory(wsPath));

    auto human = f.run({"ws", "new", "second", "--repo", str(repos[0].at("id")).substr(0, 6)});
    EXPECT_EQ(human.exitCode, 0) << describe(human);
    EXPECT_NE(human.out.find("branch parawork/second"), std::string::npos) << human.out;

    auto wsLs = f.run({"ws", "ls"});
    EXPECT_NE(wsLs.out.find("Feature One"), std::string::npos) << wsLs.out;
    EXPECT_NE(wsLs.out.find("parawork/second"), std::string::npos) << wsLs.out;
    EXPECT_EQ(parseOut(f.run({"--json", "ws", "ls"})).as_array().size(), 2u);

    // run -w places the command in the workspace.
    auto job = f.start({"pwd"}, {"-w", "Feature One"});
    EXPECT_EQ(job.at("workspace_id"), ws.at("id"));
    EXPECT_NE(f.waitLogs(str(job.at("job_id")), wsPath).find(wsPath), std::string::npos);

    auto rm = f.run({"--json", "ws", "rm", "Feature One"});
    ASSERT_EQ(rm.exitCode, 0) << describe(rm);
    EXPECT_EQ(parseOut(rm).at("removed"), true);
    EXPECT_FALSE(fs::exists(wsPath));
    auto rmHuman = f.run({"ws", "rm", "second"});
    EXPECT_NE(rmHuman.out.find("removed workspace second"), std::string::npos) << rmHuman.out;

    auto repoRm = f.run({"repo", "rm", "proj"});
    EXPECT_EQ(repoRm.exitCode, 0) << describe(repoRm);
    EXPECT_TRUE(parseOut(f.run({"--json", "repo", "ls"})).as_array().empty());
}

// ---- open, completion -------------------------------------------------------------------------

TEST(Cli, OpenPrintsTheLoginLink) {
    Fixture f;
    auto link =
        "http://127.0.0.1:" + std::to_string(f.daemon.port()) + "/?token=" + f.daemon.token();
    auto r = f.run({"open", "--print"});
    EXPECT_EQ(r.exitCode, 0) << describe(r);
    EXPECT_EQ(r.out, link + "\n");
    auto j = f.run({"--json", "open", "--print"});
    EXPECT_EQ(str(parseOut(j).at("url")), link);
    EXPECT_EQ(parseOut(j).at("opened"), false);
}

TEST(Cli, CompletionScriptsComeFromTheCommands) {
    TempDir home("pw-cli-home");
    auto bash = cli(home.path(), {"completion", "bash"});
    ASSERT_EQ(bash.exitCode, 0) << describe(bash);
    EXPECT_NE(bash.out.find("complete -o default -F _parawork parawork"), std::string::npos);
    EXPECT_NE(bash.out.find("'run') words='"), std::string::npos);
    EXPECT_NE(bash.out.find("--detach"), std::string::npos);
    EXPECT_NE(bash.out.find("'ws/new')"), std::string::npos);
    // The script is valid bash.
    auto script = home.path() / "completion.bash";
    std::ofstream(script) << bash.out;
    EXPECT_EQ(runProcess({"/bin/bash", "-n", script.string()}).exitCode, 0);

    auto zsh = cli(home.path(), {"completion", "zsh"});
    EXPECT_NE(zsh.out.find("#compdef parawork"), std::string::npos);
    auto fish = cli(home.path(), {"completion", "fish"});
    EXPECT_NE(fish.out.find("-a logs"), std::string::npos);
    EXPECT_NE(fish.out.find("-l follow"), std::string::npos);
    EXPECT_EQ(cli(home.path(), {"completion", "tcsh"}).exitCode, 2);
    // No daemon was needed or started.
    EXPECT_FALSE(fs::exists(home.path() / "run" / "daemon.json"));
}

TEST(Cli, VersionAndConfigForAgents) {
    TempDir home("pw-cli-home");
    auto version = cli(home.path(), {"--json", "version"});
    EXPECT_EQ(version.exitCode, 0) << describe(version);
    EXPECT_TRUE(parseOut(version).at("version").is_string());
    auto path = cli(home.path(), {"config", "path", "--json"});
    EXPECT_EQ(str(parseOut(path).at("path")), (home.path() / "config" / "config.toml").string());
    auto defaults = cli(home.path(), {"--json", "config", "defaults"});
    EXPECT_NE(str(parseOut(defaults).at("toml")).find("[server]"), std::string::npos);
    EXPECT_NE(cli(home.path(), {"config", "defaults"}).out.find("[server]"), std::string::npos);
}

// ---- GET /api/sessions ------------------------------------------------------------------------

TEST(Cli, SessionsListAcrossWorkspaces) {
    Fixture f;
    TempDir other("pw-cli-other");
    auto a = f.api.createWorkspace(f.work.path().string());
    auto b = f.api.createWorkspace(other.path().string());
    auto done = str(f.api.start(a, {"true"}, R"("kind":"command")").at("id"));
    f.api.waitEnded(done);
    auto live = str(f.api.start(b, {"sleep", "60"}, R"("kind":"command")").at("id"));
    auto agent = str(f.api.start(a, {"sleep", "60"}).at("id"));

    auto active = f.api.call("GET", "/api/sessions").at("data").as_array();
    std::set<std::string> activeIds;
    for (const auto& s : active) activeIds.insert(str(s.at("id")));
    EXPECT_EQ(activeIds, (std::set<std::string>{live, agent}));

    auto all = f.api.call("GET", "/api/sessions?all=1").at("data").as_array();
    ASSERT_EQ(all.size(), 3u);
    // Newest first.
    EXPECT_EQ(str(all[0].at("id")), agent);
    EXPECT_EQ(str(all[2].at("id")), done);
    f.run({"stop", live});
    f.run({"stop", agent});
}

TEST(Cli, PortsAndPreviewUrlsForPeopleAndAgents) {
    Fixture f;
    // Declared at start: its preview URL comes back at once, before the server listens.
    auto job =
        f.start({"sh", "-c", "sleep 0.3; exec python3 -m http.server \"$PORT\" --bind 127.0.0.1"},
                {"-p", "20000"});
    auto id = str(job.at("job_id"));
    auto urls = job.at("preview_urls").as_object();
    ASSERT_TRUE(urls.contains("20000")) << json::serialize(job);
    auto url = str(urls.at("20000"));
    EXPECT_EQ(
        url.rfind("http://20000-" + str(job.at("workspace_id")).substr(0, 8) + ".localhost:", 0),
        0u)
        << url;

    // Then the server listens on its block's PORT: listed by `ports`, for people and agents.
    json::array listed;
    auto until = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < until) {
        auto r = f.run({"--json", "ports", id.substr(0, 8)});
        ASSERT_EQ(r.exitCode, 0) << describe(r);
        listed = parseOut(r).as_array();
        bool listening = false;
        for (const auto& p : listed) listening |= p.at("state").as_string() == "listening";
        if (listening) break;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_FALSE(listed.empty());
    auto human = f.run({"ports"});
    EXPECT_EQ(human.exitCode, 0) << describe(human);
    EXPECT_NE(human.out.find("PREVIEW"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find(".localhost:"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find(id.substr(0, 8)), std::string::npos) << human.out;

    auto bad = f.run({"run", "-d", "-p", "70000", "--", "true"});
    EXPECT_NE(bad.exitCode, 0);
    EXPECT_NE(bad.err.find("expected a port number"), std::string::npos) << describe(bad);
    auto unknown = f.run({"ports", "nosuchsession"});
    EXPECT_NE(unknown.exitCode, 0);
    f.run({"stop", id});
}

}  // namespace
}  // namespace parawork::test
