#include "store/review_comments.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "store/columns.hpp"

namespace parawork::store {
namespace {

constexpr const char* kColumns =
    "SELECT id, workspace_id, path, line, end_line, side, body, quote, resolved_at, sent_at, "
    "sent_to_session_id, created_at, updated_at FROM review_comments ";

ReviewCommentRow readRow(const SQLite::Statement& row) {
    ReviewCommentRow c;
    c.id = row.getColumn(0).getString();
    c.workspaceId = row.getColumn(1).getString();
    c.path = row.getColumn(2).getString();
    c.line = row.getColumn(3).getInt64();
    c.endLine = row.getColumn(4).getInt64();
    c.side = enumColumn(row.getColumn(5), parseCommentSide);
    c.body = row.getColumn(6).getString();
    c.quote = row.getColumn(7).getString();
    c.resolvedAt = optionalInt64(row.getColumn(8));
    c.sentAt = optionalInt64(row.getColumn(9));
    c.sentToSessionId = optionalString(row.getColumn(10));
    c.createdAt = row.getColumn(11).getInt64();
    c.updatedAt = row.getColumn(12).getInt64();
    return c;
}

std::string filterClause(CommentFilter filter) {
    switch (filter) {
        case CommentFilter::Open:
            return " AND resolved_at IS NULL";
        case CommentFilter::Resolved:
            return " AND resolved_at IS NOT NULL";
        case CommentFilter::All:
            break;
    }
    return "";
}

}  // namespace

std::string_view toString(CommentSide side) {
    return side == CommentSide::Old ? "old" : "new";
}

std::optional<CommentSide> parseCommentSide(std::string_view text) {
    if (text == "new") return CommentSide::New;
    if (text == "old") return CommentSide::Old;
    return std::nullopt;
}

void insertReviewComment(Database& db, const ReviewCommentRow& c) {
    db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement insert(
            sql,
            "INSERT INTO review_comments (id, workspace_id, path, line, end_line, side, body, "
            "quote, resolved_at, sent_at, sent_to_session_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, c.id);
        insert.bind(2, c.workspaceId);
        insert.bind(3, c.path);
        insert.bind(4, c.line);
        insert.bind(5, c.endLine);
        insert.bind(6, std::string(toString(c.side)));
        insert.bind(7, c.body);
        insert.bind(8, c.quote);
        bindOptional(insert, 9, c.resolvedAt);
        bindOptional(insert, 10, c.sentAt);
        bindOptional(insert, 11, c.sentToSessionId);
        insert.bind(12, c.createdAt);
        insert.bind(13, c.updatedAt);
        insert.exec();
    });
}

std::optional<ReviewCommentRow> findReviewComment(Database& db, const std::string& workspaceId,
                                                  const std::string& id) {
    return db.withLock([&](SQLite::Database& sql) -> std::optional<ReviewCommentRow> {
        SQLite::Statement query(sql, std::string(kColumns) + "WHERE workspace_id = ? AND id = ?");
        query.bind(1, workspaceId);
        query.bind(2, id);
        if (!query.executeStep()) return std::nullopt;
        return readRow(query);
    });
}

std::vector<ReviewCommentRow> listReviewComments(Database& db, const std::string& workspaceId,
                                                 CommentFilter filter) {
    return db.withLock([&](SQLite::Database& sql) {
        // rowid breaks ties of one millisecond in insertion order.
        SQLite::Statement query(sql, std::string(kColumns) + "WHERE workspace_id = ?" +
                                         filterClause(filter) +
                                         " ORDER BY path, line, created_at, rowid");
        query.bind(1, workspaceId);
        return readRows(query, readRow);
    });
}

bool updateReviewComment(Database& db, const ReviewCommentRow& c) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement update(sql,
                                 "UPDATE review_comments SET body = ?, resolved_at = ?, "
                                 "sent_at = ?, sent_to_session_id = ?, updated_at = ? "
                                 "WHERE workspace_id = ? AND id = ?");
        update.bind(1, c.body);
        bindOptional(update, 2, c.resolvedAt);
        bindOptional(update, 3, c.sentAt);
        bindOptional(update, 4, c.sentToSessionId);
        update.bind(5, c.updatedAt);
        update.bind(6, c.workspaceId);
        update.bind(7, c.id);
        return update.exec() > 0;
    });
}

bool deleteReviewComment(Database& db, const std::string& workspaceId, const std::string& id) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Statement remove(sql,
                                 "DELETE FROM review_comments WHERE workspace_id = ? AND id = ?");
        remove.bind(1, workspaceId);
        remove.bind(2, id);
        return remove.exec() > 0;
    });
}

std::size_t markReviewCommentsSent(Database& db, const std::string& workspaceId,
                                   const std::vector<std::string>& ids,
                                   const std::string& sessionId, std::int64_t at) {
    return db.withLock([&](SQLite::Database& sql) {
        SQLite::Transaction transaction(sql);
        SQLite::Statement update(sql,
                                 "UPDATE review_comments SET sent_at = ?, sent_to_session_id = ?, "
                                 "updated_at = ? WHERE workspace_id = ? AND id = ?");
        std::size_t marked = 0;
        for (const std::string& id : ids) {
            update.reset();
            update.bind(1, at);
            update.bind(2, sessionId);
            update.bind(3, at);
            update.bind(4, workspaceId);
            update.bind(5, id);
            marked += static_cast<std::size_t>(update.exec());
        }
        transaction.commit();
        return marked;
    });
}

}  // namespace parawork::store
