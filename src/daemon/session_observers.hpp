// How the rooms that follow sessions hear of them: one session::SessionObserver per room, each
// handing the events to its service. The rooms themselves (watch, ports, monitor, deps) do not
// know the session room; the daemon registers these on the SessionService in this order.
#pragma once

#include <functional>

#include "deps/dependency_service.hpp"
#include "monitor/resource_monitor.hpp"
#include "ports/port_service.hpp"
#include "review/checkpoint_service.hpp"
#include "session/session_observer.hpp"
#include "watch/file_watcher.hpp"

namespace parawork::daemon {

/// File changes of running agent and command sessions (src/watch).
class FileWatchObserver : public session::SessionObserver {
  public:
    explicit FileWatchObserver(watch::FileWatcher& watcher) : watcher_(watcher) {}
    void sessionRunning(const core::Session& session) override;
    void sessionEnded(const core::Session& session) override;

  private:
    watch::FileWatcher& watcher_;
};

/// Ports sessions listen on and the URLs they print (src/ports).
class PortObserver : public session::SessionObserver {
  public:
    explicit PortObserver(ports::PortService& ports) : ports_(ports) {}
    void sessionRunning(const core::Session& session) override;
    void processEnded(const std::string& sessionId) override;
    void outputLine(const std::string& sessionId, const std::string& workspaceId,
                    std::string_view line) override;

  private:
    ports::PortService& ports_;
};

/// Resources and limits of running sessions (src/monitor).
class ResourceObserver : public session::SessionObserver {
  public:
    explicit ResourceObserver(monitor::ResourceMonitor& monitor) : monitor_(monitor) {}
    void sessionRunning(const core::Session& session) override;
    void sessionEnded(const core::Session& session) override;

  private:
    monitor::ResourceMonitor& monitor_;
};

/// A setup's end refreshes its workspace's dependency report (src/deps), on the worker pool:
/// the scan reads files and may run tools' version commands.
class SetupObserver : public session::SessionObserver {
  public:
    using Post = std::function<void(std::function<void()> work)>;
    SetupObserver(deps::DependencyService& dependencies, Post toWorkers)
        : dependencies_(dependencies), toWorkers_(std::move(toWorkers)) {}
    void sessionEnded(const core::Session& session) override;

  private:
    deps::DependencyService& dependencies_;
    Post toWorkers_;
};

/// An agent's turn end — its activity going from working or waiting to idle, or its end —
/// checkpoints its workspace (issue 20 §2), on the worker pool: the checkpoint runs git.
class CheckpointObserver : public session::SessionObserver {
  public:
    using Post = std::function<void(std::function<void()> work)>;
    CheckpointObserver(review::CheckpointService& checkpoints, Post toWorkers)
        : checkpoints_(checkpoints), toWorkers_(std::move(toWorkers)) {}
    void activityChanged(const std::string& sessionId, const std::string& workspaceId,
                         const core::Activity& now, const core::Activity& before) override;

  private:
    review::CheckpointService& checkpoints_;
    Post toWorkers_;
};

}  // namespace parawork::daemon
