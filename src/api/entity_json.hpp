// The entities as the parawork wire shows them (protocol §3): exact field names, null versus
// omitted keys, and our additive Session fields. Every route that answers with an entity uses
// these, so the shapes live in one place.
#pragma once

#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "core/entities.hpp"

namespace parawork::api {

/// {id, name, path, defaultBranch, remoteUrl (string|null), createdAt, updatedAt}
boost::json::value toJson(const core::Repository& repo);

/// {id, repositoryId, name, path, status, agentType, createdAt, updatedAt, lastFocusedAt
/// (null when unset), gitWorktree?}. `gitWorktree` is omitted, not null, when absent; its
/// baseBranch reads "origin/main" and its createdAt the workspace's when the DB holds null.
boost::json::value toJson(const core::Workspace& workspace);

/// {id, workspaceId, agentType, status, processId, startedAt, completedAt} (null when unset),
/// then our extensions, null when unknown: name, command, cwd, exitCode, signal, exitReason,
/// firstOutputAt, readyAt, peakMemoryMb, peakCpuPercent, activity, parentSessionId. The
/// environment, host pid and log offset stay internal (the environment may hold secrets).
boost::json::value toJson(const core::Session& session);

/// The Session fields plus messageCount, duration and lastMessage (null when no messages).
boost::json::value toJson(const core::SessionHistoryItem& item);

/// {id, sessionId, role, content, timestamp}
boost::json::value toJson(const core::Message& message);

/// {id (number), sessionId, timestamp, level, message}; the message is sanitized again on the
/// way out (§3), so rows written by another program cannot carry escape sequences to a viewer.
boost::json::value toJson(const core::AgentLog& log);

/// {id (number), sessionId, filePath, changeType, diff (string|null), timestamp}
boost::json::value toJson(const core::FileChange& change);

/// {id (string), type, timestamp, content, role (messages; else null), level (logs; else null)};
/// agent-log content is sanitized again like toJson(AgentLog).
boost::json::value toJson(const core::ConversationEvent& event);

/// A JSON array of toJson(item) for each item, in order.
template <class T>
boost::json::value toJsonArray(const std::vector<T>& items) {
    boost::json::array out;
    out.reserve(items.size());
    for (const T& item : items) out.push_back(toJson(item));
    return out;
}

}  // namespace parawork::api
