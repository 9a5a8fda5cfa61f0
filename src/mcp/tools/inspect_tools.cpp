// ports_list, dependencies, diff: PortService's port lists, DependencyService::report and
// review::workspaceDiff.
#include "core/error.hpp"
#include "git/ref_names.hpp"
#include "mcp/tools/tool_support.hpp"
#include "review/workspace_diff.hpp"
#include "workspace/workspace_lookup.hpp"

namespace parawork::mcp::tools {
namespace {

namespace json = boost::json;

ToolDeclaration portsTool(const Services& s) {
    Shape port{required("sessionId", text("Whose")), required("workspaceId", text("Where")),
               required("port", integer("The port")),
               required("state", text("listening, or declared (not yet)")),
               required("url", text("Its preview URL through parawork"))};
    return {.name = "ports_list",
            .title = "List ports",
            .description =
                "The ports sessions listen on or declared, with their preview URLs: "
                "one session's, or every running session's.",
            .input = {optional("sessionId", text("Only this session's").lengthBetween(1, 64))},
            .output = Shape{required(
                "ports", objectList("As GET /api/ports shows them", std::move(port)).openEnded())},
            .hints = {.readOnly = true, .idempotent = true},
            .handler = [s](const json::object& args, const CallContext& context) {
                json::array ports;
                if (auto id = optionalText(args, "sessionId")) {
                    Reach(*s).session(context, *id);
                    auto found = s->ports.sessionPorts(*id);
                    if (!found) throw core::ServiceError(404, "Session not found");
                    ports = std::move(*found);
                } else {
                    auto own = Reach(*s).confinedTo(context);
                    for (auto& entry : s->ports.allPorts())
                        if (!own || entry.at("workspaceId").as_string() == *own)
                            ports.push_back(entry);
                }
                return ToolResult::ok({{"ports", std::move(ports)}});
            }};
}

ToolDeclaration dependenciesTool(const Services& s) {
    return {
        .name = "dependencies",
        .title = "Dependencies",
        .description =
            "What the workspace depends on (package managers, lock files, "
            "tools, install state): the dependency report.",
        .input = {workspaceIdArg()},
        .output = Shape{required("report", object("As GET /api/workspaces/:id/dependencies "
                                                  "shows it",
                                                  {})
                                               .openEnded())},
        .hints = {.readOnly = true, .idempotent = true},
        .handler = [s](const json::object& args, const CallContext& context) {
            auto id = textArg(args, "workspaceId");
            Reach(*s).workspace(context, id);
            return ToolResult::ok({{"report", s->dependencies.report(workspace::requireWorkspace(
                                                  s->db, id, {.directory = true}))}});
        }};
}

ToolDeclaration diffTool(const Services& s) {
    Shape file{required("path", text("The file")),
               required("changeType", text("How it changed")),
               required("insertions", integer("Lines added")),
               required("deletions", integer("Lines removed")),
               required("binary", boolean("A binary file (no diff)")),
               required("diffTruncated", boolean("Its diff was cut or left out"))};
    return {.name = "diff",
            .title = "Workspace diff",
            .description =
                "The workspace's changes against its base (committed, staged, "
                "unstaged, untracked), a unified diff per file, 4 MiB in all.",
            .input = {workspaceIdArg(),
                      optional("base", text("Compare with (default: its base branch)")
                                           .lengthBetween(1, git::kMaxRefNameLength)),
                      optional("path", text("Only this file").lengthBetween(1, 4096))},
            .output = Shape{required("baseRef", text("The base compared with")),
                            required("baseCommit", text("Its commit")),
                            required("truncated", boolean("Something was left out")),
                            required("files",
                                     objectList("The changed files", std::move(file)).openEnded())},
            .hints = {.readOnly = true, .idempotent = true},
            .handler = [s](const json::object& args, const CallContext& context) {
                auto id = textArg(args, "workspaceId");
                Reach(*s).workspace(context, id);
                review::DiffRequest request{optionalText(args, "base"), optionalText(args, "path")};
                return ToolResult::ok(review::workspaceDiff(s->db, id, request));
            }};
}

}  // namespace

void addInspectTools(McpServer& server, const Services& s) {
    server.addTool(portsTool(s));
    server.addTool(dependenciesTool(s));
    server.addTool(diffTool(s));
}

}  // namespace parawork::mcp::tools
