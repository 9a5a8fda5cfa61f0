// Where events go: every service publishes `{type, data}` events for a workspace's subscribers,
// and the sessions' output reaches its viewers, through the HTTP server. The services exist
// before the server (its routes call them), so they publish here, and the relay hands the
// events on while a server is attached: before start and after stop they are dropped, as
// nobody can be subscribed then.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "session/session_observer.hpp"

namespace parawork::api {
class HttpServer;
}

namespace parawork::daemon {

class EventRelay : public session::SessionObserver {
  public:
    using Publish = std::function<void(const std::string& workspaceId, std::string eventJson)>;

    /// Events go to `server` from now on (once it listens), until detach(). Any thread.
    void attach(api::HttpServer& server);
    void detach();

    /// A `{type, data}` event for the subscribers of a workspace. Any thread.
    void publish(const std::string& workspaceId, std::string eventJson);
    /// publish() as a function for the services.
    Publish publisher();
    /// Whether any client listens for events (building them is worth it). Any thread.
    bool listening() const;

    void outputAdvanced(const std::string& sessionId) override;
    void terminalOutput(const std::string& sessionId, const std::string& workspaceId,
                        core::SessionKind kind, std::uint64_t from, std::uint64_t to) override;

  private:
    std::atomic<api::HttpServer*> server_{nullptr};
};

}  // namespace parawork::daemon
