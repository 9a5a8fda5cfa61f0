// GET /api/workspaces/:id/diff (?base=, ?path=): review::workspaceDiff, the workspace's changes
// against its base (our extension, DESIGN §6.2).
#pragma once

#include "api/router.hpp"
#include "review/workspace_diff.hpp"
#include "store/database.hpp"

namespace parawork::api {

// The bounds of the answer, as the tests of the route name them.
using review::kMaxDiffedFiles;
using review::kMaxFileDiffBytes;
using review::kMaxWorkspaceDiffBytes;
using review::kMinDiffBudget;

void addDiffRoutes(Router& router, store::Database& db);

}  // namespace parawork::api
