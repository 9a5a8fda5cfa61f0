// Queries of the sessions table (protocol §4.4, §10, §13 and our extensions): the processes that
// run in workspaces, their lifecycle fields, the history list, and the one-transaction record of
// a start or resume.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/entities.hpp"
#include "store/database.hpp"

namespace SQLite {
class Database;
}

namespace parawork::store {

/// Inserts `session` as given (the caller sets id, status and startedAt). Throws
/// SQLite::Exception when the workspace does not exist or agentType is empty.
void insertSession(Database& db, const core::Session& session);
/// The same on a connection the caller has locked (inside Database::withLock).
void insertSession(SQLite::Database& sql, const core::Session& session);

std::optional<core::Session> findSession(Database& db, const std::string& id);

/// The workspace's sessions of one kind (parawork's lists: agents), newest first: started_at
/// descending, then insertion order descending (§4.4). An unknown workspace has none.
std::vector<core::Session> listSessionsByWorkspace(
    Database& db, const std::string& workspaceId,
    core::SessionKind kind = core::SessionKind::Agent);

/// The workspace's starting or running sessions of every kind, newest first.
std::vector<core::Session> listActiveSessionsInWorkspace(Database& db,
                                                         const std::string& workspaceId);

/// Every session of every workspace and kind, newest first (the CLI's `ps`); with `activeOnly`,
/// only the starting and running ones. At most `limit` rows (0 = no limit).
std::vector<core::Session> listSessions(Database& db, bool activeOnly, std::size_t limit = 0);

/// Every session whose status is one of `statuses`, oldest first (started_at ascending). The
/// daemon uses {Starting, Running} at start-up to re-adopt live hosts.
std::vector<core::Session> listSessionsByStatus(Database& db,
                                                const std::vector<core::SessionStatus>& statuses);

/// The workspace's finished agent sessions (completed or failed), newest first, each with its
/// message count, last message and duration (§3 SessionHistoryItem, §4.4 history).
std::vector<core::SessionHistoryItem> listSessionHistory(Database& db,
                                                         const std::string& workspaceId);

/// The fields that change while a session lives; an empty optional leaves the field alone.
/// (Sessions have no updated_at, §13.)
struct SessionPatch {
    std::optional<core::SessionStatus> status;
    std::optional<int> processId;
    std::optional<std::int64_t> completedAt;
    std::optional<int> exitCode;
    std::optional<int> exitSignal;
    std::optional<std::string> exitReason;
    std::optional<int> hostPid;
    std::optional<std::int64_t> firstOutputAt;
    std::optional<std::int64_t> readyAt;
    std::optional<double> peakMemoryMb;
    std::optional<double> peakCpuPercent;
    std::optional<std::int64_t> logOffset;
    std::optional<core::Activity> activity;
};

/// Applies `patch` and returns the session as it now is, or nullopt when there is none with
/// this id (e.g. its workspace was deleted while it ran).
std::optional<core::Session> updateSession(Database& db, const std::string& id,
                                           const SessionPatch& patch);

/// What starting a session (§4.4 POST sessions) or resuming one (POST resume) writes.
struct SessionStartRecord {
    core::Session session;                        ///< normally status Starting, startedAt now
    std::optional<core::Message> initialMessage;  ///< the stored initialPrompt, if any
    std::optional<std::string> copyMessagesFrom;  ///< resume: the original session's id
};

enum class SessionStartOutcome { Recorded, WorkspaceNotFound, WorkspaceBusy };

/// In one transaction: checks that the workspace exists and, for an agent or a user terminal, has
/// no active session of that kind; inserts the session; for an agent, sets the workspace to
/// running with the session's agent type; stores the initial
/// message and copies the resumed session's messages. Doing the "no active session" check in the
/// same transaction as the insert means two concurrent starts cannot both win. On any outcome
/// but Recorded nothing is written.
SessionStartOutcome recordSessionStart(Database& db, const SessionStartRecord& start,
                                       std::int64_t now = core::nowMs());

}  // namespace parawork::store
