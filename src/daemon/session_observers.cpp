#include "daemon/session_observers.hpp"

#include <spdlog/spdlog.h>

namespace parawork::daemon {

void FileWatchObserver::sessionRunning(const core::Session& session) {
    watcher_.sessionRunning(session);
}

void FileWatchObserver::sessionEnded(const core::Session& session) {
    watcher_.sessionEnded(session);
}

void PortObserver::sessionRunning(const core::Session& session) {
    ports_.sessionRunning(session);
}

void PortObserver::processEnded(const std::string& sessionId) {
    ports_.processEnded(sessionId);
}

void PortObserver::outputLine(const std::string& sessionId, const std::string& workspaceId,
                              std::string_view line) {
    ports_.outputLine(sessionId, workspaceId, line);
}

void ResourceObserver::sessionRunning(const core::Session& s) {
    monitor_.sessionRunning(s.id, s.workspaceId, s.hostPid.value_or(s.processId.value_or(0)),
                            s.hostPid.has_value(), s.startedAt.value_or(0));
}

void ResourceObserver::sessionEnded(const core::Session& session) {
    monitor_.sessionEnded(session.id);
}

void SetupObserver::sessionEnded(const core::Session& session) {
    if (session.kind != core::SessionKind::Setup) return;
    toWorkers_([&dependencies = dependencies_, s = session] {
        try {
            dependencies.sessionEnded(s);
        } catch (const std::exception& e) {
            spdlog::warn("workspace {}: dependency report after setup: {}", s.workspaceId,
                         e.what());
        }
    });
}

void CheckpointObserver::activityChanged(const std::string& /*sessionId*/,
                                         const std::string& workspaceId, const core::Activity& now,
                                         const core::Activity& before) {
    using core::ActivityState;
    bool wasBusy = before.state == ActivityState::Working || before.state == ActivityState::Waiting;
    bool turnOver = now.state == ActivityState::Idle || now.state == ActivityState::Completed ||
                    now.state == ActivityState::Failed;
    if (!wasBusy || !turnOver) return;
    // turnEnded logs its own failures and never throws.
    toWorkers_([&checkpoints = checkpoints_, workspaceId] { checkpoints.turnEnded(workspaceId); });
}

}  // namespace parawork::daemon
