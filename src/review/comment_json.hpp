// A review comment as the API shows it (issue 20 §1), and its event.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "store/review_comments.hpp"

namespace parawork::review {

/// {id, workspaceId, path, line, endLine, side, body, quote, resolved, resolvedAt, sentAt,
/// sentToSessionId, createdAt, updatedAt}; absent times are null.
boost::json::object toJson(const store::ReviewCommentRow& comment);

/// `{"type":"review_comments_changed","data":{"workspaceId":…}}`.
std::string commentsChangedEvent(const std::string& workspaceId);

}  // namespace parawork::review
