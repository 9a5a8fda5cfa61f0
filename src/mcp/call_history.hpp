// Every tool call an agent makes from a parawork session goes into that session's logs (issue 21
// §4, GET /api/sessions/:id/logs): which tool, its arguments (bounded), how it ended and how long
// it took; so does each initialize, with the client's name and version. Calls from outside any
// session are not recorded.
#pragma once

#include "mcp/mcp_server.hpp"

namespace parawork::store {
class Database;
}

namespace parawork::mcp {

/// The longest arguments text kept in a log line; longer ones end in "…".
inline constexpr std::size_t kMaxLoggedArgumentsBytes = 400;

/// The log line of a call: "mcp: session_run {\"workspaceId\":…} → ok (12 ms)".
std::string callLogLine(const ToolCallRecord& call);

/// An observer for McpServer::setCallObserver that writes each call of a caller session into
/// its logs.
CallObserver sessionHistory(store::Database& db);

}  // namespace parawork::mcp
