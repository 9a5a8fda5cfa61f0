// Outgoing notifications (issue 19 §3): when an agent session starts to wait for the person,
// finishes its turn or ends, the configured command runs and/or the webhook is called — unless
// its workspace is muted. A session observer that only queues (the activity tracker never
// waits on it); one worker thread delivers, each delivery bounded by its timeout. The queue is
// bounded: when it is full the notice is dropped with a log line.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/attention_notice.hpp"
#include "daemon/config.hpp"
#include "session/session_observer.hpp"
#include "store/database.hpp"

namespace parawork::daemon {

struct NotifyOptions {
    std::vector<std::string> command;  ///< argv; empty: no command
    std::string webhook;               ///< http(s) URL; empty: no webhook
    WebhookFormat format = WebhookFormat::Json;
    std::chrono::milliseconds timeout{10000};
    std::size_t maxQueued = 64;
    /// The webhook client: curl, looked up on PATH (it speaks https and resolves names).
    std::string curl = "curl";
    bool enabled() const { return !command.empty() || !webhook.empty(); }
};

/// The [notify] section of the configuration.
NotifyOptions notifyOptions(const Config& config);

class AttentionNotifier : public session::SessionObserver {
  public:
    /// Starts the worker only when something is configured.
    AttentionNotifier(store::Database& db, NotifyOptions options);
    /// Drops what is still queued; waits for a delivery under way (at most its timeout).
    ~AttentionNotifier() override;
    AttentionNotifier(const AttentionNotifier&) = delete;
    AttentionNotifier& operator=(const AttentionNotifier&) = delete;

    void sessionRunning(const core::Session& session) override;
    void activityChanged(const std::string& sessionId, const std::string& workspaceId,
                         const core::Activity& now, const core::Activity& before) override;

  private:
    void work();
    void deliver(AttentionNotice notice);
    void runCommand(const AttentionNotice& notice);
    void callWebhook(const AttentionNotice& notice);

    store::Database& db_;
    const NotifyOptions options_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<AttentionNotice> queue_;
    /// The running agent sessions (their agent type): only those notify. Forgotten at their end.
    std::map<std::string, std::string> agents_;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace parawork::daemon
