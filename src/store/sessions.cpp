#include "store/sessions.hpp"

#include <functional>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "store/columns.hpp"
#include "store/messages.hpp"
#include "store/workspaces.hpp"

namespace parawork::store {
namespace {

// Unqualified on purpose: the history query selects them FROM sessions s next to subqueries.
constexpr const char* kColumns =
    "id, workspace_id, agent_type, status, process_id, started_at, completed_at, name, "
    "command_json, cwd, env_json, exit_code, exit_signal, exit_reason, host_pid, "
    "first_output_at, ready_at, peak_memory_mb, peak_cpu_percent, log_offset, kind, "
    "activity_state, activity_waiting_for, activity_reason, activity_source, activity_since, "
    "parent_session_id";
constexpr int kColumnCount = 27;

// Newest first; rowid (insertion order) breaks ties between sessions of one millisecond.
constexpr const char* kNewestFirst = " ORDER BY started_at DESC, rowid DESC";

/// Columns 21..25. An ended session's activity is its end, whatever was tracked last.
core::Activity readActivity(SQLite::Statement& row, const core::Session& s) {
    core::Activity a;
    if (core::isFinished(s.status)) {
        a.state = s.status == core::SessionStatus::Completed ? core::ActivityState::Completed
                                                             : core::ActivityState::Failed;
        a.since = s.completedAt.value_or(s.startedAt.value_or(0));
        return a;
    }
    a.since = s.startedAt.value_or(0);
    if (row.getColumn(21).isNull()) return a;
    a.state = enumColumn(row.getColumn(21), core::parseActivityState);
    a.waitingFor = enumColumn(row.getColumn(22), core::parseWaitingFor);
    a.reason = optionalString(row.getColumn(23)).value_or("");
    a.source = enumColumn(row.getColumn(24), core::parseActivitySource);
    a.since = optionalInt64(row.getColumn(25)).value_or(a.since);
    return a;
}

core::Session readSession(SQLite::Statement& row, JsonColumnDecoder& json) {
    core::Session s;
    s.id = row.getColumn(0).getString();
    s.workspaceId = row.getColumn(1).getString();
    s.agentType = row.getColumn(2).getString();
    s.status = enumColumn(row.getColumn(3), core::parseSessionStatus);
    s.processId = optionalInt(row.getColumn(4));
    s.startedAt = optionalInt64(row.getColumn(5));
    s.completedAt = optionalInt64(row.getColumn(6));
    s.name = optionalString(row.getColumn(7));
    s.command = json.stringArray(row.getColumn(8));
    s.cwd = optionalString(row.getColumn(9));
    s.env = json.stringObject(row.getColumn(10));
    s.exitCode = optionalInt(row.getColumn(11));
    s.exitSignal = optionalInt(row.getColumn(12));
    s.exitReason = optionalString(row.getColumn(13));
    s.hostPid = optionalInt(row.getColumn(14));
    s.firstOutputAt = optionalInt64(row.getColumn(15));
    s.readyAt = optionalInt64(row.getColumn(16));
    s.peakMemoryMb = optionalDouble(row.getColumn(17));
    s.peakCpuPercent = optionalDouble(row.getColumn(18));
    s.logOffset = row.getColumn(19).getInt64();
    s.kind = enumColumn(row.getColumn(20), core::parseSessionKind);
    s.activity = readActivity(row, s);
    s.parentSessionId = optionalString(row.getColumn(26));
    return s;
}

std::vector<core::Session> readAll(SQLite::Database& sql, SQLite::Statement& query) {
    JsonColumnDecoder json(sql);
    std::vector<core::Session> sessions;
    while (query.executeStep()) sessions.push_back(readSession(query, json));
    return sessions;
}

std::optional<core::Session> findOn(SQLite::Database& sql, const std::string& id) {
    SQLite::Statement query(sql, std::string("SELECT ") + kColumns + " FROM sessions WHERE id = ?");
    query.bind(1, id);
    auto found = readAll(sql, query);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

bool hasActiveSession(SQLite::Database& sql, const std::string& workspaceId,
                      core::SessionKind kind) {
    SQLite::Statement query(sql,
                            "SELECT 1 FROM sessions WHERE workspace_id = ? AND kind = ? "
                            "AND status IN ('starting', 'running') LIMIT 1");
    query.bind(1, workspaceId);
    query.bind(2, std::string(core::toString(kind)));
    return query.executeStep();
}

/// One active session per workspace of these kinds: parawork's agent and the user terminal.
bool exclusive(core::SessionKind kind) {
    return kind == core::SessionKind::Agent || kind == core::SessionKind::Terminal;
}

bool workspaceExists(SQLite::Database& sql, const std::string& workspaceId) {
    SQLite::Statement query(sql, "SELECT 1 FROM workspaces WHERE id = ?");
    query.bind(1, workspaceId);
    return query.executeStep();
}

/// "?, ?, ?" for `n` parameters. Only the number of placeholders varies, never the text of a
/// value, so the statement stays a prepared one.
std::string placeholders(std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
    return out;
}

/// Collects "column = ?" assignments and their values for a partial UPDATE.
class Assignments {
  public:
    template <class T>
    void add(const char* column, const std::optional<T>& value) {
        if (!value) return;
        columns_.push_back(column);
        binders_.push_back([v = *value](SQLite::Statement& st, int index) { st.bind(index, v); });
    }
    bool empty() const { return columns_.empty(); }
    std::string sql() const {
        std::string out;
        for (std::size_t i = 0; i < columns_.size(); ++i)
            out += (i == 0 ? "" : ", ") + std::string(columns_[i]) + " = ?";
        return out;
    }
    /// Binds the values to parameters 1..n; returns n.
    int bind(SQLite::Statement& statement) const {
        int index = 0;
        for (const auto& binder : binders_) binder(statement, ++index);
        return index;
    }

  private:
    std::vector<const char*> columns_;
    std::vector<std::function<void(SQLite::Statement&, int)>> binders_;
};

}  // namespace

void insertSession(SQLite::Database& sql, const core::Session& s) {
    SQLite::Statement insert(sql, std::string("INSERT INTO sessions (") + kColumns + ") VALUES (" +
                                      placeholders(kColumnCount) + ")");
    insert.bind(1, s.id);
    insert.bind(2, s.workspaceId);
    insert.bind(3, s.agentType);
    insert.bind(4, std::string(core::toString(s.status)));
    bindOptional(insert, 5, s.processId);
    bindOptional(insert, 6, s.startedAt);
    bindOptional(insert, 7, s.completedAt);
    bindOptional(insert, 8, s.name);
    if (s.command) insert.bind(9, encodeJsonStringArray(*s.command));
    bindOptional(insert, 10, s.cwd);
    if (s.env) insert.bind(11, encodeJsonStringObject(*s.env));
    bindOptional(insert, 12, s.exitCode);
    bindOptional(insert, 13, s.exitSignal);
    bindOptional(insert, 14, s.exitReason);
    bindOptional(insert, 15, s.hostPid);
    bindOptional(insert, 16, s.firstOutputAt);
    bindOptional(insert, 17, s.readyAt);
    bindOptional(insert, 18, s.peakMemoryMb);
    bindOptional(insert, 19, s.peakCpuPercent);
    insert.bind(20, s.logOffset);
    insert.bind(21, std::string(core::toString(s.kind)));
    insert.bind(22, std::string(core::toString(s.activity.state)));
    insert.bind(23, std::string(core::toString(s.activity.waitingFor)));
    insert.bind(24, s.activity.reason);
    insert.bind(25, std::string(core::toString(s.activity.source)));
    insert.bind(26, s.activity.since != 0 ? s.activity.since : s.startedAt.value_or(0));
    bindOptional(insert, 27, s.parentSessionId);
    insert.exec();
}

void insertSession(Database& db, const core::Session& session) {
    db.withLock([&](SQLite::Database& sql) { insertSession(sql, session); });
}

std::optional<core::Session> findSession(Database& db, const std::string& id) {
    return db.withLock([&](SQLite::Database& sql) { return findOn(sql, id); });
}

std::vector<core::Session> listSessionsByWorkspace(Database& db, const std::string& workspaceId,
                                                   core::SessionKind kind) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(sql, std::string("SELECT ") + kColumns +
                                         " FROM sessions WHERE workspace_id = ? AND kind = ?" +
                                         kNewestFirst);
        query.bind(1, workspaceId);
        query.bind(2, std::string(core::toString(kind)));
        return readAll(sql, query);
    });
}

std::vector<core::Session> listActiveSessionsInWorkspace(Database& db,
                                                         const std::string& workspaceId) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(sql, std::string("SELECT ") + kColumns +
                                         " FROM sessions WHERE workspace_id = ? AND status IN "
                                         "('starting', 'running')" +
                                         kNewestFirst);
        query.bind(1, workspaceId);
        return readAll(sql, query);
    });
}

std::vector<core::Session> listSessions(Database& db, bool activeOnly, std::size_t limit) {
    return db.withLock([&](SQLite::Database& sql) {
        std::string text = std::string("SELECT ") + kColumns + " FROM sessions";
        if (activeOnly) text += " WHERE status IN ('starting', 'running')";
        text += kNewestFirst;
        if (limit > 0) text += " LIMIT " + std::to_string(limit);
        SQLite::Statement query(sql, text);
        return readAll(sql, query);
    });
}

std::vector<core::Session> listSessionsByStatus(Database& db,
                                                const std::vector<core::SessionStatus>& statuses) {
    if (statuses.empty()) return {};
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement query(
            sql, std::string("SELECT ") + kColumns + " FROM sessions WHERE status IN (" +
                     placeholders(statuses.size()) + ") ORDER BY started_at ASC, rowid ASC");
        int index = 0;
        for (core::SessionStatus status : statuses)
            query.bind(++index, std::string(core::toString(status)));
        return readAll(sql, query);
    });
}

std::vector<core::SessionHistoryItem> listSessionHistory(Database& db,
                                                         const std::string& workspaceId) {
    return db.withLock([&](SQLite::Database& sql) {
        // The last message is the one with the latest timestamp; rowid settles a tie in favour
        // of the later insert.
        SQLite::Statement query(sql,
                                std::string("SELECT ") + kColumns +
                                    ", (SELECT count(*) FROM messages m WHERE m.session_id = s.id)"
                                    ", (SELECT m.content FROM messages m WHERE m.session_id = s.id "
                                    "ORDER BY m.timestamp DESC, m.rowid DESC LIMIT 1)"
                                    " FROM sessions s WHERE workspace_id = ? AND kind = 'agent' "
                                    "AND status IN ('completed', 'failed')" +
                                    kNewestFirst);
        query.bind(1, workspaceId);
        JsonColumnDecoder json(sql);
        std::vector<core::SessionHistoryItem> items;
        while (query.executeStep()) {
            core::SessionHistoryItem item;
            item.session = readSession(query, json);
            item.messageCount = query.getColumn(kColumnCount).getInt64();
            item.lastMessage = optionalString(query.getColumn(kColumnCount + 1));
            item.duration = core::sessionDuration(item.session);
            items.push_back(std::move(item));
        }
        return items;
    });
}

std::optional<core::Session> updateSession(Database& db, const std::string& id,
                                           const SessionPatch& patch) {
    Assignments set;
    if (patch.status) set.add("status", std::optional(std::string(core::toString(*patch.status))));
    set.add("process_id", patch.processId);
    set.add("completed_at", patch.completedAt);
    set.add("exit_code", patch.exitCode);
    set.add("exit_signal", patch.exitSignal);
    set.add("exit_reason", patch.exitReason);
    set.add("host_pid", patch.hostPid);
    set.add("first_output_at", patch.firstOutputAt);
    set.add("ready_at", patch.readyAt);
    set.add("peak_memory_mb", patch.peakMemoryMb);
    set.add("peak_cpu_percent", patch.peakCpuPercent);
    set.add("log_offset", patch.logOffset);
    if (patch.activity) {
        const auto& a = *patch.activity;
        set.add("activity_state", std::optional(std::string(core::toString(a.state))));
        set.add("activity_waiting_for", std::optional(std::string(core::toString(a.waitingFor))));
        set.add("activity_reason", std::optional(a.reason));
        set.add("activity_source", std::optional(std::string(core::toString(a.source))));
        set.add("activity_since", std::optional(a.since));
    }
    return db.withLock([&](SQLite::Database& sql) {
        if (!set.empty()) {
            SQLite::Statement update(sql, "UPDATE sessions SET " + set.sql() + " WHERE id = ?");
            update.bind(set.bind(update) + 1, id);
            update.exec();
        }
        return findOn(sql, id);
    });
}

SessionStartOutcome recordSessionStart(Database& db, const SessionStartRecord& start,
                                       std::int64_t now) {
    return db.withLock([&](SQLite::Database& sql) {
        // IMMEDIATE: the write lock is taken before the checks, so they cannot go stale.
        SQLite::Transaction transaction(sql, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string& workspaceId = start.session.workspaceId;
        if (!workspaceExists(sql, workspaceId)) return SessionStartOutcome::WorkspaceNotFound;
        const core::SessionKind kind = start.session.kind;
        if (exclusive(kind) && hasActiveSession(sql, workspaceId, kind))
            return SessionStartOutcome::WorkspaceBusy;
        insertSession(sql, start.session);
        if (kind == core::SessionKind::Agent) {  // the workspace's status is its agent's
            WorkspacePatch running;
            running.status = core::WorkspaceStatus::Running;
            running.agentType.emplace(start.session.agentType);
            updateWorkspace(sql, workspaceId, running, now);
        }
        if (start.copyMessagesFrom) copyMessages(sql, *start.copyMessagesFrom, start.session.id);
        if (start.initialMessage) insertMessage(sql, *start.initialMessage);
        transaction.commit();
        return SessionStartOutcome::Recorded;
    });
}

}  // namespace parawork::store
