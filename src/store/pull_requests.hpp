// A workspace's pull request (issue 20): the JSON text of review::PullRequest in the
// workspaces.pull_request column (migration 10), read with the workspace itself.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace parawork::store {

/// Records (or with nullopt clears) the workspace's pull request; false when there is no such
/// workspace. updated_at is left alone: a refresh is not an edit of the workspace.
bool setWorkspacePullRequest(Database& db, const std::string& workspaceId,
                             const std::optional<std::string>& pullRequestJson);

/// (workspace id, pull request JSON) of every workspace that has one, oldest workspace first.
std::vector<std::pair<std::string, std::string>> listWorkspacePullRequests(Database& db);

}  // namespace parawork::store
