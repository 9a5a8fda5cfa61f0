#include "api/entity_json.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>

#include "activity/activity_json.hpp"
#include "session/log_lines.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;
// json::value_from gives null for an empty std::optional (Boost.JSON >= 1.81, our floor): the
// one "or null" of the tree.

json::string_view view(std::string_view text) {
    return {text.data(), text.size()};
}

/// A workspace's stored pull request (review::PullRequest's JSON) as a value; null when there
/// is none or the text is not an object.
json::value pullRequestValue(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    boost::system::error_code ec;
    json::value value = json::parse(*text, ec);
    if (ec || !value.is_object()) return nullptr;
    return value;
}

/// The Session keys, shared by Session and SessionHistoryItem.
json::object sessionObject(const core::Session& s) {
    return json::object{
        {"id", s.id},
        {"workspaceId", s.workspaceId},
        {"agentType", s.agentType},
        {"status", view(core::toString(s.status))},
        {"processId", json::value_from(s.processId)},
        {"startedAt", json::value_from(s.startedAt)},
        {"completedAt", json::value_from(s.completedAt)},
        // Our extensions (DESIGN §6.2): additive keys the original frontend ignores.
        {"kind", view(core::toString(s.kind))},
        {"name", json::value_from(s.name)},
        {"command", json::value_from(s.command)},
        {"cwd", json::value_from(s.cwd)},
        {"exitCode", json::value_from(s.exitCode)},
        {"signal", json::value_from(s.exitSignal)},
        {"exitReason", json::value_from(s.exitReason)},
        {"firstOutputAt", json::value_from(s.firstOutputAt)},
        {"readyAt", json::value_from(s.readyAt)},
        {"peakMemoryMb", json::value_from(s.peakMemoryMb)},
        {"peakCpuPercent", json::value_from(s.peakCpuPercent)},
        {"activity", activity::toJson(s.activity)},
        {"parentSessionId", json::value_from(s.parentSessionId)},
    };
}

}  // namespace

json::value toJson(const core::Repository& r) {
    return json::object{
        {"id", r.id},
        {"name", r.name},
        {"path", r.path},
        {"defaultBranch", r.defaultBranch},
        {"remoteUrl", json::value_from(r.remoteUrl)},
        {"createdAt", r.createdAt},
        {"updatedAt", r.updatedAt},
    };
}

json::value toJson(const core::Workspace& w) {
    json::object out{
        {"id", w.id},
        {"repositoryId", json::value_from(w.repositoryId)},
        {"name", w.name},
        {"path", w.path},
        {"status", view(core::toString(w.status))},
        {"agentType", json::value_from(w.agentType)},
        {"createdAt", w.createdAt},
        {"updatedAt", w.updatedAt},
        {"lastFocusedAt", json::value_from(w.lastFocusedAt)},
    };
    if (w.gitWorktree) {  // omitted, not null, without one (§3)
        const core::GitWorktree& g = *w.gitWorktree;
        out["gitWorktree"] = json::object{
            {"worktreePath", g.worktreePath},
            {"branchName", g.branchName},
            {"baseRepoPath", g.baseRepoPath},
            {"baseBranch", g.baseBranch.value_or("origin/main")},
            {"createdAt", g.createdAt.value_or(w.createdAt)},
        };
    }
    // Ours (issue 19), after the original's fields.
    out["notificationsMuted"] = w.notificationsMuted;
    out["pullRequest"] = pullRequestValue(w.pullRequestJson);  // issue 20
    out["archivedAt"] = json::value_from(w.archivedAt);        // issue 20
    return out;
}

json::value toJson(const core::Session& s) {
    return sessionObject(s);
}

json::value toJson(const core::SessionHistoryItem& item) {
    json::object out = sessionObject(item.session);
    out["messageCount"] = item.messageCount;
    out["duration"] = item.duration;
    out["lastMessage"] = json::value_from(item.lastMessage);  // null, not omitted (§3)
    return out;
}

json::value toJson(const core::Message& m) {
    return json::object{
        {"id", m.id},           {"sessionId", m.sessionId}, {"role", view(core::toString(m.role))},
        {"content", m.content}, {"timestamp", m.timestamp},
    };
}

json::value toJson(const core::AgentLog& l) {
    return json::object{
        {"id", l.id},
        {"sessionId", l.sessionId},
        {"timestamp", l.timestamp},
        {"level", view(core::toString(l.level))},
        {"message", session::sanitizeLogLine(l.message)},
    };
}

json::value toJson(const core::FileChange& c) {
    return json::object{
        {"id", c.id},
        {"sessionId", c.sessionId},
        {"filePath", c.filePath},
        {"changeType", view(core::toString(c.changeType))},
        {"diff", json::value_from(c.diff)},
        {"timestamp", c.timestamp},
    };
}

json::value toJson(const core::ConversationEvent& e) {
    bool isLog = e.type == core::ConversationEventType::AgentLog;
    json::value role = nullptr;
    if (e.role) role = view(core::toString(*e.role));
    json::value level = nullptr;
    if (e.level) level = view(core::toString(*e.level));
    return json::object{
        {"id", e.id},
        {"type", view(core::toString(e.type))},
        {"timestamp", e.timestamp},
        {"content", isLog ? session::sanitizeLogLine(e.content) : e.content},
        {"role", std::move(role)},
        {"level", std::move(level)},
    };
}

}  // namespace parawork::api
