// The comment service against a real git repository and a real store: the quote from the
// worktree and from the base, every refusal, patch, delete, and send through a stand-in for the
// agent messenger (the real one: tests/integration/review_comments_test.cpp).
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "review/comment_service.hpp"
#include "store/workspaces.hpp"
#include "unit/git_fixture.hpp"

namespace parawork::review {
namespace {

using git::testing::commitAll;
using git::testing::makeRepo;
using git::testing::Sandbox;
using git::testing::writeFile;
namespace fs = std::filesystem;

class ReviewComments : public ::testing::Test {
  protected:
    void SetUp() override {
        repo_ = makeRepo(sandbox_ / "repo");
        writeFile(repo_ / "src/a.txt", "one\ntwo\nthree\n");
        commitAll(repo_, "base");
        git::testing::git(repo_, {"checkout", "-q", "-b", "feature"});
        writeFile(repo_ / "src/a.txt", "one\nTWO\nthree\nfour\n");
        core::Workspace ws;
        ws.id = "w1";
        ws.name = "w1";
        ws.path = repo_.string();
        ws.gitWorktree = core::GitWorktree{repo_.string(), "feature", repo_.string(), "main", {}};
        store::insertWorkspace(db_, ws);
    }

    NewComment comment(std::string path, std::int64_t line, std::string body = "why?") {
        NewComment c;
        c.path = std::move(path);
        c.line = line;
        c.body = std::move(body);
        return c;
    }

    unsigned refusal(const NewComment& c, const std::string& ws = "w1") {
        try {
            service_.add(ws, c);
            return 200;
        } catch (const core::ServiceError& e) {
            return e.status;
        }
    }

    Sandbox sandbox_;
    fs::path repo_;
    store::Database db_ = store::Database::open(sandbox_ / "parawork.db");
    std::vector<std::string> told_;  ///< messages the stand-in agent got
    std::vector<std::string> events_;
    std::string agentAnswer_ = "s1";
    CommentService service_{
        db_, CommentServiceConfig{[this](const std::string&, const std::string& text) {
                                      if (agentAnswer_.empty())
                                          throw core::ServiceError(409, "The agent is working");
                                      told_.push_back(text);
                                      return agentAnswer_;
                                  },
                                  [this](const std::string&, std::string event) {
                                      events_.push_back(std::move(event));
                                  }}};
};

TEST_F(ReviewComments, QuotesTheWorktreeForNewAndTheBaseForOld) {
    auto c = comment("src/a.txt", 2);
    c.endLine = 4;
    auto added = service_.add("w1", c);
    EXPECT_EQ(added.quote, "TWO\nthree\nfour");
    EXPECT_EQ(added.side, store::CommentSide::New);
    EXPECT_EQ(added.endLine, 4);
    c.side = store::CommentSide::Old;
    c.endLine = 2;
    EXPECT_EQ(service_.add("w1", c).quote, "two");
    c.line = 4;
    c.endLine = 4;
    EXPECT_EQ(refusal(c), 400u) << "the base has three lines";
    EXPECT_EQ(events_.size(), 2u);
    EXPECT_NE(events_[0].find("\"type\":\"review_comments_changed\""), std::string::npos);
}

TEST_F(ReviewComments, RefusesBadInput) {
    EXPECT_EQ(refusal(comment("src/a.txt", 0)), 400u);
    auto backwards = comment("src/a.txt", 3);
    backwards.endLine = 2;
    EXPECT_EQ(refusal(backwards), 400u);
    auto wide = comment("src/a.txt", 1);
    wide.endLine = 1001;
    EXPECT_EQ(refusal(wide), 400u) << "1001 lines";
    wide.endLine = 1000;
    EXPECT_EQ(refusal(wide), 200u) << "1000 lines, past the file's end";
    EXPECT_EQ(refusal(comment("src/a.txt", 1, std::string(kMaxCommentBodyBytes + 1, 'x'))), 400u);
    EXPECT_EQ(refusal(comment("src/a.txt", 1, " \n ")), 400u);
    EXPECT_EQ(refusal(comment("src/a.txt", 1, "ok\x1b[2J")), 400u);
    EXPECT_EQ(refusal(comment("../x", 1)), 400u);
    EXPECT_EQ(refusal(comment(repo_.string() + "/src/a.txt", 1)), 400u);
    EXPECT_EQ(refusal(comment("src/missing.txt", 1)), 400u);
    EXPECT_EQ(refusal(comment("src", 1)), 400u);
    EXPECT_EQ(refusal(comment("src/a.txt", 5)), 400u);
    EXPECT_EQ(refusal(comment("src/a.txt", 1), "nope"), 404u);
}

TEST_F(ReviewComments, RefusesASymlinkOutOfTheWorktree) {
    writeFile(sandbox_ / "secret.txt", "secret\n");
    fs::create_symlink(sandbox_ / "secret.txt", repo_ / "out.txt");
    fs::create_symlink("a.txt", repo_ / "src/inside.txt");
    EXPECT_EQ(refusal(comment("out.txt", 1)), 400u);
    EXPECT_EQ(service_.add("w1", comment("src/inside.txt", 1)).quote, "one");
}

TEST_F(ReviewComments, PatchesResolvesAndDeletes) {
    auto c = service_.add("w1", comment("src/a.txt", 1));
    auto resolved = service_.patch("w1", c.id, {std::nullopt, true});
    EXPECT_TRUE(resolved.resolvedAt);
    EXPECT_EQ(service_.list("w1", store::CommentFilter::Open).size(), 0u);
    auto edited = service_.patch("w1", c.id, {"better", false});
    EXPECT_FALSE(edited.resolvedAt);
    EXPECT_EQ(edited.body, "better");
    EXPECT_THROW(service_.patch("w1", c.id, {"", std::nullopt}), core::ServiceError);
    EXPECT_THROW(service_.patch("w1", "nope", {}), core::ServiceError);
    service_.remove("w1", c.id);
    EXPECT_THROW(service_.remove("w1", c.id), core::ServiceError);
    EXPECT_THROW(service_.list("nope", store::CommentFilter::All), core::ServiceError);
    EXPECT_EQ(events_.size(), 4u) << "add, two patches, delete";
}

TEST_F(ReviewComments, SendsOpenUnsentCommentsAsOneMessage) {
    auto first = service_.add("w1", comment("src/a.txt", 2, "Why upper case?"));
    auto c = comment("src/a.txt", 1, "Keep this");
    c.side = store::CommentSide::Old;
    c.endLine = 2;
    auto second = service_.add("w1", c);
    auto resolved = service_.add("w1", comment("src/a.txt", 3, "done"));
    service_.patch("w1", resolved.id, {std::nullopt, true});

    auto sent = service_.send("w1", std::nullopt);
    EXPECT_EQ(sent.sent, 2u);
    EXPECT_EQ(sent.sessionId, "s1");
    ASSERT_EQ(told_.size(), 1u);
    EXPECT_EQ(told_[0], sent.message);
    EXPECT_EQ(sent.message,
              "Review comments on your changes (2). Please address each one:\n"
              "\n1. src/a.txt:1-2 (as it was in the base)\n```\none\ntwo\n```\nKeep this\n"
              "\n2. src/a.txt:2\n```\nTWO\n```\nWhy upper case?\n");
    auto marked = service_.list("w1", store::CommentFilter::All);
    for (const auto& m : marked)
        EXPECT_EQ(m.sentToSessionId.has_value(), m.id != resolved.id) << m.id;
    try {
        service_.send("w1", std::nullopt);
        FAIL() << "nothing was left to send";
    } catch (const core::ServiceError& e) {
        EXPECT_EQ(e.status, 400u);
    }
    auto again = service_.send("w1", std::vector<std::string>{first.id});
    EXPECT_EQ(again.sent, 1u) << "a comment named is sent again";
}

TEST_F(ReviewComments, ABusyAgentMarksNothingAndUnknownIdsAre404) {
    auto c = service_.add("w1", comment("src/a.txt", 1));
    agentAnswer_.clear();
    try {
        service_.send("w1", std::nullopt);
        FAIL();
    } catch (const core::ServiceError& e) {
        EXPECT_EQ(e.status, 409u);
    }
    EXPECT_FALSE(service_.list("w1", store::CommentFilter::All)[0].sentAt);
    try {
        service_.send("w1", std::vector<std::string>{c.id, "nope"});
        FAIL();
    } catch (const core::ServiceError& e) {
        EXPECT_EQ(e.status, 404u);
    }
}

TEST(ReviewMessage, FencesAQuoteThatHoldsBackticks) {
    store::ReviewCommentRow c;
    c.path = "README.md";
    c.line = 3;
    c.endLine = 3;
    c.quote = "```sh";
    c.body = "typo";
    EXPECT_EQ(reviewMessage({c}),
              "Review comments on your changes (1). Please address each one:\n"
              "\n1. README.md:3\n````\n```sh\n````\ntypo\n");
}

}  // namespace
}  // namespace parawork::review
