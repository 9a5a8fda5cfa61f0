// The workspace room's service (beside session::SessionService): a workspace's lifecycle —
// validation, the worktree made from its repository, the project config it is made with, the
// record (rolled back when it cannot be written), its setup; patch and delete — and the rules of
// starting a session in a workspace (the busy check, the agent profile, the project's env and
// ports, the setup gate, a resume). The API routes and the CLI's requests call it: refusals are
// core::ServiceError with the HTTP status and message the API answers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agents.hpp"
#include "core/entities.hpp"
#include "deps/dependency_service.hpp"
#include "deps/setup_state.hpp"
#include "files/path_rules.hpp"
#include "session/session_service.hpp"
#include "store/database.hpp"
#include "store/workspaces.hpp"
#include "workspace/agent_hook_files.hpp"
#include "workspace/workspace_locks.hpp"

namespace parawork::workspace {

struct WorkspaceConfig {
    std::filesystem::path worktreeBase;
    std::string branchPrefix = "parawork/";
    bool deleteBranchOnRemove = true;
    files::Roots roots;
    /// The configured agent profiles: a workspace's agentType must name one.
    const std::vector<core::AgentProfile>* agents = nullptr;
    /// Run the detected install commands as a new worktree's setup when its parawork.toml has no
    /// [setup] script (config deps.auto_install; a create request's autoInstallDependencies wins).
    bool autoInstallDependencies = false;
    /// Detects what an automatic setup installs; none means no automatic install.
    deps::DependencyService* dependencies = nullptr;
    /// A workspace was recorded / deleted (the port service gives it its block of ports at once,
    /// off its first session's start, and takes it back).
    std::function<void(const std::string& workspaceId)> created;
    std::function<void(const std::string& workspaceId)> deleted;
    /// A `{type, data}` event for the workspace's subscribers (`workspace_deleted`).
    std::function<void(const std::string& workspaceId, std::string eventJson)> publish;
    /// parawork's hook command that agents call (its binary's absolute path, "hook", options)
    /// and where their hook settings files go (issue 19); no command: agents start without hooks.
    std::vector<std::string> hookCommand;
    std::filesystem::path agentHooksDir;
    /// parawork's MCP server command given to the agents it starts (config mcp.offer_to_agents;
    /// the binary's absolute path, "mcp", options); empty: none.
    std::vector<std::string> mcpCommand;
};

/// A new workspace: a worktree on its own branch made from a repository, or a plain directory.
struct CreateRequest {
    std::string name;
    std::string path;
    std::optional<std::string> agentType;
    std::optional<std::string> repositoryId;
    std::optional<std::string> baseBranch;  ///< our extension: the worktree's start point
    std::optional<bool> worktree;           ///< our extension: false asks for a plain directory
    std::optional<bool> autoInstallDependencies;  ///< our extension: overrides the config
    /// Asked over the owner's unix socket: the owner's own directories are allowed.
    bool fromOwnersSocket = false;
};

/// A workspace with its latest setup's state (none when it never had one).
struct WorkspaceDetail {
    core::Workspace workspace;
    std::optional<deps::SetupState> setup;
};

/// The workspace's user terminal as an open request found or made it.
struct OpenedTerminal {
    std::string id;
    bool existing = false;  ///< it was open already
};

class WorkspaceService {
  public:
    WorkspaceService(store::Database& db, session::SessionService& sessions,
                     WorkspaceConfig config);

    /// Makes and records the workspace and starts its setup. A worktree that cannot be recorded
    /// is removed again (no orphan worktree or branch).
    WorkspaceDetail create(CreateRequest request);
    std::optional<core::Workspace> find(const std::string& id);
    std::optional<WorkspaceDetail> detail(const std::string& id);
    /// The active workspaces, or with `archived` the archived ones (issue 20).
    std::vector<core::Workspace> list(bool archived = false);
    /// The store's change count: a list read after it is current until it changes.
    std::int64_t changeCount();
    /// nullopt: no such workspace.
    std::optional<core::Workspace> update(const std::string& id,
                                          const store::WorkspacePatch& patch);
    /// Stops the workspace's sessions (and waits for them), removes its worktree, forgets it and
    /// announces `workspace_deleted`. A worktree that cannot be removed keeps the workspace (409).
    void remove(const std::string& id);
    /// Stops the workspace's sessions and terminal and waits for them (a few seconds past the
    /// stop grace); those still ending are logged with `why` ("deleted", "archived").
    void stopSessions(const std::string& id, std::string_view why);

    /// The checks of a session start before its body is read (§4.4): the workspace exists, and
    /// an agent start finds no active agent session there.
    void precheckStart(const std::string& workspaceId, bool agent);
    /// How the enabled agent profile `agentType` is launched; 400 when it is not enabled.
    core::AgentLaunch agentLaunch(const std::string& agentType,
                                  const std::optional<std::string>& initialPrompt);
    /// Starts `start` with the workspace's parawork.toml env (under the request's own) and [run]
    /// ports (when it runs the [run] command without ports of its own); an agent start waits for
    /// the workspace's setup first unless `ignoreSetup`.
    core::Session startSession(session::StartRequest start, bool ignoreSetup);
    /// A new session in the original's workspace that starts with its messages: the agent
    /// continues its own conversation where its profile knows how; a command runs again.
    core::Session resumeSession(const std::string& originalId);

    /// The workspace's one user terminal (§4.5): the active one, else `start` (kind Terminal)
    /// started. 404 without the workspace; a start that fails answers its refusal (a 500 as
    /// "Failed to start terminal: <why>").
    OpenedTerminal openTerminal(const session::StartRequest& start);
    /// The user terminal while it is starting or running. A stopped terminal stays here until
    /// its process has really exited, as in the original.
    std::optional<core::Session> activeTerminal(const std::string& workspaceId);
    /// Asks the active terminal to stop (SIGTERM and SIGHUP now, SIGKILL after the grace).
    /// False: there is none.
    bool closeTerminal(const std::string& workspaceId);

    /// The per-workspace locks that removal, archiving and checkpoints share.
    WorkspaceLocks& locks() { return locks_; }

  private:
    const std::vector<core::AgentProfile>& agents() const;
    /// `profile`'s launch with its hooks installed.
    core::AgentLaunch launchOf(const core::AgentProfile& profile,
                               const std::optional<std::string>& prompt, bool resume);

    store::Database& db_;
    session::SessionService& sessions_;
    WorkspaceConfig config_;
    AgentHookFiles hookFiles_;
    WorkspaceLocks locks_;
};

}  // namespace parawork::workspace
