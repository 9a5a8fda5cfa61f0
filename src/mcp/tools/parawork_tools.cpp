#include "mcp/tools/parawork_tools.hpp"

#include "mcp/tools/tool_support.hpp"

namespace parawork::mcp {

void addParaworkTools(McpServer& server, ToolServices services) {
    auto shared = std::make_shared<const ToolServices>(services);
    tools::addWorkspaceTools(server, shared);
    tools::addSessionTools(server, shared);
    tools::addWaitTools(server, shared);
    tools::addInspectTools(server, shared);
    tools::addReviewTools(server, shared);
}

}  // namespace parawork::mcp
