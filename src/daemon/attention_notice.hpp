// What an outgoing notification says (issue 19 §3): which activity changes deserve one (an agent
// starting to wait, finishing its turn, ending — never a new reason for the same wait), the
// event's JSON, the command's environment, and the webhook's body in each format. Plain code;
// attention_notifier.* delivers it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/activity.hpp"

namespace parawork::daemon {

/// One notification: the session, its workspace and the state it entered.
struct AttentionNotice {
    std::string sessionId, workspaceId, workspaceName, agentType;
    core::Activity activity;            ///< the new state
    core::ActivityState previousState;  ///< the state before
};

/// Whether going from `before` to `now` tells the person something: entering Waiting (not a
/// reason change within one wait), Working → Idle (the turn is done), or an end.
bool deservesNotice(const core::Activity& before, const core::Activity& now);

/// `{"type":"session_state_changed","sessionId",…,"workspaceName","state","waitingFor",
/// "reason","previousState","since"}`: the command's stdin and the json webhook's body.
std::string noticeJson(const AttentionNotice& notice);

/// One line for people: "waiting for permission: wants to run `rm -rf build`", "finished its
/// turn", "completed", "failed".
std::string noticeText(const AttentionNotice& notice);

/// PARAWORK_SESSION_ID, PARAWORK_STATE, PARAWORK_WAITING_FOR, PARAWORK_REASON,
/// PARAWORK_WORKSPACE (its name), PARAWORK_WORKSPACE_ID, PARAWORK_AGENT as "KEY=VALUE".
std::vector<std::string> noticeEnvironment(const AttentionNotice& notice);

enum class WebhookFormat { Json, Ntfy, Slack };
std::optional<WebhookFormat> parseWebhookFormat(std::string_view text);

struct WebhookRequest {
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  ///< Content-Type first
};

/// The POST for `format`: json the event; ntfy the text with a Title (and a Tags) header;
/// slack `{"text": "parawork: <workspace>: <text>"}`.
WebhookRequest webhookRequest(WebhookFormat format, const AttentionNotice& notice);

}  // namespace parawork::daemon
