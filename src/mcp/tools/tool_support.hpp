// What the tool files share: reading validated arguments, who may reach what (the workspace
// confinement of issue 21 §4), and each group's registration.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "mcp/tools/parawork_tools.hpp"

namespace parawork::mcp::tools {

// Arguments, already checked against the tool's input shape (types and bounds).
std::string textArg(const boost::json::object& args, std::string_view name);
std::optional<std::string> optionalText(const boost::json::object& args, std::string_view name);
std::optional<std::int64_t> optionalInteger(const boost::json::object& args, std::string_view name);
std::optional<bool> optionalBool(const boost::json::object& args, std::string_view name);
std::vector<std::string> listArg(const boost::json::object& args, std::string_view name);
/// "NAME=value" items as a map; 400 for an item without '=' or with an empty name.
std::map<std::string, std::string> envArg(const boost::json::object& args, std::string_view name);

/// The workspace confinement: when on, a caller inside a session reaches only that session's
/// workspace. Refusals are core::ServiceError 403 "... is outside this session's workspace".
class Reach {
  public:
    explicit Reach(const ToolServices& services) : services_(services) {}

    /// The caller's workspace when confinement applies to it; nullopt: it may reach anything.
    std::optional<std::string> confinedTo(const CallContext& context) const;
    /// Refuses a workspace the caller may not reach.
    void workspace(const CallContext& context, const std::string& workspaceId) const;
    /// Refuses a session the caller may not reach (404 when there is none); its workspace.
    std::string session(const CallContext& context, const std::string& sessionId) const;
    /// Refuses what only an unconfined caller may do (create a workspace...).
    void unconfined(const CallContext& context, std::string_view what) const;

  private:
    const ToolServices& services_;
};

/// The services as every tool's handler keeps them.
using Services = std::shared_ptr<const ToolServices>;

/// A workspace id argument.
Property workspaceIdArg();
/// A session id argument.
Property sessionIdArg();
/// The fields of a session a client relies on: id, workspaceId, status.
Shape sessionFields();
/// A session as the REST API shows it (open: its other fields too).
Field sessionObject(std::string description);

void addWorkspaceTools(McpServer& server, const Services& services);
void addSessionTools(McpServer& server, const Services& services);
void addWaitTools(McpServer& server, const Services& services);
void addInspectTools(McpServer& server, const Services& services);
void addReviewTools(McpServer& server, const Services& services);

}  // namespace parawork::mcp::tools
