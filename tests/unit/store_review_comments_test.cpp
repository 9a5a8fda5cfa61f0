// Review comments in the store (schema v8): insert, find, list by filter and order, update,
// delete, mark sent, and their workspace's cascade.
#include <gtest/gtest.h>

#include "store/review_comments.hpp"
#include "store/workspaces.hpp"
#include "unit/store_fixture.hpp"

namespace parawork::store {
namespace {

using fixture::makeWorkspace;

ReviewCommentRow makeComment(std::string id, std::string path, std::int64_t line,
                             std::int64_t createdAt, std::string workspaceId = "w1") {
    ReviewCommentRow c;
    c.id = std::move(id);
    c.workspaceId = std::move(workspaceId);
    c.path = std::move(path);
    c.line = c.endLine = line;
    c.body = "fix " + c.id;
    c.quote = "line " + std::to_string(line);
    c.createdAt = c.updatedAt = createdAt;
    return c;
}

class StoreReviewComments : public fixture::StoreTest {
  protected:
    void SetUp() override {
        insertWorkspace(db_, makeWorkspace("w1"));
        insertWorkspace(db_, makeWorkspace("w2"));
    }
    std::vector<std::string> ids(CommentFilter filter = CommentFilter::All) {
        std::vector<std::string> out;
        for (const auto& c : listReviewComments(db_, "w1", filter)) out.push_back(c.id);
        return out;
    }
};

TEST_F(StoreReviewComments, ARowReadsBackAsWritten) {
    ReviewCommentRow c = makeComment("c1", "src/a.cpp", 3, 1000);
    c.endLine = 5;
    c.side = CommentSide::Old;
    c.resolvedAt = 1500;
    c.sentAt = 1400;
    c.sentToSessionId = "s9";
    insertReviewComment(db_, c);
    EXPECT_EQ(findReviewComment(db_, "w1", "c1"), c);
    EXPECT_FALSE(findReviewComment(db_, "w2", "c1")) << "another workspace's comment";
    EXPECT_FALSE(findReviewComment(db_, "w1", "nope"));
}

TEST_F(StoreReviewComments, ListsByPathLineThenCreationAndFilters) {
    insertReviewComment(db_, makeComment("late", "b.txt", 1, 3000));
    insertReviewComment(db_, makeComment("early", "b.txt", 1, 2000));
    insertReviewComment(db_, makeComment("a10", "a.txt", 10, 1000));
    insertReviewComment(db_, makeComment("a2", "a.txt", 2, 4000));
    insertReviewComment(db_, makeComment("other", "a.txt", 1, 1000, "w2"));
    EXPECT_EQ(ids(), (std::vector<std::string>{"a2", "a10", "early", "late"}));
    auto resolved = *findReviewComment(db_, "w1", "a10");
    resolved.resolvedAt = 5000;
    ASSERT_TRUE(updateReviewComment(db_, resolved));
    EXPECT_EQ(ids(CommentFilter::Open), (std::vector<std::string>{"a2", "early", "late"}));
    EXPECT_EQ(ids(CommentFilter::Resolved), (std::vector<std::string>{"a10"}));
}

TEST_F(StoreReviewComments, UpdateAndDeleteStayInTheirWorkspace) {
    insertReviewComment(db_, makeComment("c1", "a.txt", 1, 1000));
    auto c = *findReviewComment(db_, "w1", "c1");
    c.body = "new body";
    c.updatedAt = 2000;
    ASSERT_TRUE(updateReviewComment(db_, c));
    EXPECT_EQ(findReviewComment(db_, "w1", "c1")->body, "new body");
    c.workspaceId = "w2";
    EXPECT_FALSE(updateReviewComment(db_, c));
    EXPECT_FALSE(deleteReviewComment(db_, "w2", "c1"));
    EXPECT_TRUE(deleteReviewComment(db_, "w1", "c1"));
    EXPECT_FALSE(deleteReviewComment(db_, "w1", "c1"));
}

TEST_F(StoreReviewComments, MarkSentCountsOnlyTheWorkspacesComments) {
    insertReviewComment(db_, makeComment("c1", "a.txt", 1, 1000));
    insertReviewComment(db_, makeComment("c2", "a.txt", 2, 1000));
    insertReviewComment(db_, makeComment("x", "a.txt", 1, 1000, "w2"));
    EXPECT_EQ(markReviewCommentsSent(db_, "w1", {"c1", "x", "nope"}, "s1", 7000), 1u);
    auto c1 = *findReviewComment(db_, "w1", "c1");
    EXPECT_EQ(c1.sentAt, 7000);
    EXPECT_EQ(c1.sentToSessionId, "s1");
    EXPECT_EQ(c1.updatedAt, 7000);
    EXPECT_FALSE(findReviewComment(db_, "w1", "c2")->sentAt);
    EXPECT_FALSE(findReviewComment(db_, "w2", "x")->sentAt);
}

TEST_F(StoreReviewComments, TheSchemaRefusesBadRowsAndFollowsItsWorkspace) {
    EXPECT_THROW(insertReviewComment(db_, makeComment("c", "a.txt", 1, 1, "nope")), std::exception);
    EXPECT_THROW(insertReviewComment(db_, makeComment("c", "a.txt", 0, 1)), std::exception);
    auto backwards = makeComment("c", "a.txt", 5, 1);
    backwards.endLine = 4;
    EXPECT_THROW(insertReviewComment(db_, backwards), std::exception);
    insertReviewComment(db_, makeComment("c1", "a.txt", 1, 1000));
    deleteWorkspace(db_, "w1");
    EXPECT_TRUE(listReviewComments(db_, "w1").empty());
}

TEST(StoreCommentSide, SpellsBothWays) {
    EXPECT_EQ(toString(CommentSide::New), "new");
    EXPECT_EQ(toString(CommentSide::Old), "old");
    EXPECT_EQ(parseCommentSide("old"), CommentSide::Old);
    EXPECT_FALSE(parseCommentSide("NEW"));
}

}  // namespace
}  // namespace parawork::store
