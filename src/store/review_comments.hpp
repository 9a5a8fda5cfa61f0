// Queries of the review_comments table (schema v8, issue 20 §1): comments on a workspace's
// changes, their resolution and whether they were sent to an agent session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace parawork::store {

/// Which text a comment's lines are in: the worktree's file (new) or the base's (old).
enum class CommentSide : std::uint8_t { New, Old };

/// "new", "old".
std::string_view toString(CommentSide side);
std::optional<CommentSide> parseCommentSide(std::string_view text);

/// One comment as stored. Times in ms since the epoch.
struct ReviewCommentRow {
    std::string id;
    std::string workspaceId;
    std::string path;  ///< relative to the working tree
    std::int64_t line = 1;
    std::int64_t endLine = 1;  ///< ≥ line
    CommentSide side = CommentSide::New;
    std::string body;
    std::string quote;  ///< the commented lines as they read when the comment was made
    std::optional<std::int64_t> resolvedAt;
    std::optional<std::int64_t> sentAt;
    std::optional<std::string> sentToSessionId;
    std::int64_t createdAt = 0;
    std::int64_t updatedAt = 0;
    bool operator==(const ReviewCommentRow&) const = default;
};

/// Which comments a listing returns.
enum class CommentFilter : std::uint8_t { All, Open, Resolved };

/// Inserts `row` as given. Throws SQLite::Exception when the workspace does not exist.
void insertReviewComment(Database& db, const ReviewCommentRow& row);
/// The workspace's comment `id`; nullopt when there is none (or it belongs to another workspace).
std::optional<ReviewCommentRow> findReviewComment(Database& db, const std::string& workspaceId,
                                                  const std::string& id);
/// The workspace's comments that `filter` admits, by path, line, then creation time.
std::vector<ReviewCommentRow> listReviewComments(Database& db, const std::string& workspaceId,
                                                 CommentFilter filter = CommentFilter::All);
/// Writes back what may change (body, resolvedAt, sentAt, sentToSessionId, updatedAt) of the
/// comment `row.id` in `row.workspaceId`. False when there is no such comment.
bool updateReviewComment(Database& db, const ReviewCommentRow& row);
/// False when there is no such comment.
bool deleteReviewComment(Database& db, const std::string& workspaceId, const std::string& id);
/// Marks the comments `ids` of the workspace as sent to `sessionId` at `at`, in one transaction.
/// Returns how many there were.
std::size_t markReviewCommentsSent(Database& db, const std::string& workspaceId,
                                   const std::vector<std::string>& ids,
                                   const std::string& sessionId, std::int64_t at);

}  // namespace parawork::store
