// parawork's MCP tools (issue 21 §3, docs/mcp.md "Tools"): each one call of the service the REST
// route of the same question calls, answering the same JSON. The daemon registers them on its
// McpServer with its services.
#pragma once

#include "deps/dependency_service.hpp"
#include "mcp/mcp_server.hpp"
#include "ports/port_service.hpp"
#include "review/branch_service.hpp"
#include "review/checkpoint_service.hpp"
#include "review/comment_service.hpp"
#include "session/exec_runner.hpp"
#include "session/session_changes.hpp"
#include "session/session_service.hpp"
#include "store/database.hpp"
#include "workspace/workspace_service.hpp"

namespace parawork::mcp {

/// The daemon's services, all required; they outlive the server.
struct ToolServices {
    store::Database& db;
    session::SessionService& sessions;
    workspace::WorkspaceService& workspaces;
    ports::PortService& ports;
    deps::DependencyService& dependencies;
    review::CommentService& comments;
    review::CheckpointService& checkpoints;
    review::BranchService& branches;
    /// Shared with POST /api/sessions/:id/exec: one bound on commands running at once.
    session::ExecRunner& exec;
    /// Wakes session_output and session_wait when a session changes (registered as an observer).
    const session::SessionChanges& changes;
    /// A caller inside a session may reach only its own workspace and its sessions.
    bool confineToWorkspace = false;
};

/// Registers every tool (names in docs/mcp.md) on `server`.
void addParaworkTools(McpServer& server, ToolServices services);

}  // namespace parawork::mcp
