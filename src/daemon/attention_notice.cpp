#include "daemon/attention_notice.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace parawork::daemon {
namespace {

namespace json = boost::json;
using core::ActivityState;

std::string text(std::string_view v) {
    return std::string(v);
}

/// Header values are one line: a reason with a newline must not add a header.
std::string headerSafe(std::string value) {
    for (auto& c : value)
        if (c == '\r' || c == '\n') c = ' ';
    return value;
}

}  // namespace

bool deservesNotice(const core::Activity& before, const core::Activity& now) {
    if (now.state == ActivityState::Waiting) return before.state != ActivityState::Waiting;
    if (now.state == ActivityState::Idle) return before.state == ActivityState::Working;
    return core::isEnded(now.state) && !core::isEnded(before.state);
}

std::string noticeJson(const AttentionNotice& n) {
    const auto& a = n.activity;
    json::object o{{"type", "session_state_changed"},
                   {"sessionId", n.sessionId},
                   {"workspaceId", n.workspaceId},
                   {"workspaceName", n.workspaceName},
                   {"agentType", n.agentType},
                   {"state", text(core::toString(a.state))},
                   {"previousState", text(core::toString(n.previousState))},
                   {"since", a.since}};
    o["waitingFor"] = a.waitingFor == core::WaitingFor::None
                          ? json::value(nullptr)
                          : json::value(text(core::toString(a.waitingFor)));
    o["reason"] = a.reason.empty() ? json::value(nullptr) : json::value(a.reason);
    return json::serialize(o);
}

std::string noticeText(const AttentionNotice& n) {
    const auto& a = n.activity;
    std::string line;
    switch (a.state) {
        case ActivityState::Waiting:
            line = a.waitingFor == core::WaitingFor::None
                       ? "waiting for you"
                       : "waiting for " + text(core::toString(a.waitingFor));
            break;
        case ActivityState::Idle:
            line = "finished its turn";
            break;
        default:
            line = text(core::toString(a.state));
    }
    return a.reason.empty() ? line : line + ": " + a.reason;
}

std::vector<std::string> noticeEnvironment(const AttentionNotice& n) {
    const auto& a = n.activity;
    return {"PARAWORK_SESSION_ID=" + n.sessionId,
            "PARAWORK_STATE=" + text(core::toString(a.state)),
            "PARAWORK_WAITING_FOR=" + text(core::toString(a.waitingFor)),
            "PARAWORK_REASON=" + a.reason,
            "PARAWORK_WORKSPACE=" + n.workspaceName,
            "PARAWORK_WORKSPACE_ID=" + n.workspaceId,
            "PARAWORK_AGENT=" + n.agentType};
}

std::optional<WebhookFormat> parseWebhookFormat(std::string_view v) {
    if (v == "json") return WebhookFormat::Json;
    if (v == "ntfy") return WebhookFormat::Ntfy;
    if (v == "slack") return WebhookFormat::Slack;
    return std::nullopt;
}

WebhookRequest webhookRequest(WebhookFormat format, const AttentionNotice& n) {
    std::string title = "parawork: " + n.workspaceName;
    switch (format) {
        case WebhookFormat::Ntfy:
            // https://docs.ntfy.sh/publish/: the body is the message; Title and Tags are headers.
            return {noticeText(n),
                    {{"Content-Type", "text/plain; charset=utf-8"},
                     {"Title", headerSafe(title)},
                     {"Tags", n.activity.state == ActivityState::Waiting ? "bell" : "robot"}}};
        case WebhookFormat::Slack:
            return {json::serialize(json::object{{"text", title + ": " + noticeText(n)}}),
                    {{"Content-Type", "application/json"}}};
        case WebhookFormat::Json:
            break;
    }
    return {noticeJson(n), {{"Content-Type", "application/json"}}};
}

}  // namespace parawork::daemon
