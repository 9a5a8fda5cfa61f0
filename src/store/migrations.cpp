// Migration 1 is the original parawork schema (protocol §13) with one deliberate change:
// agent_type accepts any non-empty name, because we run aider, gemini and arbitrary commands.
// Migration 2 adds what our sessions record beyond the original. Migration 3 adds what a session
// needs to be restarted and re-adopted: its extra environment and the agent-log parse position.
// Migration 4 adds session kinds and the workspace's parsed parawork.toml.
#include "store/migrations.hpp"

#include <string>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "core/error.hpp"

namespace parawork::store {
namespace {

constexpr std::string_view kOriginalSchema = R"sql(
CREATE TABLE repositories (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,
    default_branch TEXT NOT NULL DEFAULT 'main',
    remote_url TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX idx_repositories_path ON repositories(path);

CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    repository_id TEXT REFERENCES repositories(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('idle', 'running', 'completed', 'error')),
    agent_type TEXT CHECK (length(agent_type) > 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_focused_at INTEGER,
    git_worktree_path TEXT,
    git_branch_name TEXT,
    git_base_repo_path TEXT,
    git_base_branch TEXT,
    git_created_at INTEGER
);
CREATE INDEX idx_workspaces_status ON workspaces(status);
CREATE INDEX idx_workspaces_last_focused ON workspaces(last_focused_at DESC);
CREATE INDEX idx_workspaces_repository ON workspaces(repository_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    agent_type TEXT NOT NULL CHECK (length(agent_type) > 0),
    status TEXT NOT NULL CHECK (status IN ('starting', 'running', 'completed', 'failed')),
    process_id INTEGER,
    started_at INTEGER,
    completed_at INTEGER
);
CREATE INDEX idx_sessions_workspace ON sessions(workspace_id);
CREATE INDEX idx_sessions_status ON sessions(status);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    timestamp INTEGER NOT NULL
);
CREATE INDEX idx_messages_session ON messages(session_id);
CREATE INDEX idx_messages_timestamp ON messages(timestamp);

CREATE TABLE file_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    file_path TEXT NOT NULL,
    change_type TEXT NOT NULL CHECK (change_type IN ('created', 'modified', 'deleted')),
    diff TEXT,
    timestamp INTEGER NOT NULL
);
CREATE INDEX idx_file_changes_session ON file_changes(session_id);
CREATE INDEX idx_file_changes_timestamp ON file_changes(timestamp);

CREATE TABLE agent_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    timestamp INTEGER NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
    message TEXT NOT NULL
);
CREATE INDEX idx_agent_logs_session ON agent_logs(session_id);
CREATE INDEX idx_agent_logs_timestamp ON agent_logs(timestamp);
)sql";

constexpr std::string_view kSessionExtensions = R"sql(
ALTER TABLE sessions ADD COLUMN name TEXT;
ALTER TABLE sessions ADD COLUMN command_json TEXT; -- argv as a JSON array of strings
ALTER TABLE sessions ADD COLUMN cwd TEXT;
ALTER TABLE sessions ADD COLUMN exit_code INTEGER;
ALTER TABLE sessions ADD COLUMN exit_signal INTEGER;
ALTER TABLE sessions ADD COLUMN exit_reason TEXT;
ALTER TABLE sessions ADD COLUMN host_pid INTEGER; -- the parawork-host owning the PTY
ALTER TABLE sessions ADD COLUMN first_output_at INTEGER;
ALTER TABLE sessions ADD COLUMN ready_at INTEGER;
ALTER TABLE sessions ADD COLUMN peak_memory_mb REAL;
ALTER TABLE sessions ADD COLUMN peak_cpu_percent REAL;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
)sql";

constexpr std::string_view kSessionEnvAndLogOffset = R"sql(
ALTER TABLE sessions ADD COLUMN env_json TEXT; -- extra environment: a JSON object of strings
-- Byte offset in the output log up to which agent_logs rows were written: a re-adopting daemon
-- resumes parsing there instead of repeating or skipping lines.
ALTER TABLE sessions ADD COLUMN log_offset INTEGER NOT NULL DEFAULT 0;
)sql";

// Sessions of other kinds than parawork's agent (commands, user terminals, setup runs) share the
// table; parawork's lists show agents only. The repository's parawork.toml is kept with each
// workspace as parsed when the workspace was made.
constexpr std::string_view kSessionKindAndProjectConfig = R"sql(
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'agent'
    CHECK (kind IN ('agent', 'command', 'terminal', 'setup'));
CREATE INDEX idx_sessions_workspace_kind ON sessions(workspace_id, kind);
ALTER TABLE workspaces ADD COLUMN project_config_json TEXT;
)sql";

// Each workspace's block of ports (PORT, PARAWORK_PORTS), kept across daemon restarts so a
// workspace's dev servers keep their ports; and the ports a session declared it serves (`run -p`,
// parawork.toml [run] ports), whose preview URLs show a loading page until they answer.
constexpr std::string_view kPorts = R"sql(
CREATE TABLE port_blocks (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    first_port INTEGER NOT NULL CHECK (first_port BETWEEN 1 AND 65535),
    size INTEGER NOT NULL CHECK (size BETWEEN 1 AND 1000)
);
CREATE TABLE declared_ports (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    PRIMARY KEY (session_id, port)
);
)sql";

// Named device tokens for remote access: only each token's SHA-256 is kept, so a copy of the
// database grants nothing. Timestamps are ms since the epoch.
constexpr std::string_view kDeviceTokens = R"sql(
CREATE TABLE device_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);
)sql";

// What each session's agent is doing (issue 19): its activity state, why it waits, which layer
// said so and since when; NULL until the daemon has tracked it. A workspace may mute the
// notifications its agents send.
constexpr std::string_view kActivity = R"sql(
ALTER TABLE sessions ADD COLUMN activity_state TEXT;
ALTER TABLE sessions ADD COLUMN activity_waiting_for TEXT;
ALTER TABLE sessions ADD COLUMN activity_reason TEXT;
ALTER TABLE sessions ADD COLUMN activity_source TEXT;
ALTER TABLE sessions ADD COLUMN activity_since INTEGER;
ALTER TABLE workspaces ADD COLUMN notifications_muted INTEGER NOT NULL DEFAULT 0;
)sql";

// Review comments on a workspace's changes (issue 20 §1): a line range of a file as it reads in
// the worktree (side new) or in the base (side old), the quoted lines as they read then, and
// whether the comment was resolved and sent to an agent session.
constexpr std::string_view kReviewComments = R"sql(
CREATE TABLE review_comments (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    path TEXT NOT NULL CHECK (length(path) > 0),
    line INTEGER NOT NULL CHECK (line >= 1),
    end_line INTEGER NOT NULL CHECK (end_line >= line),
    side TEXT NOT NULL CHECK (side IN ('new', 'old')),
    body TEXT NOT NULL,
    quote TEXT NOT NULL,
    resolved_at INTEGER,
    sent_at INTEGER,
    sent_to_session_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX idx_review_comments_workspace ON review_comments(workspace_id);
)sql";

// A workspace's pull request (issue 20): the JSON of review::PullRequest as gh last showed it.
constexpr std::string_view kPullRequests = R"sql(
ALTER TABLE workspaces ADD COLUMN pull_request TEXT;
)sql";

// Archived workspaces (issue 20): their worktree is gone and their branch kept under a hidden
// ref; NULL while the workspace is active.
constexpr std::string_view kArchived = R"sql(
ALTER TABLE workspaces ADD COLUMN archived_at INTEGER;
)sql";

// The session that started a session through MCP (issue 21 §4): a sub-agent's parent.
constexpr std::string_view kParentSession = R"sql(
ALTER TABLE sessions ADD COLUMN parent_session_id TEXT;
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> list = {
        {1, "the original parawork schema, any agent type", kOriginalSchema},
        {2, "session extensions and the settings table", kSessionExtensions},
        {3, "session environment and agent-log offset", kSessionEnvAndLogOffset},
        {4, "session kinds and the workspace's project config", kSessionKindAndProjectConfig},
        {5, "port blocks and declared ports", kPorts},
        {6, "device tokens", kDeviceTokens},
        {7, "session activity and notification mutes", kActivity},
        {8, "review comments", kReviewComments},
        {9, "workspace pull requests", kPullRequests},
        {10, "archived workspaces", kArchived},
        {11, "a session's parent session", kParentSession},
    };
    return list;
}

int latestSchemaVersion() {
    return migrations().back().version;
}

int userVersion(SQLite::Database& db) {
    SQLite::Statement query(db, "PRAGMA user_version");
    query.executeStep();
    return query.getColumn(0).getInt();
}

void migrate(SQLite::Database& db, int targetVersion) {
    for (const Migration& m : migrations()) {
        if (m.version > targetVersion) break;
        // IMMEDIATE takes the write lock first, so the version read below cannot go stale.
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        if (userVersion(db) >= m.version) continue;
        try {
            db.exec(std::string(m.sql));
            // A pragma cannot take a bound parameter; the version is our own constant.
            db.exec("PRAGMA user_version = " + std::to_string(m.version));
            transaction.commit();
        } catch (const SQLite::Exception& e) {
            throw core::Error("database " + db.getFilename() + ": migration " +
                              std::to_string(m.version) + " (" + std::string(m.description) +
                              ") failed: " + e.what());
        }
    }
}

}  // namespace parawork::store
