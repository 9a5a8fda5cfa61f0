// The calling session's history of MCP tool calls (see call_history.hpp).
#include "mcp/call_history.hpp"

#include <boost/json/serialize.hpp>

#include "core/clock.hpp"
#include "core/utf8_text.hpp"
#include "store/agent_logs.hpp"

namespace parawork::mcp {

std::string callLogLine(const ToolCallRecord& call) {
    std::string arguments = boost::json::serialize(call.arguments);
    if (arguments.size() > kMaxLoggedArgumentsBytes) {
        arguments.resize(kMaxLoggedArgumentsBytes);
        arguments = core::toValidUtf8(arguments) + "…";  // the cut may split a character
    }
    return "mcp: " + std::string(call.tool) + " " + arguments +
           (call.failed ? " → error" : " → ok") + " (" + std::to_string(call.took.count()) + " ms)";
}

CallObserver sessionHistory(store::Database& db) {
    return [&db](const ToolCallRecord& call) {
        if (!call.caller.sessionId) return;
        store::AgentLogRow row{core::nowMs(),
                               call.failed ? core::LogLevel::Warning : core::LogLevel::Info,
                               callLogLine(call)};
        // A session the store does not know (ended and deleted) throws: nothing to record.
        store::insertAgentLogs(db, *call.caller.sessionId, std::span(&row, 1));
    };
}

}  // namespace parawork::mcp
