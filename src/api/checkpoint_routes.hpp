// Checkpoints and commits of a workspace (issue 20, docs/review.md): GET/POST
// /api/workspaces/:id/checkpoints, …/checkpoints/diff, …/checkpoints/:checkpointId/restore and
// POST …/commit, over review::CheckpointService.
#pragma once

#include "api/router.hpp"
#include "review/checkpoint_service.hpp"

namespace parawork::api {

void addCheckpointRoutes(Router& router, review::CheckpointService& checkpoints);

}  // namespace parawork::api
