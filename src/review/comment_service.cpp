#include "review/comment_service.hpp"

#include <algorithm>
#include <tuple>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "review/agent_messenger.hpp"
#include "review/comment_json.hpp"
#include "review/comment_quote.hpp"
#include "store/workspaces.hpp"
#include "workspace/workspace_lookup.hpp"

namespace parawork::review {
namespace {

using core::ServiceError;
using store::ReviewCommentRow;

void checkBody(const std::string& body) {
    if (body.size() > kMaxCommentBodyBytes)
        throw ServiceError(400, "body: at most " + std::to_string(kMaxCommentBodyBytes) +
                                    " bytes (" + std::to_string(body.size()) + " given)");
    if (body.find_first_not_of(" \t\r\n") == std::string::npos)
        throw ServiceError(400, "body: a comment needs some text");
    for (unsigned char c : body)
        if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
            throw ServiceError(400, "body: control characters are not allowed");
}

void checkLines(std::int64_t line, std::int64_t endLine) {
    if (line < 1 || line > kMaxCommentLine)
        throw ServiceError(400, "line: expected 1 to " + std::to_string(kMaxCommentLine));
    if (endLine < line) throw ServiceError(400, "endLine: must not be before line");
    if (endLine - line >= kMaxCommentSpan)
        throw ServiceError(400, "endLine: a comment spans fewer than " +
                                    std::to_string(kMaxCommentSpan) + " lines");
}

/// The base side's ref: the workspace's base branch, else HEAD (as GET /diff compares).
std::string baseRefOf(const core::Workspace& workspace) {
    const auto& worktree = workspace.gitWorktree;
    return worktree && worktree->baseBranch ? *worktree->baseBranch : "HEAD";
}

/// A fence longer than any run of backticks in `text` (CommonMark: at least three).
std::string fenceFor(const std::string& text) {
    std::size_t longest = 0, run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

bool listOrder(const ReviewCommentRow& a, const ReviewCommentRow& b) {
    return std::tie(a.path, a.line, a.createdAt) < std::tie(b.path, b.line, b.createdAt);
}

}  // namespace

std::string reviewMessage(const std::vector<ReviewCommentRow>& comments) {
    std::string text = "Review comments on your changes (" + std::to_string(comments.size()) +
                       "). Please address each one:\n";
    std::size_t n = 0;
    for (const auto& c : comments) {
        text += "\n" + std::to_string(++n) + ". " + c.path + ":" + std::to_string(c.line);
        if (c.endLine != c.line) text += "-" + std::to_string(c.endLine);
        if (c.side == store::CommentSide::Old) text += " (as it was in the base)";
        text += "\n";
        if (!c.quote.empty()) {
            std::string fence = fenceFor(c.quote);
            text += fence + "\n" + c.quote + "\n" + fence + "\n";
        }
        text += c.body + "\n";
    }
    return text;
}

void CommentService::requireWorkspace(const std::string& workspaceId) {
    workspace::requireWorkspace(db_, workspaceId);
}

void CommentService::changed(const std::string& workspaceId) {
    if (config_.publish) config_.publish(workspaceId, commentsChangedEvent(workspaceId));
}

ReviewCommentRow CommentService::add(const std::string& workspaceId, const NewComment& comment) {
    auto workspace = workspace::requireWorkspace(db_, workspaceId);
    ReviewCommentRow row;
    row.path = checkedCommentPath(comment.path);
    row.line = comment.line;
    row.endLine = comment.endLine.value_or(comment.line);
    checkLines(row.line, row.endLine);
    checkBody(comment.body);
    row.side = comment.side;
    row.quote =
        row.side == store::CommentSide::New
            ? quoteFromWorktree(workspace.path, row.path, row.line, row.endLine)
            : quoteFromBase(workspace.path, baseRefOf(workspace), row.path, row.line, row.endLine);
    row.id = core::newUuid();
    row.workspaceId = workspaceId;
    row.body = comment.body;
    row.createdAt = row.updatedAt = core::nowMs();
    store::insertReviewComment(db_, row);
    changed(workspaceId);
    return row;
}

std::vector<ReviewCommentRow> CommentService::list(const std::string& workspaceId,
                                                   store::CommentFilter filter) {
    requireWorkspace(workspaceId);
    return store::listReviewComments(db_, workspaceId, filter);
}

ReviewCommentRow CommentService::patch(const std::string& workspaceId, const std::string& commentId,
                                       const CommentPatch& patch) {
    requireWorkspace(workspaceId);
    auto row = store::findReviewComment(db_, workspaceId, commentId);
    if (!row) throw ServiceError(404, "Comment not found");
    if (patch.body) {
        checkBody(*patch.body);
        row->body = *patch.body;
    }
    std::int64_t now = core::nowMs();
    if (patch.resolved && *patch.resolved != row->resolvedAt.has_value())
        row->resolvedAt = *patch.resolved ? std::optional<std::int64_t>(now) : std::nullopt;
    row->updatedAt = now;
    if (!store::updateReviewComment(db_, *row)) throw ServiceError(404, "Comment not found");
    changed(workspaceId);
    return *row;
}

void CommentService::remove(const std::string& workspaceId, const std::string& commentId) {
    requireWorkspace(workspaceId);
    if (!store::deleteReviewComment(db_, workspaceId, commentId))
        throw ServiceError(404, "Comment not found");
    changed(workspaceId);
}

SentReview CommentService::send(const std::string& workspaceId,
                                const std::optional<std::vector<std::string>>& ids) {
    requireWorkspace(workspaceId);
    std::vector<ReviewCommentRow> chosen;
    if (ids) {
        for (const auto& id : *ids) {
            auto row = store::findReviewComment(db_, workspaceId, id);
            if (!row) throw ServiceError(404, "Comment not found: " + id);
            if (std::none_of(chosen.begin(), chosen.end(), [&](auto& c) { return c.id == id; }))
                chosen.push_back(std::move(*row));
        }
        std::sort(chosen.begin(), chosen.end(), listOrder);
    } else {
        for (auto& row : store::listReviewComments(db_, workspaceId, store::CommentFilter::Open))
            if (!row.sentAt) chosen.push_back(std::move(row));
    }
    if (chosen.empty()) throw ServiceError(400, "No comments to send: every open one was sent");
    SentReview sent;
    sent.message = reviewMessage(chosen);
    if (sent.message.size() > kMaxAgentMessageBytes)
        throw ServiceError(400, "These comments make a message of " +
                                    std::to_string(sent.message.size()) + " bytes (at most " +
                                    std::to_string(kMaxAgentMessageBytes) +
                                    "): send fewer at a time");
    sent.sessionId = config_.tellAgent(workspaceId, sent.message);
    std::vector<std::string> marked;
    for (const auto& c : chosen) marked.push_back(c.id);
    sent.sent =
        store::markReviewCommentsSent(db_, workspaceId, marked, sent.sessionId, core::nowMs());
    changed(workspaceId);
    return sent;
}

}  // namespace parawork::review
