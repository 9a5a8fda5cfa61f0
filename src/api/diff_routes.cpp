#include "api/diff_routes.hpp"

#include "api/service_answer.hpp"

namespace parawork::api {

void addDiffRoutes(Router& router, store::Database& db) {
    router.add("GET", "/api/workspaces/:id/diff", [&db](Request& req) {
        return answering([&] {
            review::DiffRequest request;
            if (auto base = req.queryParam("base")) request.base = std::string(*base);
            if (auto path = req.queryParam("path")) request.path = std::string(*path);
            return ok(review::workspaceDiff(db, req.params["id"], request));
        });
    });
}

}  // namespace parawork::api
