// `parawork exec` and POST /api/sessions/:id/exec end to end (issue 5): a real daemon runs real
// commands in a session's directory; stdout, stderr and exit codes come back apart, in human and
// --json form; timeouts, signals, the output cap, the concurrency bound and every bad input are
// clear. Also `ws open`, and that progress lines never reach a pipe or --json.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/session_api.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

json::object parseObject(const ProcessResult& r) {
    try {
        return json::parse(r.out).as_object();
    } catch (const std::exception&) {
        ADD_FAILURE() << "not a JSON object: " << describe(r);
        return {};
    }
}

/// A daemon, a plain workspace in a directory of its own, and a session running in it.
struct Fixture {
    DaemonProcess daemon;
    SessionApi api{daemon};
    TempDir work{"pw-exec-work"};
    std::string workPath = fs::canonical(work.path()).string();
    std::string workspace = api.createWorkspace(workPath);
    std::string session = str(
        api.start(workspace, {"sleep", "600"}, R"("kind":"command","env":{"FROM_SESSION":"s1"})")
            .at("id"));

    ~Fixture() { api.call("POST", "/api/sessions/" + session + "/stop"); }

    /// `parawork --home … args…` (through sh when `shellPrefix` is given, e.g. a pipe into it).
    ProcessResult cli(std::vector<std::string> args, const std::string& shellPrefix = {}) {
        std::vector<std::string> argv{parawork(), "--home", daemon.home().string()};
        argv.insert(argv.end(), args.begin(), args.end());
        if (!shellPrefix.empty()) {
            std::string script = shellPrefix + " exec \"$@\"";
            argv.insert(argv.begin(), {"/bin/sh", "-c", script, "sh"});
        }
        return runProcess(argv, {{"NO_COLOR", "1"}});
    }
    /// POST /exec with `body`; the envelope, and the status in `status`.
    json::object execApi(const std::string& body, unsigned& status, const std::string& id = {}) {
        return api
            .call("POST", "/api/sessions/" + (id.empty() ? session : id) + "/exec", body, &status)
            .as_object();
    }
};

// ---- the CLI ----------------------------------------------------------------------------------

TEST(CliExec, RunsInTheSessionsDirectoryWithItsOutputAndExitCodeForPeople) {
    Fixture f;
    auto r = f.cli({"exec", f.session.substr(0, 8), "--", "sh", "-c",
                    "pwd; echo to-err >&2; echo \"$FROM_SESSION $PARAWORK_SESSION_ID\"; exit 3"});
    EXPECT_EQ(r.exitCode, 3) << describe(r);
    EXPECT_EQ(r.out, f.workPath + "\ns1 " + f.session + "\n");
    EXPECT_EQ(r.err, "to-err\n");

    auto quiet = f.cli({"exec", f.session, "--", "true"});
    EXPECT_EQ(quiet.exitCode, 0) << describe(quiet);
    EXPECT_EQ(quiet.out, "");
    EXPECT_EQ(quiet.err, "");
}

TEST(CliExec, AnswersAgentsInJson) {
    Fixture f;
    auto r = f.cli({"--json", "exec", "-e", "EXTRA=yes", f.session, "--", "sh", "-c",
                    "echo \"out $EXTRA\"; echo err >&2; exit 5"});
    EXPECT_EQ(r.exitCode, 0) << "the exec worked; the command's code is in the answer";
    auto j = parseObject(r);
    EXPECT_EQ(str(j.at("stdout")), "out yes\n");
    EXPECT_EQ(str(j.at("stderr")), "err\n");
    EXPECT_EQ(j.at("exit_code").to_number<int>(), 5);
    EXPECT_EQ(j.at("timed_out"), false);
    EXPECT_EQ(j.at("truncated"), false);
    EXPECT_TRUE(j.at("duration_ms").is_number());
    EXPECT_FALSE(j.contains("signal"));
}

TEST(CliExec, ForwardsStdinWhenAsked) {
    Fixture f;
    auto r = f.cli({"exec", "-i", f.session, "--", "tr", "a-z", "A-Z"}, "printf 'hello' |");
    EXPECT_EQ(r.exitCode, 0) << describe(r);
    EXPECT_EQ(r.out, "HELLO");
    // Without -i the command's stdin is empty, whatever ours holds.
    auto without = f.cli({"exec", f.session, "--", "cat"}, "printf 'hello' |");
    EXPECT_EQ(without.out, "");
}

TEST(CliExec, WorksForAFinishedSessionWhoseDirectoryExists) {
    Fixture f;
    auto done = str(f.api.start(f.workspace, {"true"}, R"("kind":"command")").at("id"));
    f.api.waitEnded(done);
    auto r = f.cli({"exec", done, "--", "pwd"});
    EXPECT_EQ(r.exitCode, 0) << describe(r);
    EXPECT_EQ(r.out, f.workPath + "\n");
}

TEST(CliExec, ATimeoutKillsTheCommandAndExits124) {
    Fixture f;
    auto r = f.cli({"exec", "--timeout", "1s", f.session, "--", "sleep", "100"});
    EXPECT_EQ(r.exitCode, 124) << describe(r);
    EXPECT_NE(r.err.find("sleep timed out"), std::string::npos) << r.err;

    auto j = f.cli({"--json", "exec", "--timeout", "1s", f.session, "--", "sleep", "100"});
    auto answer = parseObject(j);
    EXPECT_EQ(answer.at("timed_out"), true);
    EXPECT_EQ(answer.at("exit_code").to_number<int>(), 124);
    EXPECT_EQ(answer.at("signal").to_number<int>(), SIGKILL);
}

TEST(CliExec, ASignalsEndIs128PlusIt) {
    Fixture f;
    auto r = f.cli({"exec", f.session, "--", "sh", "-c", "kill -TERM $$"});
    EXPECT_EQ(r.exitCode, 128 + SIGTERM) << describe(r);
    EXPECT_NE(r.err.find("killed by signal 15"), std::string::npos) << r.err;
    auto j = parseObject(f.cli({"--json", "exec", f.session, "--", "sh", "-c", "kill -TERM $$"}));
    EXPECT_EQ(j.at("signal").to_number<int>(), SIGTERM);
    EXPECT_EQ(j.at("exit_code").to_number<int>(), 128 + SIGTERM);
}

TEST(CliExec, LargeOutputIsCutAt8MiBAndSaysSo) {
    Fixture f;
    auto j = f.cli({"--json", "exec", f.session, "--", "sh", "-c",
                    "head -c 9437184 /dev/zero | tr '\\0' a; echo fine >&2"});
    ASSERT_EQ(j.exitCode, 0) << describe(j);
    auto answer = parseObject(j);
    EXPECT_EQ(answer.at("truncated"), true);
    EXPECT_EQ(answer.at("stdout").as_string().size(), 8u << 20);
    EXPECT_EQ(str(answer.at("stderr")), "fine\n");
    EXPECT_EQ(answer.at("exit_code").to_number<int>(), 0);

    auto human = f.cli({"exec", f.session, "--", "head", "-c", "9437184", "/dev/zero"});
    EXPECT_EQ(human.out.size(), 8u << 20);
    EXPECT_NE(human.err.find("the output was cut"), std::string::npos) << human.err;
}

TEST(CliExec, BadInputIsAClearError) {
    Fixture f;
    auto nothing = f.cli({"exec", f.session});
    EXPECT_EQ(nothing.exitCode, 2) << describe(nothing);
    EXPECT_NE(nothing.err.find("nothing to run"), std::string::npos) << nothing.err;
    EXPECT_NE(nothing.err.find("hint: "), std::string::npos) << nothing.err;

    auto missing = f.cli({"exec", f.session, "--", "no-such-program-xyz"});
    EXPECT_EQ(missing.exitCode, 1) << describe(missing);
    EXPECT_NE(missing.err.find("no-such-program-xyz was not found on PATH"), std::string::npos)
        << missing.err;
    EXPECT_NE(missing.err.find("hint: the command runs in " + f.workPath), std::string::npos)
        << missing.err;
    auto missingJson = parseObject(f.cli({"--json", "exec", f.session, "--", "no-such-xyz"}));
    EXPECT_EQ(missingJson.at("code"), "invalid");

    auto unknown = parseObject(f.cli({"--json", "exec", "zzz", "--", "true"}));
    EXPECT_EQ(unknown.at("code"), "not_found");

    auto badTimeout = f.cli({"exec", "--timeout", "soon", f.session, "--", "true"});
    EXPECT_EQ(badTimeout.exitCode, 2) << describe(badTimeout);
    EXPECT_NE(badTimeout.err.find("--timeout soon"), std::string::npos) << badTimeout.err;
    auto tooLong =
        parseObject(f.cli({"--json", "exec", "--timeout", "1h", f.session, "--", "true"}));
    EXPECT_EQ(tooLong.at("code"), "invalid");
    EXPECT_NE(str(tooLong.at("error")).find("timeoutMs"), std::string::npos);

    auto badEnv = f.cli({"exec", "-e", "NOEQUALS", f.session, "--", "true"});
    EXPECT_EQ(badEnv.exitCode, 2) << describe(badEnv);
}

TEST(CliExec, AGoneDirectoryIsRefused) {
    Fixture f;
    auto gone = f.work.path() / "gone";
    fs::create_directory(gone);
    auto ws = f.api.createWorkspace(gone.string());
    auto done = str(f.api.start(ws, {"true"}, R"("kind":"command")").at("id"));
    f.api.waitEnded(done);
    fs::remove(gone);
    auto r = parseObject(f.cli({"--json", "exec", done, "--", "true"}));
    EXPECT_EQ(r.at("code"), "invalid");
    EXPECT_NE(str(r.at("error")).find("no longer exists"), std::string::npos) << r;
}

// ---- the endpoint -----------------------------------------------------------------------------

TEST(ExecApi, AnswersTheRunsFacts) {
    Fixture f;
    unsigned status = 0;
    auto r = f.execApi(
        R"({"command":["sh","-c","cat; echo \"$K\" >&2"],"stdin":"in","env":{"K":"v"},"timeoutMs":5000})",
        status);
    ASSERT_EQ(status, 200u) << r;
    const auto& d = r.at("data").as_object();
    EXPECT_EQ(str(d.at("stdout")), "in");
    EXPECT_EQ(str(d.at("stderr")), "v\n");
    EXPECT_EQ(d.at("exitCode").to_number<int>(), 0);
    EXPECT_TRUE(d.at("signal").is_null());
    EXPECT_EQ(d.at("timedOut"), false);
    EXPECT_EQ(d.at("truncated"), false);
    EXPECT_TRUE(d.at("durationMs").is_number());
}

TEST(ExecApi, GetsTheWorkspacesPortsLikeItsSessions) {
    Fixture f;
    unsigned status = 0;
    auto r = f.execApi(R"({"command":["sh","-c","echo \"$PORT $PARAWORK_PORTS\""]})", status);
    ASSERT_EQ(status, 200u) << r;
    auto out = str(r.at("data").at("stdout"));
    auto port = std::stoi(out);
    EXPECT_GE(port, 1024) << out;
    EXPECT_NE(out.find(" " + std::to_string(port) + "-"), std::string::npos) << out;
}

TEST(ExecApi, RefusesBadRequestsClearly) {
    Fixture f;
    auto refused = [&](const std::string& body, unsigned expected, const std::string& needle,
                       const std::string& id = {}) {
        unsigned status = 0;
        auto r = f.execApi(body, status, id);
        EXPECT_EQ(status, expected) << body << " -> " << r;
        EXPECT_EQ(r.at("success"), false);
        EXPECT_NE(str(r.at("error")).find(needle), std::string::npos) << body << " -> " << r;
    };
    refused(R"({})", 400, "command: required");
    refused(R"({"command":"ls -l"})", 400, "command");
    refused(R"({"command":[]})", 400, "must not be empty");
    refused(R"({"command":[""]})", 400, "must not be empty");
    refused(R"({"command":["ls",3]})", 400, "command");
    refused(R"({"command":["a\u0000b"]})", 400, "NUL");
    refused(R"({"command":["true","x"],"timeoutMs":0})", 400, "timeoutMs");
    refused(R"({"command":["true"],"timeoutMs":600001})", 400, "timeoutMs");
    refused(R"({"command":["true"],"env":{"A=B":"c"}})", 400, "env");
    refused(R"({"command":["true"],"env":{"A":1}})", 400, "env");
    refused(R"({"command":["true"],"stdin":5})", 400, "stdin");
    refused(R"({"command":["no-such-program-xyz"]})", 400, "not found on PATH");
    refused(R"({"command":["./nope"]})", 400, "does not exist");
    refused(R"({"command":["true"]})", 404, "Session not found", "no-such-session");
    std::string huge(70000, 'x');
    refused(R"({"command":["echo",")" + huge + R"("]})", 400, "exceed");
}

TEST(ExecApi, BoundsTheCommandsRunningAtOnce) {
    Fixture f;  // two worker threads by default: one exec at a time, one worker left
    auto marker = f.work.path() / "started";
    auto logFile = f.work.path() / "first.log";
    pid_t first = spawnProcess({parawork(), "--home", f.daemon.home().string(), "exec", "--timeout",
                                "5s", f.session, "--", "sh", "-c", "touch started; exec sleep 100"},
                               {}, logFile);
    for (int i = 0; i < 600 && !fs::exists(marker); ++i) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(fs::exists(marker)) << "the first exec never started";
    unsigned status = 0;
    auto busy = f.execApi(R"({"command":["true"]})", status);
    EXPECT_EQ(status, 429u) << busy;
    EXPECT_NE(str(busy.at("error")).find("Too many commands"), std::string::npos);
    // The rest of the API still answers meanwhile.
    EXPECT_EQ(f.api.session(f.session).at("status"), "running");
    EXPECT_EQ(waitForExit(first, 30s), 124);
    // The slot is free again.
    f.execApi(R"({"command":["true"]})", status);
    EXPECT_EQ(status, 200u);
}

// ---- ws open, progress lines ------------------------------------------------------------------

TEST(CliWorkspace, OpenPrintsTheLinkToTheWorkspace) {
    Fixture f;
    auto link = "http://127.0.0.1:" + std::to_string(f.daemon.port()) +
                "/?token=" + f.daemon.token() + "#/workspaces/" + f.workspace;
    auto r = f.cli({"ws", "open", "--print", f.workspace.substr(0, 8)});
    EXPECT_EQ(r.exitCode, 0) << describe(r);
    EXPECT_EQ(r.out, link + "\n");
    auto j = parseObject(f.cli({"--json", "ws", "open", "--print", f.workspace}));
    EXPECT_EQ(str(j.at("url")), link);
    EXPECT_EQ(str(j.at("workspace_id")), f.workspace);
    EXPECT_EQ(j.at("opened"), false);
    auto unknown = parseObject(f.cli({"--json", "ws", "open", "zzz"}));
    EXPECT_EQ(unknown.at("code"), "not_found");
}

TEST(CliWorkspace, NoSpinnerOnAPipeOrInJson) {
    Fixture f;
    TempDir plain("pw-exec-plain");
    auto human = f.cli({"ws", "new", "quiet", "--plain", "--path", plain.path().string()});
    EXPECT_EQ(human.exitCode, 0) << describe(human);
    EXPECT_EQ(human.err, "creating workspace quiet…\n");
    auto j = f.cli({"--json", "ws", "rm", "quiet"});
    EXPECT_EQ(j.exitCode, 0) << describe(j);
    EXPECT_EQ(j.err, "");
    auto stop = f.cli({"stop", f.session});
    EXPECT_EQ(stop.err, "");
}

}  // namespace
}  // namespace parawork::test
