// Agent hooks end to end (issue 19 §2): a stand-in for Claude Code, started through its profile
// like the real one, finds the hook command in the settings file parawork passed with
// --settings and runs it through a shell with each event's documented JSON on stdin, one step at
// a time; after each step the session's activity is what the event means. Then the hook calls
// that must be refused: no or a wrong session id, garbage, 10 MB, a session that has ended.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include <boost/json/serialize.hpp>

#include "support/session_api.hpp"
#include "unit_support/wait_until.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string claudeEvent(const std::string& name, const std::string& fields = "") {
    return R"({"session_id":"abc123","transcript_path":"/tmp/t.jsonl","cwd":"/tmp",)"
           R"("permission_mode":"default","hook_event_name":")" +
           name + "\"" + (fields.empty() ? "" : "," + fields) + "}";
}

struct Step {
    std::string name;  ///< unique: the stand-in echoes "sent <name>" when its hook has run
    std::string event;
    std::string state, waitingFor, reason;
};

// The documented order of a turn: a prompt, a tool without a permission, a question, a tool
// that needs one, a sub-agent, a failure, another prompt and a stop.
std::vector<Step> turn() {
    const std::string bash = R"("tool_name":"Bash","tool_input":{"command":"rm -rf build"})";
    const std::string ask = R"("tool_name":"AskUserQuestion","tool_input":{"questions":[)"
                            R"({"question":"Which database?","options":[]}]})";
    return {
        {"01-start", claudeEvent("SessionStart", R"("source":"startup")"), "idle", "", ""},
        {"02-prompt", claudeEvent("UserPromptSubmit", R"("prompt":"clean up")"), "working", "", ""},
        {"03-ls", claudeEvent("PreToolUse", R"("tool_name":"Bash","tool_input":{"command":"ls"})"),
         "working", "", ""},
        {"04-ls-done", claudeEvent("PostToolUse", R"("tool_name":"Bash","tool_response":{})"),
         "working", "", ""},
        {"05-ask", claudeEvent("PreToolUse", ask), "waiting", "question", "asks: Which database?"},
        {"06-answered", claudeEvent("PostToolUse", ask), "working", "", ""},
        {"07-rm", claudeEvent("PreToolUse", bash), "working", "", ""},
        {"08-rm-asks", claudeEvent("PermissionRequest", bash), "waiting", "permission",
         "wants to run `rm -rf build`"},
        {"09-rm-done", claudeEvent("PostToolUse", bash), "working", "", ""},
        {"10-subagent", claudeEvent("SubagentStop", R"("agent_id":"a1","stop_hook_active":false)"),
         "working", "", ""},
        {"11-failed",
         claudeEvent("StopFailure", R"("error_type":"rate_limit","error_message":"429")"),
         "waiting", "error", "hit a rate limit: 429"},
        {"12-again", claudeEvent("UserPromptSubmit", R"("prompt":"go on")"), "working", "", ""},
        {"13-stop", claudeEvent("Stop", R"("stop_hook_active":false)"), "idle", "", ""},
    };
}

/// A directory with the stand-in `claude` and its events.
class StandIn {
  public:
    explicit StandIn(const std::vector<Step>& steps) {
        fs::create_directories(dir_.path() / "bin");
        for (const auto& step : steps)
            std::ofstream(dir_.path() / (step.name + ".json")) << step.event;
        auto script = dir_.path() / "bin" / "claude";
        // Claude Code runs a command hook through a shell with the event on stdin.
        std::ofstream(script)
            << "#!/bin/sh\n"
               "while [ $# -gt 0 ]; do\n"
               "  [ \"$1\" = --settings ] && settings=$2\n"
               "  shift\n"
               "done\n"
               "hook=$(grep -o '\"command\": \"[^\"]*\"' \"$settings\" | head -n1 "
               "| sed 's/^\"command\": \"//; s/\"$//')\n"
               "echo \"ready: $settings\"\n"
               "while IFS= read -r name; do\n"
               "  sh -c \"$hook\" < '"
            << dir_.path().string()
            << "'/\"$name\".json\n"
               "  echo \"sent $name\"\n"
               "done\n";
        fs::permissions(script, fs::perms::owner_all);
    }
    std::string path() const { return (dir_.path() / "bin").string() + ":" + getenv("PATH"); }

  private:
    TempDir dir_{"hooks"};
};

json::object activityOf(SessionApi& api, const std::string& id) {
    return api.session(id).at("activity").as_object();
}

/// A string field, or null when `expected` is "" (waitingFor and reason when there is none).
bool fieldIs(const json::object& activity, const char* name, const std::string& expected) {
    const auto& value = activity.at(name);
    return expected.empty() ? value.is_null() : value == expected.c_str();
}

bool activityIs(SessionApi& api, const std::string& id, const Step& step) {
    auto activity = activityOf(api, id);
    return fieldIs(activity, "state", step.state) &&
           fieldIs(activity, "waitingFor", step.waitingFor) &&
           fieldIs(activity, "reason", step.reason) && activity.at("source") == "hook";
}

TEST(AgentHooks, AClaudeCodeStandInReportsEachStepThroughItsSettingsFile) {
    auto steps = turn();
    StandIn standIn(steps);
    DaemonProcess daemon(DaemonProcess::Options{.env = {{"PATH", standIn.path()}}});
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    auto started =
        api.call("POST", "/api/workspaces/" + ws + "/sessions", R"({"agentType":"claude-code"})");
    ASSERT_TRUE(started.at("success").as_bool()) << json::serialize(started);
    std::string id(started.at("data").at("id").as_string());
    auto settings = daemon.home() / "data" / "agent-hooks" / "claude-code.json";
    api.waitOutput(id, "ready: " + settings.string());
    for (const auto& step : steps) {
        SCOPED_TRACE(step.name);
        api.call("POST", "/api/sessions/" + id + "/input",
                 json::serialize(json::object{{"input", step.name + "\r"}}));
        api.waitOutput(id, "sent " + step.name);
        EXPECT_TRUE(waitUntil([&] { return activityIs(api, id, step); }))
            << json::serialize(activityOf(api, id));
    }
}

/// `parawork hook` as an agent runs it: `stdin` is a shell redirection or pipe; env on top.
struct HookRun {
    ProcessResult result;
    std::chrono::milliseconds took;
};

HookRun runHook(const DaemonProcess& daemon, const std::string& stdinFrom,
                std::map<std::string, std::string> env, const std::vector<std::string>& args = {}) {
    std::string line = "'" + parawork() + "' hook --socket '" + daemon.socketPath().string() + "'";
    for (const auto& arg : args) line += " '" + arg + "'";
    env.try_emplace("PARAWORK_HOOK_DEBUG", "1");
    auto began = std::chrono::steady_clock::now();
    auto result = runProcess({"/bin/sh", "-c", stdinFrom + " " + line}, env);
    return {result, std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - began)};
}

void expectQuietRefusal(const HookRun& run, const std::string& why) {
    EXPECT_EQ(run.result.exitCode, 0) << describe(run.result);
    EXPECT_EQ(run.result.out, "");  // an agent would read stdout as instructions
    EXPECT_NE(run.result.err.find(why), std::string::npos) << describe(run.result);
    EXPECT_LT(run.took, 10s);  // a ceiling for a loaded machine; the hook gives up after ~2 s
}

TEST(AgentHooks, BadHookCallsAreRefusedQuietlyAndChangeNothing) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    auto ws = api.createWorkspace();
    // A command session of an agent type: its hook events are read with that agent's profile.
    auto started = api.call("POST", "/api/workspaces/" + ws + "/sessions",
                            R"({"agentType":"claude-code","command":["sh","-c","read line"]})");
    ASSERT_TRUE(started.at("success").as_bool()) << json::serialize(started);
    std::string id(started.at("data").at("id").as_string());
    TempDir files("hookin");
    std::ofstream(files.path() / "stop.json") << claudeEvent("Stop");
    std::ofstream(files.path() / "garbage.json") << "{\"hook_event_name\": ";
    const std::string stop = "< '" + (files.path() / "stop.json").string() + "'";
    auto before = activityOf(api, id);

    expectQuietRefusal(runHook(daemon, stop, {}), "PARAWORK_SESSION_ID is not set");
    expectQuietRefusal(runHook(daemon, stop, {{"PARAWORK_SESSION_ID", "nope"}}),
                       "Session not found");
    expectQuietRefusal(runHook(daemon, stop, {{"PARAWORK_SESSION_ID", "../../daemon/shutdown"}}),
                       "not a session id");
    expectQuietRefusal(runHook(daemon, "< '" + (files.path() / "garbage.json").string() + "'",
                               {{"PARAWORK_SESSION_ID", id}}),
                       "HTTP 400");
    expectQuietRefusal(
        runHook(daemon, "head -c 10485760 /dev/zero |", {{"PARAWORK_SESSION_ID", id}}),
        "over 1 MiB");
    expectQuietRefusal(runHook(daemon, "< /dev/null", {{"PARAWORK_SESSION_ID", id}}, {"[1,2]"}),
                       "HTTP 400");
    EXPECT_EQ(activityOf(api, id), before);

    // Without PARAWORK_HOOK_DEBUG nothing at all is printed.
    auto silent = runHook(daemon, stop, {{"PARAWORK_HOOK_DEBUG", "0"}});
    EXPECT_EQ(silent.result.exitCode, 0);
    EXPECT_EQ(silent.result.err, "");

    // No daemon: still 0 at once, and none is started.
    DaemonProcess other;
    auto gone = other.socketPath();
    other.stop();
    auto noDaemon = runProcess({parawork(), "hook", "--socket", gone.string(), claudeEvent("Stop")},
                               {{"PARAWORK_SESSION_ID", id}, {"PARAWORK_HOOK_DEBUG", "1"}});
    EXPECT_EQ(noDaemon.exitCode, 0);
    EXPECT_NE(noDaemon.err.find("no daemon"), std::string::npos) << describe(noDaemon);
    EXPECT_FALSE(fs::exists(gone));

    // After its end the session's state is its end's.
    api.call("POST", "/api/sessions/" + id + "/input", R"({"input":"bye\r"})");
    api.waitEnded(id);
    auto ended = activityOf(api, id);
    expectQuietRefusal(runHook(daemon, stop, {{"PARAWORK_SESSION_ID", id}}), "HTTP 409");
    EXPECT_EQ(activityOf(api, id), ended);
    EXPECT_NE(daemon.output().find(id), std::string::npos);  // the refusals are logged
}

}  // namespace
}  // namespace parawork::test
