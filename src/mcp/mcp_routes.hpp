// The Streamable HTTP edge of the MCP server (docs/mcp.md, "Transports"): POST /mcp carries one
// JSON-RPC message and gets its answer (JSON, or SSE when progress went out before it); a 2025
// client keeps its handshake in an MCP session named by Mcp-Session-Id; GET is 405 (we open no
// stream of our own); DELETE ends a session. The request gate has already checked the token,
// the Host and the Origin (a foreign Origin is a 403 there, as the MCP spec requires).
#pragma once

#include "api/router.hpp"
#include "mcp/mcp_connection.hpp"
#include "mcp/mcp_server.hpp"

namespace parawork::mcp {

/// Headers parawork's own stdio bridge (`parawork mcp`) sends besides the MCP ones.
inline constexpr const char* kCallerSessionHeader = "x-parawork-session";  ///< the agent's session
inline constexpr const char* kScopeHeader = "x-parawork-mcp-scope";  ///< one bridge's request ids

void addMcpRoutes(api::Router& router, McpServer& server, McpSessions& sessions);

}  // namespace parawork::mcp
