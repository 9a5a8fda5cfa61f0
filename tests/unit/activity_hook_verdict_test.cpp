// The hook layer read through the built-in profiles: each Claude Code event with the JSON its
// hooks reference documents, Codex's notify, and the inputs that must be refused.
#include "activity/hook_verdict.hpp"

#include <gtest/gtest.h>

#include "core/agents.hpp"
#include "core/error.hpp"

namespace parawork::activity {
namespace {

using core::ActivityState;
using core::WaitingFor;

const core::AgentHooks& claude() {
    return core::findAgent(core::builtinAgents(), "claude-code")->hooks;
}

// The common fields every Claude Code hook input has, then the event's own.
std::string claudeEvent(const std::string& name, const std::string& fields = "") {
    return R"({"session_id":"abc123","transcript_path":"/home/u/.claude/projects/p/t.jsonl",)"
           R"("cwd":"/work/w","permission_mode":"default","hook_event_name":")" +
           name + "\"" + (fields.empty() ? "" : "," + fields) + "}";
}

HookVerdict verdictOf(const std::string& json) {
    return interpretHook(claude(), json);
}

TEST(HookVerdict, ASessionStartsIdleUnlessACompactionRestartedIt) {
    auto started = verdictOf(claudeEvent("SessionStart", R"("source":"startup","model":"m")"));
    EXPECT_EQ(started.event, "SessionStart");
    EXPECT_EQ(started.state, ActivityState::Idle);
    EXPECT_EQ(verdictOf(claudeEvent("SessionStart", R"("source":"compact")")).state, std::nullopt);
}

TEST(HookVerdict, APromptMakesItWorkAndAToolThatRanKeepsItWorking) {
    EXPECT_EQ(verdictOf(claudeEvent("UserPromptSubmit", R"("prompt":"fix the tests")")).state,
              ActivityState::Working);
    auto post = verdictOf(claudeEvent(
        "PostToolUse", R"("tool_name":"Bash","tool_input":{"command":"ls"},"tool_response":{}, )"
                       R"("tool_use_id":"t1")"));
    EXPECT_EQ(post.state, ActivityState::Working);
    EXPECT_EQ(post.waitingFor, WaitingFor::None);
}

TEST(HookVerdict, AToolThatStartsChangesNothing) {
    auto pre = verdictOf(claudeEvent(
        "PreToolUse", R"("tool_name":"Bash","tool_input":{"command":"make"},"tool_use_id":"t")"));
    EXPECT_EQ(pre.event, "PreToolUse");
    EXPECT_EQ(pre.state, std::nullopt);
}

TEST(HookVerdict, AQuestionWaitsWithTheQuestion) {
    auto asked = verdictOf(claudeEvent(
        "PreToolUse", R"("tool_name":"AskUserQuestion","tool_input":{"questions":[)"
                      R"({"question":"Which database?","header":"DB","options":[)"
                      R"({"label":"SQLite"},{"label":"Postgres"}],"multiSelect":false}]})"));
    EXPECT_EQ(asked.state, ActivityState::Waiting);
    EXPECT_EQ(asked.waitingFor, WaitingFor::Question);
    EXPECT_EQ(asked.reason, "asks: Which database?");
}

TEST(HookVerdict, ABashPermissionNamesTheCommand) {
    auto asked = verdictOf(claudeEvent(
        "PermissionRequest", R"("tool_name":"Bash","tool_input":{"command":"rm -rf build",)"
                             R"("description":"Clean"},"permission_suggestions":[])"));
    EXPECT_EQ(asked.state, ActivityState::Waiting);
    EXPECT_EQ(asked.waitingFor, WaitingFor::Permission);
    EXPECT_EQ(asked.reason, "wants to run `rm -rf build`");
}

TEST(HookVerdict, OtherPermissionsNameTheFileOrTheTool) {
    EXPECT_EQ(verdictOf(claudeEvent("PermissionRequest",
                                    R"("tool_name":"Write","tool_input":{"file_path":"/w/a.c"})"))
                  .reason,
              "wants to write `/w/a.c`");
    auto mcp = verdictOf(
        claudeEvent("PermissionRequest", R"("tool_name":"mcp__github__merge","tool_input":{})"));
    EXPECT_EQ(mcp.waitingFor, WaitingFor::Permission);
    EXPECT_EQ(mcp.reason, "wants to use mcp__github__merge");
}

TEST(HookVerdict, NotificationsByType) {
    auto idle = verdictOf(claudeEvent(
        "Notification", R"("message":"Claude is waiting for your input","notification_type":)"
                        R"("idle_prompt")"));
    EXPECT_EQ(idle.state, ActivityState::Idle);
    auto elicited = verdictOf(
        claudeEvent("Notification",
                    R"("message":"Pick a repository","notification_type":"elicitation_dialog")"));
    EXPECT_EQ(elicited.state, ActivityState::Waiting);
    EXPECT_EQ(elicited.waitingFor, WaitingFor::Question);
    EXPECT_EQ(elicited.reason, "Pick a repository");
    // The dialog that PermissionRequest already reported, with a generic message only.
    EXPECT_EQ(verdictOf(claudeEvent("Notification",
                                    R"("message":"Claude needs your permission to use Bash",)"
                                    R"("notification_type":"permission_prompt")"))
                  .state,
              std::nullopt);
    EXPECT_EQ(verdictOf(claudeEvent("Notification", R"("notification_type":"auth_success")")).state,
              std::nullopt);
}

TEST(HookVerdict, AStopIsIdleAndSubAgentsChangeNothing) {
    EXPECT_EQ(verdictOf(claudeEvent("Stop", R"("stop_hook_active":false)")).state,
              ActivityState::Idle);
    auto sub = verdictOf(claudeEvent(
        "SubagentStop", R"("stop_hook_active":false,"agent_id":"a1","agent_type":"Explore")"));
    EXPECT_EQ(sub.event, "SubagentStop");
    EXPECT_EQ(sub.state, std::nullopt);
    EXPECT_EQ(verdictOf(claudeEvent("PostToolUse", R"("tool_name":"Read","agent_id":"a1")")).state,
              std::nullopt);
    EXPECT_EQ(verdictOf(claudeEvent("SessionEnd", R"("reason":"prompt_input_exit")")).state,
              std::nullopt);
}

TEST(HookVerdict, AFailedTurnWaitsWithTheError) {
    auto limited = verdictOf(
        claudeEvent("StopFailure", R"("error_type":"rate_limit","error":"429","error_message":)"
                                   R"("Rate limit exceeded")"));
    EXPECT_EQ(limited.state, ActivityState::Waiting);
    EXPECT_EQ(limited.waitingFor, WaitingFor::Error);
    EXPECT_EQ(limited.reason, "hit a rate limit: Rate limit exceeded");
    auto login = verdictOf(claudeEvent(
        "StopFailure", R"("error_type":"authentication_failed","error_message":"Invalid key")"));
    EXPECT_EQ(login.waitingFor, WaitingFor::Login);
    auto other = verdictOf(claudeEvent("StopFailure", R"("error_type":"server_error")"));
    EXPECT_EQ(other.waitingFor, WaitingFor::Error);
    EXPECT_EQ(other.reason, "stopped on an error:");  // a missing path is "", trailing space cut
}

// What Claude Code 2.1.197 (tests/agents) really sent to the hook of parawork's settings file,
// run with `--settings <file> -p "say hi"` without network (the ids and paths shortened).
TEST(HookVerdict, EventsRecordedFromClaudeCode) {
    EXPECT_EQ(
        verdictOf(R"({"session_id":"be28","transcript_path":"/h/.claude/projects/r/be28.jsonl",)"
                  R"("cwd":"/r","hook_event_name":"SessionStart","source":"startup"})")
            .state,
        ActivityState::Idle);
    EXPECT_EQ(verdictOf(R"({"session_id":"be28","transcript_path":"/h/t.jsonl","cwd":"/r",)"
                        R"("prompt_id":"f227","permission_mode":"default",)"
                        R"("hook_event_name":"UserPromptSubmit","prompt":"say hi"})")
                  .state,
              ActivityState::Working);
    auto end = verdictOf(R"({"session_id":"be28","transcript_path":"/h/t.jsonl","cwd":"/r",)"
                         R"("prompt_id":"f227","hook_event_name":"SessionEnd","reason":"other"})");
    EXPECT_EQ(end.event, "SessionEnd");
    EXPECT_EQ(end.state, std::nullopt);
}

TEST(HookVerdict, CodexNotifiesTheEndOfATurn) {
    const auto& codex = core::findAgent(core::builtinAgents(), "codex")->hooks;
    auto done = interpretHook(
        codex, R"({"type":"agent-turn-complete","thread-id":"t","turn-id":"1","cwd":"/w",)"
               R"("input-messages":["fix it"],"last-assistant-message":"Done."})");
    EXPECT_EQ(done.event, "agent-turn-complete");
    EXPECT_EQ(done.state, ActivityState::Idle);
}

TEST(HookVerdict, AnUnknownEventChangesNothing) {
    auto unknown = verdictOf(claudeEvent("PreCompact", R"("trigger":"auto")"));
    EXPECT_EQ(unknown.event, "PreCompact");
    EXPECT_EQ(unknown.state, std::nullopt);
    EXPECT_EQ(unknown.reason, "");
}

TEST(HookVerdict, TheFirstMatchingRuleWinsAndWhenNeedsEveryPair) {
    core::AgentHooks hooks;
    hooks.eventField = "event.name";  // a dotted path
    hooks.rules = {
        {"Ask",
         {{"kind", "plan"}, {"urgent", "true"}},
         ActivityState::Waiting,
         WaitingFor::Question,
         "urgent plan"},
        {"Ask", {{"kind", "*"}}, ActivityState::Waiting, WaitingFor::Input, "{kind}: {n} {"},
        {"Ask", {}, ActivityState::Working, WaitingFor::None, "never reached with a kind"},
    };
    auto both = interpretHook(hooks, R"({"event":{"name":"Ask"},"kind":"plan","urgent":true})");
    EXPECT_EQ(both.reason, "urgent plan");  // a bool compares as its JSON text
    auto kind = interpretHook(hooks, R"({"event":{"name":"Ask"},"kind":"plan","n":7})");
    EXPECT_EQ(kind.waitingFor, WaitingFor::Input);
    EXPECT_EQ(kind.reason, "plan: 7 {");  // a number as its JSON; an unclosed brace stays
    EXPECT_EQ(interpretHook(hooks, R"({"event":{"name":"Ask"}})").state, ActivityState::Working);
}

TEST(HookVerdict, ReasonsAreOneBoundedLine) {
    std::string command = "echo one\\n\\techo two";
    for (int i = 0; i < 200; ++i) command += " \u00e9t\u00e9";  // two-byte characters
    auto asked = verdictOf(claudeEvent(
        "PermissionRequest", R"("tool_name":"Bash","tool_input":{"command":")" + command + "\"}"));
    EXPECT_EQ(asked.reason.find('\n'), std::string::npos);
    EXPECT_EQ(asked.reason.find('\t'), std::string::npos);
    EXPECT_LE(asked.reason.size(), 200U);
    EXPECT_EQ(asked.reason.rfind("wants to run `echo one echo two \u00e9t\u00e9", 0), 0U);
    EXPECT_EQ(asked.reason.substr(asked.reason.size() - 3), "\u2026");
    // Cut on a character boundary: the byte before the ellipsis ends a whole character.
    auto beforeEllipsis = static_cast<unsigned char>(asked.reason[asked.reason.size() - 4]);
    EXPECT_TRUE(beforeEllipsis < 0x80 || (beforeEllipsis & 0xC0) == 0x80);
}

TEST(HookVerdict, HugeStringsAreBoundedEverywhere) {
    std::string huge(2 * 1024 * 1024, 'x');
    auto asked = verdictOf(claudeEvent(
        "PermissionRequest", R"("tool_name":"Bash","tool_input":{"command":")" + huge + "\"}"));
    EXPECT_LE(asked.reason.size(), 200U);
    auto named = verdictOf(claudeEvent(huge));
    EXPECT_LE(named.event.size(), 64U);
    EXPECT_EQ(named.state, std::nullopt);
}

TEST(HookVerdict, RefusesWhatIsNotAnEvent) {
    auto refused = [](const std::string& json) {
        try {
            verdictOf(json);
        } catch (const core::Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(refused("{not json"), "the hook event is not JSON (syntax error)");
    EXPECT_EQ(refused(""), "the hook event is not JSON (incomplete JSON)");
    EXPECT_EQ(refused(R"(["Stop"])"), "the hook event is not a JSON object");
    EXPECT_EQ(refused(R"("Stop")"), "the hook event is not a JSON object");
    EXPECT_EQ(refused(R"({"session_id":"s"})"),
              "the hook event has no name at \"hook_event_name\"");
    EXPECT_EQ(refused(R"({"hook_event_name":""})"),
              "the hook event has no name at \"hook_event_name\"");
    EXPECT_EQ(refused(R"({"hook_event_name":42})"),
              "the hook event has no name at \"hook_event_name\"");
    EXPECT_EQ(refused(std::string(100, '[') + std::string(100, ']')).rfind("the hook event", 0),
              0U);
    EXPECT_THROW(interpretHook(core::AgentHooks{}, R"({"type":"x"})"), core::Error);
}

}  // namespace
}  // namespace parawork::activity
