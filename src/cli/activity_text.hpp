// How the CLI shows what an agent is doing (issue 19 §3): the STATE cell of `ps` and `top`, and
// the `--until` conditions of `parawork wait`. Plain code over a session's JSON `activity`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace parawork::cli {

/// The session's activity state ("working", "waiting", …; "" when its JSON has none).
std::string activityState(const boost::json::object& session);

/// Why a waiting session waits: "permission", "question", …; "" otherwise.
std::string waitingFor(const boost::json::object& session);

/// What the session's agent said it wants ("wants to run `rm -rf build`"; "" when nothing).
std::string activityReason(const boost::json::object& session);

/// The STATE cell: "working", "waiting:permission", "idle"; "-" for an ended session (its
/// STATUS says how it ended). Waiting is bold yellow when colour is on, idle dim.
std::string stateCell(const boost::json::object& session);

/// What `parawork wait --until` waits for.
enum class WaitTarget { Waiting, Idle, TurnEnd, Ended };

/// "waiting", "idle", "turn-end", "ended"; nullopt for anything else.
std::optional<WaitTarget> parseWaitTarget(std::string_view text);

/// Whether a session in activity state `state` has reached `target`: `waiting` and `idle` only
/// themselves, `turn-end` either of them (the agent's turn is over, whatever it asks), `ended`
/// completed or failed.
bool reached(WaitTarget target, std::string_view state);

}  // namespace parawork::cli
