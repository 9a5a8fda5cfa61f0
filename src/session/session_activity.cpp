#include "session/session_activity.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include "activity/activity_json.hpp"
#include "activity/hook_verdict.hpp"
#include "core/error.hpp"
#include "session/session_service.hpp"
#include "store/sessions.hpp"

namespace parawork::session {

namespace json = boost::json;

bool isTerminalReport(std::string_view bytes) {
    // xterm.js sends CSI I / CSI O on focus changes while the program asked for them (?1004).
    while (!bytes.empty()) {
        if (bytes.starts_with("\x1b[I") || bytes.starts_with("\x1b[O"))
            bytes.remove_prefix(3);
        else
            return false;
    }
    return true;
}

SessionActivity::SessionActivity(store::Database& db, const ServiceConfig& config,
                                 const EventSink& sink, const SessionObservers& observers,
                                 activity::ActivityTracker::ReadScreen readScreen)
    : db_(db),
      config_(config),
      sink_(sink),
      observers_(observers),
      tracker_(
          config.activity,
          [this](const std::string& id, const std::string& ws, const core::Activity& now,
                 const core::Activity& before) { changed(id, ws, now, before); },
          std::move(readScreen)) {}

const core::AgentProfile* SessionActivity::profile(const std::string& agentType) const {
    return core::findAgent(config_.agents, agentType);
}

const core::AgentProfile* SessionActivity::agentOf(const core::Session& session) const {
    if (const auto* agent = profile(session.agentType)) return agent;
    // `parawork run -- claude` is Claude Code too: a command whose program is an agent's.
    if (!session.command || session.command->empty()) return nullptr;
    auto program = std::filesystem::path(session.command->front()).filename().string();
    for (const auto& agent : config_.agents)
        if (!agent.command.empty() &&
            std::filesystem::path(agent.command).filename().string() == program)
            return &agent;
    return nullptr;
}

void SessionActivity::running(const core::Session& session) {
    // A person's own shell has no agent state to follow.
    if (session.kind == core::SessionKind::Terminal) return;
    activity::TrackedSession tracked{session.id, session.workspaceId, session.activity, {}};
    if (const auto* p = agentOf(session)) tracked.screens = p->screens;
    tracker_.begin(std::move(tracked));
}

void SessionActivity::ended(const core::Session& session) {
    tracker_.end(session.id, session.status == core::SessionStatus::Completed
                                 ? core::ActivityState::Completed
                                 : core::ActivityState::Failed);
}

void SessionActivity::output(const std::string& sessionId, activity::TerminalSignalScanner& scanner,
                             std::string_view bytes) {
    scanner.feed(bytes, [&](const activity::TerminalSignal& signal) {
        tracker_.terminal(sessionId, signal);
    });
    tracker_.output(sessionId);
}

void SessionActivity::input(const std::string& sessionId, std::string_view bytes) {
    if (!isTerminalReport(bytes)) tracker_.input(sessionId);
}

core::Activity SessionActivity::hook(const std::string& sessionId, std::string_view json) {
    auto session = store::findSession(db_, sessionId);
    if (!session) throw ServiceError(404, "Session not found");
    if (core::isFinished(session->status))
        throw ServiceError(409, "Session " + sessionId + " has ended");
    const auto* agent = agentOf(*session);
    if (!agent || agent->hooks.eventField.empty())
        throw ServiceError(400, "Agent '" + session->agentType + "' has no hooks");
    activity::HookVerdict verdict;
    try {
        verdict = activity::interpretHook(agent->hooks, json);
    } catch (const core::Error& e) {
        throw ServiceError(400, std::string("Not a hook event: ") + e.what());
    }
    // Ended between the look-up and now: refused like an ended one.
    if (!tracker_.hook(sessionId, verdict))
        throw ServiceError(409, "Session " + sessionId + " is not running");
    return tracker_.current(sessionId).value_or(session->activity);
}

void SessionActivity::changed(const std::string& sessionId, const std::string& workspaceId,
                              const core::Activity& now, const core::Activity& before) {
    // The end is the session's status, recorded with it; only live states are stored here.
    if (!core::isEnded(now.state)) {
        store::SessionPatch patch;
        patch.activity = now;
        if (!store::updateSession(db_, sessionId, patch)) return;
    }
    spdlog::debug("session {}: {} -> {} ({})", sessionId, core::toString(before.state),
                  core::toString(now.state), core::toString(now.source));
    if (sink_.publish) {
        json::object data = activity::toJson(now);
        data["sessionId"] = sessionId;
        data["workspaceId"] = workspaceId;
        data["previousState"] = core::toString(before.state);
        sink_.publish(workspaceId, json::serialize(json::object{{"type", "session_state_changed"},
                                                                {"data", data}}));
    }
    observers_.activityChanged(sessionId, workspaceId, now, before);
}

}  // namespace parawork::session
