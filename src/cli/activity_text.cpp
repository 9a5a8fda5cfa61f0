#include "cli/activity_text.hpp"

#include "cli/ids.hpp"
#include "cli/output.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

const json::object& activityOf(const json::object& session) {
    static const json::object kNone;
    const auto* a = session.if_contains("activity");
    return a && a->is_object() ? a->as_object() : kNone;
}

std::string styled(const std::string& text, const char* sgr) {
    return colourEnabled() ? std::string("\x1b[") + sgr + "m" + text + "\x1b[0m" : text;
}

}  // namespace

std::string activityState(const json::object& session) {
    return field(activityOf(session), "state");
}

std::string waitingFor(const json::object& session) {
    return field(activityOf(session), "waitingFor");
}

std::string activityReason(const json::object& session) {
    return field(activityOf(session), "reason");
}

std::string stateCell(const json::object& session) {
    auto state = activityState(session);
    if (state.empty() || state == "completed" || state == "failed") return "-";
    if (state == "waiting") {
        auto why = waitingFor(session);
        return styled(why.empty() ? state : state + ":" + why, "1;33");
    }
    if (state == "idle") return styled(state, "2");
    return state;
}

std::optional<WaitTarget> parseWaitTarget(std::string_view text) {
    if (text == "waiting") return WaitTarget::Waiting;
    if (text == "idle") return WaitTarget::Idle;
    if (text == "turn-end") return WaitTarget::TurnEnd;
    if (text == "ended") return WaitTarget::Ended;
    return std::nullopt;
}

bool reached(WaitTarget target, std::string_view state) {
    switch (target) {
        case WaitTarget::Waiting:
            return state == "waiting";
        case WaitTarget::Idle:
            return state == "idle";
        case WaitTarget::TurnEnd:
            return state == "waiting" || state == "idle";
        case WaitTarget::Ended:
            return state == "completed" || state == "failed";
    }
    return false;
}

}  // namespace parawork::cli
