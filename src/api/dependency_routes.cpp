#include "api/dependency_routes.hpp"

#include "api/service_answer.hpp"
#include "workspace/workspace_lookup.hpp"

namespace parawork::api {

void addDependencyRoutes(Router& router, store::Database& db,
                         deps::DependencyService& dependencies) {
    router.add("GET", "/api/workspaces/:id/dependencies", [&db, &dependencies](Request& req) {
        return answering([&] {
            return ok(dependencies.report(
                workspace::requireWorkspace(db, req.params["id"], {.directory = true})));
        });
    });
}

}  // namespace parawork::api
