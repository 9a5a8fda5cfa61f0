// A workspace branch's status, sync, merge back, archive and unarchive (issue 20,
// docs/review.md "Branch"): parse → review::BranchService → JSON.
#pragma once

#include "api/router.hpp"
#include "review/branch_service.hpp"

namespace parawork::api {

void addBranchRoutes(Router& router, review::BranchService& branches);

}  // namespace parawork::api
