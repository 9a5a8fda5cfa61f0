// Review comments (issue 20 §1): a person's remarks on lines of a workspace's changes, kept until
// resolved and sent to the workspace's agent as one message. The rules every edge shares (the
// API's review routes, the CLI through them): validation, the quote, the message's shape, and
// the `review_comments_changed` event after each change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/review_comments.hpp"

namespace parawork::review {

/// Longest comment body; a longer remark belongs in a file of its own.
inline constexpr std::size_t kMaxCommentBodyBytes = 16 * 1024;
/// Most lines one comment may span (endLine - line below this).
inline constexpr std::int64_t kMaxCommentSpan = 1000;
/// Highest line number accepted.
inline constexpr std::int64_t kMaxCommentLine = 100'000'000;

struct CommentServiceConfig {
    /// Types a message into the workspace's agent and returns its session id (AgentMessenger::
    /// tell); throws core::ServiceError when it cannot (409 no agent, agent working).
    std::function<std::string(const std::string& workspaceId, const std::string& text)> tellAgent;
    /// A `{type, data}` event for the workspace's subscribers.
    std::function<void(const std::string& workspaceId, std::string eventJson)> publish;
};

/// A new comment as asked for.
struct NewComment {
    std::string path;
    std::int64_t line = 0;
    std::optional<std::int64_t> endLine;  ///< default: line
    store::CommentSide side = store::CommentSide::New;
    std::string body;
};

/// What a PATCH changes; unset fields stay.
struct CommentPatch {
    std::optional<std::string> body;
    std::optional<bool> resolved;
};

/// What a send did.
struct SentReview {
    std::size_t sent = 0;
    std::string sessionId;
    std::string message;  ///< the text typed
};

class CommentService {
  public:
    CommentService(store::Database& db, CommentServiceConfig config)
        : db_(db), config_(std::move(config)) {}

    /// Records a comment with its quote. Throws core::ServiceError: 404 no such workspace, 400
    /// a bad path (checkedCommentPath), line < 1, endLine < line, a span of kMaxCommentSpan or
    /// more, a body empty, longer than kMaxCommentBodyBytes or with control characters, a file
    /// missing, outside the worktree or shorter than `line`.
    store::ReviewCommentRow add(const std::string& workspaceId, const NewComment& comment);
    /// The workspace's comments by path, line and creation. 404 no such workspace.
    std::vector<store::ReviewCommentRow> list(const std::string& workspaceId,
                                              store::CommentFilter filter);
    /// 404 no such workspace or comment; 400 a bad body.
    store::ReviewCommentRow patch(const std::string& workspaceId, const std::string& commentId,
                                  const CommentPatch& patch);
    /// 404 no such workspace or comment.
    void remove(const std::string& workspaceId, const std::string& commentId);
    /// Sends `ids` (default: every open comment not sent yet) to the agent as one message and
    /// marks them sent. 404 no such workspace or comment, 400 nothing to send, 409 no agent or
    /// the agent works (nothing is marked then).
    SentReview send(const std::string& workspaceId,
                    const std::optional<std::vector<std::string>>& ids);

  private:
    void requireWorkspace(const std::string& workspaceId);
    void changed(const std::string& workspaceId);

    store::Database& db_;
    CommentServiceConfig config_;
};

/// The message that sends `comments`: a short header, then for each "path:line[-end]" (with
/// "(base)" for side old), its quote as a fenced block and its body.
std::string reviewMessage(const std::vector<store::ReviewCommentRow>& comments);

}  // namespace parawork::review
