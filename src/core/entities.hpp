// The domain entities of parawork (protocol §3, §13): plain structs that the store reads and
// writes, the API turns into JSON, and the session room fills in. No I/O here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/activity.hpp"

namespace parawork::core {

// ---- enumerations, spelled on the wire and in the database as in protocol §0 -----------------

enum class WorkspaceStatus { Idle, Running, Completed, Error };
enum class SessionStatus { Starting, Running, Completed, Failed };
enum class MessageRole { User, Assistant };
enum class LogLevel { Info, Warning, Error };
enum class ChangeType { Created, Modified, Deleted };
enum class ConversationEventType { Message, AgentLog };
/// What a session runs: parawork's agent (one active per workspace, the one its UI shows), an
/// arbitrary command (`parawork run`; any number), a workspace's user terminal (at most one
/// active), or a setup script run before an agent starts.
enum class SessionKind { Agent, Command, Terminal, Setup };

/// The wire/database spelling: "idle", "starting", "user", "warning", "created", "agent_log"...
std::string_view toString(WorkspaceStatus status);
std::string_view toString(SessionStatus status);
std::string_view toString(MessageRole role);
std::string_view toString(LogLevel level);
std::string_view toString(ChangeType type);
std::string_view toString(ConversationEventType type);
std::string_view toString(SessionKind kind);

/// The inverse of toString: exact, case-sensitive spelling; nullopt for anything else.
std::optional<WorkspaceStatus> parseWorkspaceStatus(std::string_view text);
std::optional<SessionStatus> parseSessionStatus(std::string_view text);
std::optional<MessageRole> parseMessageRole(std::string_view text);
std::optional<LogLevel> parseLogLevel(std::string_view text);
std::optional<ChangeType> parseChangeType(std::string_view text);
std::optional<SessionKind> parseSessionKind(std::string_view text);

/// Active sessions (starting or running) block another start in their workspace (§4.4).
constexpr bool isActive(SessionStatus status) {
    return status == SessionStatus::Starting || status == SessionStatus::Running;
}

/// Finished sessions (completed or failed) are the session history (§10).
constexpr bool isFinished(SessionStatus status) {
    return !isActive(status);
}

// ---- entities ---------------------------------------------------------------------------------
// Timestamps are integer milliseconds since the Unix epoch (protocol §0). An empty optional is
// a NULL column and, on the wire, null (or an omitted key where §3 says so).

struct Repository {
    std::string id;  ///< UUID
    std::string name;
    std::string path;  ///< as the client gave it; unique
    std::string defaultBranch = "main";
    std::optional<std::string> remoteUrl;
    std::int64_t createdAt = 0;
    std::int64_t updatedAt = 0;
};

/// The worktree metadata of a workspace. The DB columns are individually nullable; a workspace
/// has a GitWorktree only when path, branch and base repo path are all set (§13).
struct GitWorktree {
    std::string worktreePath;
    std::string branchName;
    std::string baseRepoPath;
    std::optional<std::string> baseBranch;  ///< NULL reads back as "origin/main" on the wire
    std::optional<std::int64_t> createdAt;  ///< NULL reads back as the workspace's createdAt
};

struct Workspace {
    std::string id;  ///< UUID
    std::optional<std::string> repositoryId;
    std::string name;
    std::string path;  ///< the working directory: the worktree path when one was made
    WorkspaceStatus status = WorkspaceStatus::Idle;
    std::optional<std::string> agentType;  ///< any non-empty name
    std::int64_t createdAt = 0;
    std::int64_t updatedAt = 0;
    std::optional<std::int64_t> lastFocusedAt;
    std::optional<GitWorktree> gitWorktree;
    /// The repository's parawork.toml as parsed when the workspace was made, as JSON text (our
    /// extension; see project/project_config.hpp).
    std::optional<std::string> projectConfigJson;
    /// No outgoing notifications for its sessions (issue 19; PATCH notificationsMuted).
    bool notificationsMuted = false;
    /// Its pull request as review::PullRequest's JSON text (issue 20); nullopt when none.
    std::optional<std::string> pullRequestJson;
    /// When it was archived (issue 20): its worktree removed, its branch kept; null while active.
    std::optional<std::int64_t> archivedAt;
};

struct Session {
    // The original parawork fields (§3).
    std::string id;  ///< UUID
    std::string workspaceId;
    std::string agentType;  ///< any non-empty name: an agent from the config, or a command's
    SessionStatus status = SessionStatus::Starting;
    std::optional<int> processId;  ///< the PTY child's pid
    std::optional<std::int64_t> startedAt;
    std::optional<std::int64_t> completedAt;

    // Our extensions (schema v2, v3, v4); unknown until the session room records them.
    SessionKind kind = SessionKind::Agent;
    std::optional<std::string> name;
    std::optional<std::vector<std::string>> command;  ///< argv
    std::optional<std::string> cwd;
    /// The extra environment given at start. Kept out of the JSON: it may hold secrets.
    std::optional<std::map<std::string, std::string>> env;
    std::optional<int> exitCode;
    std::optional<int> exitSignal;
    std::optional<std::string> exitReason;
    std::optional<int> hostPid;  ///< the parawork-host that owns the PTY (re-adoption)
    std::optional<std::int64_t> firstOutputAt;
    std::optional<std::int64_t> readyAt;
    std::optional<double> peakMemoryMb;
    std::optional<double> peakCpuPercent;
    /// Byte offset in the output log up to which agent_log rows have been parsed, so a
    /// re-adopting daemon neither repeats nor skips lines.
    std::int64_t logOffset = 0;
    /// What it is doing (issue 19). An ended session's is its end (Completed or Failed, since
    /// completedAt); a live one's as last tracked (Starting until then).
    Activity activity;
    /// The session whose agent started this one (an MCP session_run from inside a session).
    std::optional<std::string> parentSessionId;
};

/// A finished session as the history list shows it (§3 SessionHistoryItem).
struct SessionHistoryItem {
    Session session;
    std::int64_t messageCount = 0;
    std::optional<std::string> lastMessage;  ///< content of the latest message; null if none
    std::int64_t duration = 0;  ///< completedAt - startedAt when both are set, else 0 (ms)
};

struct Message {
    std::string id;  ///< UUID
    std::string sessionId;
    MessageRole role = MessageRole::User;
    std::string content;
    std::int64_t timestamp = 0;
};

struct AgentLog {
    std::int64_t id = 0;  ///< autoincrement: insertion order
    std::string sessionId;
    std::int64_t timestamp = 0;
    LogLevel level = LogLevel::Info;
    std::string message;  ///< one sanitized output line
};

struct FileChange {
    std::int64_t id = 0;  ///< autoincrement
    std::string sessionId;
    std::string filePath;
    ChangeType changeType = ChangeType::Modified;
    std::optional<std::string> diff;
    std::int64_t timestamp = 0;
};

/// One entry of the full conversation (§4.4): a message or an agent-log line.
struct ConversationEvent {
    std::string id;  ///< the message UUID, or the agent log's integer id as a string
    ConversationEventType type = ConversationEventType::Message;
    std::int64_t timestamp = 0;
    std::string content;
    std::optional<MessageRole> role;  ///< messages only
    std::optional<LogLevel> level;    ///< agent logs only
};

/// completedAt - startedAt when both are set, else 0 (§3).
std::int64_t sessionDuration(const Session& session);

/// Merges a session's messages and agent logs into one timeline, ascending by timestamp (§4.4).
/// The sort is stable and messages come before logs on equal timestamps; within each kind the
/// given order is kept, so pass messages oldest first and logs in insertion (id) order.
std::vector<ConversationEvent> mergeConversation(std::span<const Message> messages,
                                                 std::span<const AgentLog> logs);

}  // namespace parawork::core
