// "Tell the agent" (issue 20): one message typed into the agent session that runs in a
// workspace, the way a person's message is typed (SessionService::sendMessage: recorded, inside
// bracketed paste when the agent turned it on, then Enter). Used by review comments and by the
// parts that ask the agent to commit, resolve conflicts or write a pull request.
#pragma once

#include <cstddef>
#include <string>

#include "session/session_service.hpp"
#include "store/database.hpp"

namespace parawork::review {

/// Longest message the messenger types (a review with its quotes fits many times over).
inline constexpr std::size_t kMaxAgentMessageBytes = 64 * 1024;

/// What a message reached.
struct AgentMessage {
    std::string sessionId;
};

class AgentMessenger {
  public:
    AgentMessenger(store::Database& db, session::SessionService& sessions)
        : db_(db), sessions_(sessions) {}

    /// Types `text` (control characters but newline and tab dropped) as one message into the
    /// workspace's newest running agent session and submits it. Throws core::ServiceError: 404
    /// no such workspace, 400 empty or longer than kMaxAgentMessageBytes, 409 no agent runs there
    /// or it is not idle or waiting (the message says its state).
    AgentMessage tell(const std::string& workspaceId, const std::string& text);

  private:
    store::Database& db_;
    session::SessionService& sessions_;
};

/// `text` fit to be typed as a message: "\r\n" and "\r" become "\n"; other C0 controls but tab
/// and newline, DEL and the C1 controls (U+0080–U+009F) are dropped; a terminal would take them
/// as keys (Ctrl-C, Escape) rather than as text.
std::string typableText(const std::string& text);

}  // namespace parawork::review
