#include "deps/setup_state.hpp"

#include <thread>

#include <boost/json/object.hpp>

#include "deps/setup_plan.hpp"
#include "store/sessions.hpp"

namespace parawork::deps {
namespace {

namespace json = boost::json;

std::string statusOf(const core::Session& s) {
    if (s.status == core::SessionStatus::Starting || s.status == core::SessionStatus::Running)
        return "running";
    if (s.exitCode == kSetupTimedOutExit) return "timed_out";
    bool ok = s.status == core::SessionStatus::Completed && s.exitCode.value_or(0) == 0;
    return ok ? "succeeded" : "failed";
}

template <typename T>
json::value orNull(const std::optional<T>& value) {
    return value ? json::value(*value) : json::value(nullptr);
}

}  // namespace

std::optional<SetupState> latestSetup(store::Database& db, const std::string& workspaceId) {
    auto sessions = store::listSessionsByWorkspace(db, workspaceId, core::SessionKind::Setup);
    if (sessions.empty()) return std::nullopt;
    const auto& s = sessions.front();
    return SetupState{s.id, statusOf(s), s.exitCode, s.startedAt, s.completedAt};
}

std::optional<SetupState> waitForSetup(store::Database& db, const std::string& workspaceId,
                                       std::chrono::milliseconds timeout,
                                       std::chrono::milliseconds interval) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto state = latestSetup(db, workspaceId);
    while (state && state->running() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(interval);
        state = latestSetup(db, workspaceId);
    }
    return state;
}

std::optional<std::string> setupProblem(const SetupState& state) {
    std::string logs = ": see `parawork logs " + state.sessionId + "`";
    if (state.succeeded()) return std::nullopt;
    if (state.running()) return "setup is still running" + logs;
    if (state.status == "timed_out") return "setup timed out" + logs;
    std::string exit = state.exitCode ? " (exit " + std::to_string(*state.exitCode) + ")" : "";
    return "setup failed" + exit + logs;
}

json::value toJson(const std::optional<SetupState>& state) {
    if (!state) return nullptr;
    return json::object{{"sessionId", state->sessionId},
                        {"status", state->status},
                        {"exitCode", orNull(state->exitCode)},
                        {"startedAt", orNull(state->startedAt)},
                        {"completedAt", orNull(state->completedAt)}};
}

}  // namespace parawork::deps
