// workspace_list, workspace_create, workspace_delete: WorkspaceService's list, create, remove.
#include "api/entity_json.hpp"
#include "core/error.hpp"
#include "deps/setup_state.hpp"
#include "git/ref_names.hpp"
#include "mcp/tools/tool_support.hpp"
#include "store/repositories.hpp"

namespace parawork::mcp::tools {
namespace {

namespace json = boost::json;

/// The fields of a workspace a client relies on; the rest is as GET /api/workspaces shows it.
Shape workspaceFields() {
    return {required("id", text("Its id")), required("name", text("Its name")),
            required("path", text("Its directory")),
            required("status", text("idle, running, completed or error"))};
}

/// A registered repository by id, else by path.
core::Repository registeredRepository(store::Database& db, const std::string& idOrPath) {
    if (auto byId = store::findRepository(db, idOrPath)) return *byId;
    if (auto byPath = store::findRepositoryByPath(db, idOrPath)) return *byPath;
    throw core::ServiceError(404, "Repository not found: " + idOrPath +
                                      " (give the id or path of a registered repository)");
}

ToolDeclaration listTool(const Services& s) {
    return {
        .name = "workspace_list",
        .title = "List workspaces",
        .description = "The active workspaces (a confined caller sees only its own).",
        .input = {},
        .output = Shape{required(
            "workspaces",
            objectList("Workspaces as the REST API shows them", workspaceFields()).openEnded())},
        .hints = {.readOnly = true, .idempotent = true},
        .handler = [s](const json::object&, const CallContext& context) {
            auto own = Reach(*s).confinedTo(context);
            std::vector<core::Workspace> shown;
            for (auto& ws : s->workspaces.list())
                if (!own || ws.id == *own) shown.push_back(std::move(ws));
            return ToolResult::ok({{"workspaces", api::toJsonArray(shown)}});
        }};
}

ToolDeclaration createTool(const Services& s) {
    return {.name = "workspace_create",
            .title = "Create a workspace",
            .description = "A new worktree of a registered repository on a branch of its own.",
            .input = {required(
                          "repository",
                          text("The id or path of a registered repository").lengthBetween(1, 4096)),
                      required("name", text("The workspace's name (its branch is made from it)")
                                           .lengthBetween(1, 255)),
                      optional("baseBranch", text("Where the branch starts (default: the "
                                                  "repository's default branch)")
                                                 .lengthBetween(1, git::kMaxRefNameLength))},
            .output = Shape{required("workspace", object("The workspace as the REST API shows "
                                                         "it",
                                                         workspaceFields())
                                                      .openEnded())},
            .hints = {},
            .handler = [s](const json::object& args, const CallContext& context) {
                Reach(*s).unconfined(context, "Creating a workspace");
                auto repository = registeredRepository(s->db, textArg(args, "repository"));
                workspace::CreateRequest request;
                request.name = textArg(args, "name");
                request.path = repository.path;
                request.repositoryId = repository.id;
                request.baseBranch = optionalText(args, "baseBranch");
                auto made = s->workspaces.create(std::move(request));
                json::value out = api::toJson(made.workspace);
                out.as_object()["setup"] = deps::toJson(made.setup);
                return ToolResult::ok({{"workspace", std::move(out)}});
            }};
}

ToolDeclaration deleteTool(const Services& s) {
    return {.name = "workspace_delete",
            .title = "Delete a workspace",
            .description = "Stops its sessions, removes its worktree and forgets it.",
            .input = {workspaceIdArg()},
            .output = Shape{required("deleted", boolean("Always true"))},
            .hints = {.destructive = true, .idempotent = false},
            .handler = [s](const json::object& args, const CallContext& context) {
                auto id = textArg(args, "workspaceId");
                Reach(*s).workspace(context, id);
                s->workspaces.remove(id);
                return ToolResult::ok({{"deleted", true}});
            }};
}

}  // namespace

void addWorkspaceTools(McpServer& server, const Services& s) {
    server.addTool(listTool(s));
    server.addTool(createTool(s));
    server.addTool(deleteTool(s));
}

}  // namespace parawork::mcp::tools
