// File-change tracking and the workspace diff end to end: a real daemon, a real git repository, a
// session whose command edits files, the `file_changed` events on the WebSocket, the recorded
// rows with their diffs, and GET /api/workspaces/:id/diff.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/git_repo.hpp"
#include "support/session_api.hpp"

namespace parawork::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

bool contains(const json::value& text, std::string_view needle) {
    return text.is_string() && text.as_string().subview().find(needle) != std::string_view::npos;
}

/// A workspace on the directory itself (no worktree), even when it is a git repository.
std::string plainWorkspace(SessionApi& api, const std::filesystem::path& path) {
    auto res = api.call("POST", "/api/workspaces",
                        json::serialize(json::object{
                            {"name", "changes"}, {"path", path.string()}, {"worktree", false}}));
    if (!res.at("success").as_bool())
        throw core::Error("workspace refused: " + json::serialize(res));
    return str(res.at("data").at("id"));
}

void subscribe(api::WsClient& socket, const std::string& workspaceId) {
    socket.sendText(R"({"type":"subscribe_workspace","data":{"workspaceId":")" + workspaceId +
                    "\"}}");
    std::this_thread::sleep_for(100ms);  // the subscription is processed before the start
}

/// The data of the next `count` file_changed events (fewer on timeout).
std::vector<json::object> fileChanged(api::WsClient& socket, std::size_t count,
                                      std::chrono::seconds timeout = 20s) {
    std::vector<json::object> out;
    auto until = std::chrono::steady_clock::now() + timeout;
    while (out.size() < count) {
        // One read until the deadline: a read that times out leaves the socket unusable.
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        if (left <= 0ms) break;
        auto message = socket.read(left);
        if (!message) break;
        auto event = json::parse(*message).as_object();
        if (event.at("type") == "file_changed") out.push_back(event.at("data").as_object());
    }
    return out;
}

const json::object* fileNamed(const json::array& files, std::string_view path) {
    for (const auto& f : files)
        if (f.at("path").as_string() == path) return &f.as_object();
    return nullptr;
}

TEST(FileChanges, ASessionsEditsAreRecordedAnnouncedAndDiffed) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    GitRepo repo("project");
    repo.write("b.txt", "to be removed\n");
    repo.commit("b");
    auto ws = plainWorkspace(api, repo.path());
    auto socket = api::WsClient::connect(daemon.unixSocket(), "/");
    subscribe(socket, ws);

    auto session = api.start(ws, {"sh", "-c",
                                  "echo hi > a.txt; sleep 1; echo more >> a.txt; rm -f b.txt; "
                                  "sleep 30"});
    auto id = str(session.at("id"));
    auto events = fileChanged(socket, 3);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].at("filePath"), "a.txt");
    EXPECT_EQ(events[0].at("changeType"), "created");
    std::set<std::pair<std::string, std::string>> later;
    for (const auto& e : events) {
        EXPECT_EQ(str(e.at("sessionId")), id);
        EXPECT_EQ(str(e.at("workspaceId")), ws);
        EXPECT_TRUE(e.at("timestamp").is_int64());
        later.emplace(str(e.at("filePath")), str(e.at("changeType")));
    }
    EXPECT_TRUE(later.contains({"a.txt", "modified"}));
    EXPECT_TRUE(later.contains({"b.txt", "deleted"}));

    // The rows, newest first, each with its diff against the workspace's base (HEAD here).
    auto rows = api.call("GET", "/api/sessions/" + id + "/changes").at("data").as_array();
    ASSERT_EQ(rows.size(), 3u) << json::serialize(rows);
    for (std::size_t i = 1; i < rows.size(); ++i)
        EXPECT_GE(rows[i - 1].at("timestamp").as_int64(), rows[i].at("timestamp").as_int64());
    const auto& oldest = rows.back();
    EXPECT_EQ(oldest.at("filePath"), "a.txt");
    EXPECT_EQ(oldest.at("changeType"), "created");
    EXPECT_EQ(str(oldest.at("sessionId")), id);
    EXPECT_TRUE(contains(oldest.at("diff"), "+hi\n")) << json::serialize(oldest);
    for (const auto& row : rows) {
        if (row.at("changeType") == "modified") {
            EXPECT_TRUE(contains(row.at("diff"), "+hi\n+more\n")) << json::serialize(row);
        }
        if (row.at("changeType") == "deleted") {
            EXPECT_TRUE(contains(row.at("diff"), "-to be removed\n")) << json::serialize(row);
        }
    }

    // The workspace's changes as a whole.
    auto diff = api.call("GET", "/api/workspaces/" + ws + "/diff").at("data");
    EXPECT_EQ(diff.at("baseRef"), "HEAD");
    EXPECT_EQ(str(diff.at("baseCommit")), git(repo.path(), {"rev-parse", "HEAD"}).substr(0, 40));
    EXPECT_EQ(diff.at("truncated"), false);
    const auto& files = diff.at("files").as_array();
    ASSERT_EQ(files.size(), 2u) << json::serialize(diff);
    const auto* a = fileNamed(files, "a.txt");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->at("changeType"), "created");
    EXPECT_EQ(a->at("insertions").to_number<int>(), 2);
    EXPECT_EQ(a->at("deletions").to_number<int>(), 0);
    EXPECT_EQ(a->at("binary"), false);
    EXPECT_TRUE(contains(a->at("diff"), "+hi\n+more\n"));
    EXPECT_EQ(a->at("diffTruncated"), false);
    const auto* b = fileNamed(files, "b.txt");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->at("changeType"), "deleted");
    EXPECT_EQ(b->at("deletions").to_number<int>(), 1);
    auto one = api.call("GET", "/api/workspaces/" + ws + "/diff?path=b.txt").at("data");
    ASSERT_EQ(one.at("files").as_array().size(), 1u);
    EXPECT_EQ(one.at("files").at(0).at("path"), "b.txt");

    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

TEST(FileChanges, WorkspaceDiffErrors) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    unsigned status = 0;
    auto res = api.call("GET", "/api/workspaces/no-such-workspace/diff", {}, &status);
    EXPECT_EQ(status, 404u);
    EXPECT_EQ(res.at("error"), "Workspace not found");

    GitRepo repo("project");
    auto ws = plainWorkspace(api, repo.path());
    res = api.call("GET", "/api/workspaces/" + ws + "/diff?base=no-such-branch", {}, &status);
    EXPECT_EQ(status, 400u);
    EXPECT_TRUE(contains(res.at("error"), "no-such-branch")) << json::serialize(res);
    res = api.call("GET", "/api/workspaces/" + ws + "/diff?base=--output=/tmp/x", {}, &status);
    EXPECT_EQ(status, 400u) << json::serialize(res);
    res = api.call("GET", "/api/workspaces/" + ws + "/diff?path=../../etc/passwd", {}, &status);
    EXPECT_EQ(status, 400u) << json::serialize(res);
    res = api.call("GET", "/api/workspaces/" + ws + "/diff?base=main", {}, &status);
    EXPECT_EQ(status, 200u) << json::serialize(res);
    EXPECT_EQ(res.at("data").at("baseRef"), "main");

    TempDir plain("pw-plain");
    auto plainWs = plainWorkspace(api, plain.path());
    res = api.call("GET", "/api/workspaces/" + plainWs + "/diff", {}, &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "Workspace is not a git repository");
}

TEST(FileChanges, AWorktreeWorkspaceIsComparedWithItsBaseBranch) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    GitRepo repo("project");
    auto created = api.call(
        "POST", "/api/workspaces",
        json::serialize(json::object{{"name", "feature"}, {"path", repo.path().string()}}));
    ASSERT_TRUE(created.at("success").as_bool()) << json::serialize(created);
    const auto& workspace = created.at("data").as_object();
    if (!workspace.contains("gitWorktree")) GTEST_SKIP() << "no worktree was made";
    auto ws = str(workspace.at("id"));
    auto base = str(workspace.at("gitWorktree").at("baseBranch"));
    // A commit on the workspace's branch, then an edit: both count against the base.
    auto session = api.start(ws, {"sh", "-c",
                                  "echo one > committed.txt && git add committed.txt && "
                                  "git -c user.name=t -c user.email=t@t commit -qm c && "
                                  "echo two > edited.txt; sleep 30"});
    auto id = str(session.at("id"));
    json::array rows;
    for (int i = 0; i < 200 && rows.size() < 2; ++i) {
        std::this_thread::sleep_for(100ms);
        rows = api.call("GET", "/api/sessions/" + id + "/changes").at("data").as_array();
    }
    std::set<std::string> paths;
    for (const auto& r : rows) paths.insert(str(r.at("filePath")));
    EXPECT_TRUE(paths.contains("committed.txt")) << json::serialize(rows);
    EXPECT_TRUE(paths.contains("edited.txt")) << json::serialize(rows);
    for (const auto& r : rows) EXPECT_FALSE(str(r.at("filePath")).starts_with(".git"));

    auto diff = api.call("GET", "/api/workspaces/" + ws + "/diff").at("data");
    EXPECT_EQ(str(diff.at("baseRef")), base);
    std::set<std::string> files;
    for (const auto& f : diff.at("files").as_array()) files.insert(str(f.at("path")));
    EXPECT_EQ(files, (std::set<std::string>{"committed.txt", "edited.txt"}));
    api.call("POST", "/api/sessions/" + id + "/stop");
    api.waitEnded(id);
}

}  // namespace
}  // namespace parawork::test
