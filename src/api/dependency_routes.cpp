#include "api/dependency_routes.hpp"

#include <filesystem>

#include "store/workspaces.hpp"

namespace parawork::api {

void addDependencyRoutes(Router& router, store::Database& db,
                         deps::DependencyService& dependencies) {
    router.add("GET", "/api/workspaces/:id/dependencies", [&db, &dependencies](Request& req) {
        auto workspace = store::findWorkspace(db, req.params["id"]);
        if (!workspace) return fail(404, "Workspace not found");
        std::error_code ec;
        if (!std::filesystem::is_directory(workspace->path, ec))
            return fail(400, "Workspace directory does not exist: " + workspace->path);
        return ok(dependencies.report(*workspace));
    });
}

}  // namespace parawork::api
