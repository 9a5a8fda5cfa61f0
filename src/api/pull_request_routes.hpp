// Push and pull requests (issue 20, docs/review.md): POST /api/workspaces/:id/push, POST and
// GET /api/workspaces/:id/pr — parse, call review::PullRequestService, render.
#pragma once

#include "api/router.hpp"
#include "review/pull_request_service.hpp"

namespace parawork::api {

void addPullRequestRoutes(Router& router, review::PullRequestService& pullRequests);

}  // namespace parawork::api
