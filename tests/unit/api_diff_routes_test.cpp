// GET /api/workspaces/:id/diff on real git repositories: stats and per-file diffs against the
// base, the path filter, the bounds, and the errors.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/diff_routes.hpp"
#include "git_fixture.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"

namespace parawork::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using git::testing::commitAll;
using git::testing::writeFile;

class DiffRoutesTest : public store::fixture::StoreTest {
  protected:
    void SetUp() override {
        repo_ = git::testing::makeRepo(sandbox_ / "repo");
        writeFile(repo_ / "keep.txt", "a\nb\nc\n");
        writeFile(repo_ / "gone.txt", "bye\n");
        commitAll(repo_, "base");
        git::testing::git(repo_, {"branch", "base"});
        addRouteWorkspace("w1", repo_);
        addDiffRoutes(router_, db_);
    }

    void addRouteWorkspace(const std::string& id, const fs::path& path) {
        auto w = store::fixture::makeWorkspace(id);
        w.path = path.string();
        store::insertWorkspace(db_, w);
    }

    Response get(const std::string& id,
                 std::vector<std::pair<std::string, std::string>> query = {}) {
        Request r;
        r.method = "GET";
        r.path = "/api/workspaces/" + id + "/diff";
        r.query = std::move(query);
        return router_.dispatch(r);
    }

    json::value data(const Response& res) {
        auto body = json::parse(res.body);
        EXPECT_TRUE(body.at("success").as_bool()) << res.body;
        return body.at("data");
    }

    git::testing::Sandbox sandbox_;
    fs::path repo_;
    Router router_;
};

TEST_F(DiffRoutesTest, FilesWithStatsAndDiffsAgainstTheBase) {
    writeFile(repo_ / "keep.txt", "a\nB\nc\nd\n");
    fs::remove(repo_ / "gone.txt");
    writeFile(repo_ / "new.txt", "fresh\n");
    writeFile(repo_ / "committed.txt", "in a commit\n");
    commitAll(repo_, "work");  // committed work counts too: the base is the branch "base"
    writeFile(repo_ / "keep.txt", "a\nB\nc\nd\n");
    writeFile(repo_ / "blob.bin", std::string("\0\1\2", 3));

    auto res = get("w1", {{"base", "base"}});
    ASSERT_EQ(res.status, 200u) << res.body;
    auto d = data(res);
    EXPECT_EQ(d.at("baseRef"), "base");
    EXPECT_EQ(d.at("baseCommit").as_string().size(), 40u);
    EXPECT_EQ(d.at("truncated"), false);
    const auto& files = d.at("files").as_array();
    ASSERT_EQ(files.size(), 5u);
    std::map<std::string, json::object> byPath;
    for (const auto& f : files) byPath[std::string(f.at("path").as_string())] = f.as_object();

    EXPECT_EQ(byPath["keep.txt"].at("changeType"), "modified");
    EXPECT_EQ(byPath["keep.txt"].at("insertions").to_number<int>(), 2);
    EXPECT_EQ(byPath["keep.txt"].at("deletions").to_number<int>(), 1);
    std::string keepDiff(byPath["keep.txt"].at("diff").as_string());
    EXPECT_NE(keepDiff.find("-b\n+B\n c\n+d\n"), std::string::npos) << keepDiff;
    EXPECT_EQ(byPath["keep.txt"].at("diffTruncated"), false);
    EXPECT_EQ(byPath["gone.txt"].at("changeType"), "deleted");
    EXPECT_EQ(byPath["new.txt"].at("changeType"), "created");
    EXPECT_EQ(byPath["committed.txt"].at("changeType"), "created");
    EXPECT_EQ(byPath["blob.bin"].at("binary"), true);
    EXPECT_TRUE(byPath["blob.bin"].at("diff").is_null());

    // The default base of a plain-directory workspace is HEAD: the committed work is not shown.
    auto head = data(get("w1"));
    EXPECT_EQ(head.at("baseRef"), "HEAD");
    ASSERT_EQ(head.at("files").as_array().size(), 1u);  // keep.txt is as committed
    EXPECT_EQ(head.at("files").at(0).at("path"), "blob.bin");
}

TEST_F(DiffRoutesTest, APathFilterAnswersOneFile) {
    writeFile(repo_ / "keep.txt", "a\n");
    writeFile(repo_ / "dir/other.txt", "o\n");
    auto d = data(get("w1", {{"path", "dir/other.txt"}}));
    ASSERT_EQ(d.at("files").as_array().size(), 1u);
    EXPECT_EQ(d.at("files").at(0).at("path"), "dir/other.txt");
    EXPECT_EQ(data(get("w1", {{"path", "unchanged.txt"}})).at("files").as_array().size(), 0u);
    for (const char* bad : {"../etc/passwd", "/etc/passwd", "", "a\nb"}) {
        auto res = get("w1", {{"path", bad}});
        EXPECT_EQ(res.status, 400u) << bad;
    }
}

TEST_F(DiffRoutesTest, TheAnswerIsBounded) {
    // Each diff is at most kMaxFileDiffBytes; 6 files of ~1 MiB pass the 4 MiB total.
    std::string big;
    while (big.size() < kMaxFileDiffBytes + 1000) big += "a line of text that makes it big\n";
    for (int i = 0; i < 6; ++i) writeFile(repo_ / ("big" + std::to_string(i) + ".txt"), big);
    auto d = data(get("w1"));
    EXPECT_EQ(d.at("truncated"), true);
    std::size_t total = 0;
    int omitted = 0;
    for (const auto& f : d.at("files").as_array()) {
        EXPECT_EQ(f.at("diffTruncated"), true);
        if (f.at("diff").is_null())
            ++omitted;
        else
            total += f.at("diff").as_string().size();
        EXPECT_EQ(f.at("insertions").to_number<std::size_t>(), big.size() / 33);
    }
    EXPECT_LE(total, kMaxWorkspaceDiffBytes);
    EXPECT_EQ(omitted, 2);
}

TEST_F(DiffRoutesTest, Errors) {
    auto unknown = get("no-such-workspace");
    EXPECT_EQ(unknown.status, 404u);
    EXPECT_EQ(json::parse(unknown.body).at("error"), "Workspace not found");

    fs::create_directories(sandbox_ / "plain");
    addRouteWorkspace("plain", sandbox_ / "plain");
    auto plain = get("plain");
    EXPECT_EQ(plain.status, 400u);
    EXPECT_EQ(json::parse(plain.body).at("error"), "Workspace is not a git repository");

    auto badRef = get("w1", {{"base", "--upload-pack=evil"}});
    EXPECT_EQ(badRef.status, 400u) << badRef.body;
    auto expression = get("w1", {{"base", "main~1"}});
    EXPECT_EQ(expression.status, 400u) << expression.body;
    auto missing = get("w1", {{"base", "no-such-branch"}});
    EXPECT_EQ(missing.status, 400u) << missing.body;
    EXPECT_NE(json::parse(missing.body).at("error").as_string().find("no-such-branch"),
              std::string::npos);
}

}  // namespace
}  // namespace parawork::api
