#include "review/agent_messenger.hpp"

#include <optional>

#include "core/activity.hpp"
#include "core/error.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "workspace/workspace_lookup.hpp"

namespace parawork::review {
namespace {

using core::ServiceError;

/// The workspace's newest running agent session (the list is newest first).
std::optional<core::Session> runningAgent(store::Database& db, const std::string& workspaceId) {
    for (auto& session : store::listSessionsByWorkspace(db, workspaceId, core::SessionKind::Agent))
        if (session.status == core::SessionStatus::Running) return session;
    return std::nullopt;
}

/// Refuses unless the agent has finished its turn or waits for a person: typing into an agent
/// at work queues the text behind whatever it does, or interrupts it.
void requireListening(const core::Session& agent) {
    auto state = agent.activity.state;
    if (state == core::ActivityState::Idle || state == core::ActivityState::Waiting) return;
    throw ServiceError(409, "The agent is working: session " + agent.id + " is " +
                                std::string(core::toString(state)) +
                                "; send again once it is idle or waiting");
}

}  // namespace

std::string typableText(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if (c == 0xc2 && i + 1 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            ++i;  // a C1 control in UTF-8
        } else if ((c >= 0x20 && c != 0x7f) || c == '\n' || c == '\t') {
            out += text[i];
        }
    }
    return out;
}

AgentMessage AgentMessenger::tell(const std::string& workspaceId, const std::string& text) {
    workspace::requireWorkspace(db_, workspaceId);
    if (text.size() > kMaxAgentMessageBytes)
        throw ServiceError(400, "The message is too long (" + std::to_string(text.size()) +
                                    " bytes; at most " + std::to_string(kMaxAgentMessageBytes) +
                                    ")");
    std::string typed = typableText(text);
    if (typed.find_first_not_of(" \t\n") == std::string::npos)
        throw ServiceError(400, "The message is empty");
    auto agent = runningAgent(db_, workspaceId);
    if (!agent) throw ServiceError(409, "No agent is running in this workspace");
    requireListening(*agent);
    if (!sessions_.sendMessage(agent->id, std::move(typed), true))
        throw ServiceError(409, "No agent is running in this workspace");
    return AgentMessage{agent->id};
}

}  // namespace parawork::review
