// The branch answers as GET /api/workspaces/:id/branch and POST /merge show them; the MCP tools
// `branch_status` and `merge` answer the same.
#pragma once

#include <boost/json/object.hpp>

#include "review/branch_service.hpp"

namespace parawork::review {

/// The strings as a JSON array (conflicted files...).
boost::json::array stringArray(const std::vector<std::string>& items);
/// The text, or null when it is empty (a head that does not exist yet...).
boost::json::value nullable(const std::string& text);

/// {branch, base, baseCommit, head (null when none), ahead, behind, fetched, fetchError,
/// uncommittedFiles, sync: {method, conflictedFiles} | null}
boost::json::object toJson(const BranchStatus& status);

/// {merged: true, mode, base, baseCommit, previousBaseCommit}
boost::json::object toJson(const MergeAnswer& answer);

}  // namespace parawork::review
