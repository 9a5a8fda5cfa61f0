// One thread that listens to the WATCH connections of every live session host (epoll), turns
// their pushes into callbacks, notices a host that vanished, and delivers the SIGKILL of a stop
// whose grace period ran out.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/unique_fd.hpp"
#include "session/live_session.hpp"

namespace parawork::session {

class HostWatcher {
  public:
    using OnOutput = std::function<void(const std::shared_ptr<LiveSession>&)>;
    /// The host reported an exit, or vanished (then `session.exit` comes from exit.json if there
    /// is one, else `lostReason` is set). Called once per session.
    using OnEnd = std::function<void(const std::shared_ptr<LiveSession>&)>;

    HostWatcher(OnOutput onOutput, OnEnd onEnd);
    ~HostWatcher();
    HostWatcher(const HostWatcher&) = delete;
    HostWatcher& operator=(const HostWatcher&) = delete;

    /// Starts watching `session`, whose `watch` connection has sent WATCH. Any thread.
    void add(std::shared_ptr<LiveSession> session);
    /// Wakes the thread to look at kill deadlines again. Any thread.
    void poke();
    void stop();

  private:
    void run();
    void drain(const std::shared_ptr<LiveSession>& session);
    void endSession(const std::shared_ptr<LiveSession>& session);
    int nextTimeoutMs();
    void deliverKills();

    OnOutput onOutput_;
    OnEnd onEnd_;
    core::UniqueFd epoll_;
    core::UniqueFd wake_;
    std::mutex mutex_;
    std::vector<std::shared_ptr<LiveSession>> added_;
    std::vector<std::shared_ptr<LiveSession>> watching_;  ///< watcher thread only
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace parawork::session
