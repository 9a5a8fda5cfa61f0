// What an agent is doing (issue 19): the activity state of a session beside its lifecycle status,
// and the per-agent knowledge that tells it — which hook events mean what, which screens mean the
// agent waits for a person. Plain data (spelled in entities.cpp with the other enumerations);
// src/activity/ holds the logic that reads the layers and combines them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parawork::core {

/// What a session does right now. Starting until its program has shown something; Working while
/// it acts on its own; Waiting when it needs a person (WaitingFor says for what); Idle when its
/// turn is done and it asked nothing; Completed / Failed once it has ended (as its status).
enum class ActivityState : std::uint8_t { Starting, Working, Waiting, Idle, Completed, Failed };

/// Why a Waiting session waits. None for every other state.
enum class WaitingFor : std::uint8_t { None, Permission, Question, Input, Login, Error };

/// Which layer decided a state, the most exact first (issue 19 §2). Lifecycle is the session's
/// own start and end.
enum class ActivitySource : std::uint8_t { Lifecycle, Hook, Terminal, Screen, Quiet };

/// "starting", "working", "waiting", "idle", "completed", "failed"; "", "permission", "question",
/// "input", "login", "error"; "lifecycle", "hook", "terminal", "screen", "quiet".
std::string_view toString(ActivityState state);
std::string_view toString(WaitingFor waitingFor);
std::string_view toString(ActivitySource source);
std::optional<ActivityState> parseActivityState(std::string_view text);
std::optional<WaitingFor> parseWaitingFor(std::string_view text);
std::optional<ActivitySource> parseActivitySource(std::string_view text);

constexpr bool isEnded(ActivityState state) {
    return state == ActivityState::Completed || state == ActivityState::Failed;
}

/// A session's activity as stored and shown.
struct Activity {
    ActivityState state = ActivityState::Starting;
    WaitingFor waitingFor = WaitingFor::None;
    std::string reason;  ///< what a person should know: "wants to run `rm -rf build`"; may be ""
    ActivitySource source = ActivitySource::Lifecycle;
    std::int64_t since = 0;  ///< ms since the epoch
    bool operator==(const Activity&) const = default;
};

/// What one hook event means. A rule matches when the event's name is `event` and every `when`
/// pair holds (a dotted path into the hook's JSON and the string it must equal; a value of "*"
/// only requires the path to exist). The first matching rule of a profile decides.
struct HookRule {
    std::string event;
    std::vector<std::pair<std::string, std::string>> when;
    /// nullopt: the event changes nothing (a sub-agent finished; a tool that needed no
    /// permission started while the agent works anyway).
    std::optional<ActivityState> state;
    WaitingFor waitingFor = WaitingFor::None;
    /// The reason shown, with `{path}` replaced by that path's value in the hook's JSON
    /// ("wants to run `{tool_input.command}`"); unknown paths become "".
    std::string reason;
    bool operator==(const HookRule&) const = default;
};

/// How an agent reports its own state through hooks, and how parawork installs them for one
/// session without touching the person's own configuration.
struct AgentHooks {
    /// The dotted path of the event's name in the hook's JSON ("hook_event_name" for Claude Code,
    /// "type" for Codex's notify).
    std::string eventField;
    std::vector<HookRule> rules;
    /// Added to the agent's argv when the session starts, with `{hook}` replaced by the hook
    /// command (the parawork binary's absolute path and "hook") and `{settings}` by the path of a
    /// file parawork writes with `settingsTemplate` (its own `{hook}` replaced, JSON-escaped).
    std::vector<std::string> args;
    std::string settingsTemplate;  ///< empty: no settings file
    bool operator==(const AgentHooks&) const = default;
};

/// A screen that means the agent waits for a person: every string of `allOf` appears on the
/// screen (case-insensitively); `reason` is shown. The most exact (longest allOf) match wins.
struct ScreenPattern {
    std::vector<std::string> allOf;
    WaitingFor waitingFor = WaitingFor::Input;
    std::string reason;
    bool operator==(const ScreenPattern&) const = default;
};

}  // namespace parawork::core
