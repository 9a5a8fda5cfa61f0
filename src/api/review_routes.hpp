// The review endpoints (issue 20 §1): a workspace's review comments — list, add, patch, delete —
// and sending them to its agent. The rules live in review::CommentService; these routes read the
// request and shape the answer.
#pragma once

#include "api/router.hpp"
#include "review/comment_service.hpp"

namespace parawork::api {

void addReviewRoutes(Router& router, review::CommentService& comments);

}  // namespace parawork::api
