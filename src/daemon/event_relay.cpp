#include "daemon/event_relay.hpp"

#include "api/server.hpp"

namespace parawork::daemon {

void EventRelay::attach(api::HttpServer& server) {
    server_ = &server;
}

void EventRelay::detach() {
    server_ = nullptr;
}

void EventRelay::publish(const std::string& workspaceId, std::string eventJson) {
    if (auto* server = server_.load()) server->publish(workspaceId, std::move(eventJson));
}

EventRelay::Publish EventRelay::publisher() {
    return [this](const std::string& workspaceId, std::string eventJson) {
        publish(workspaceId, std::move(eventJson));
    };
}

bool EventRelay::listening() const {
    auto* server = server_.load();
    return server && server->hasEventListeners();
}

void EventRelay::outputAdvanced(const std::string& sessionId) {
    if (auto* server = server_.load()) server->notifyOutput(sessionId);
}

void EventRelay::terminalOutput(const std::string& sessionId, const std::string& workspaceId,
                                core::SessionKind kind, std::uint64_t from, std::uint64_t to) {
    if (auto* server = server_.load())
        server->notifyTerminalOutput(sessionId, workspaceId, kind, from, to);
}

}  // namespace parawork::daemon
