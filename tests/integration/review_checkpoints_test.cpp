// Checkpoints and commits end to end (issue 20, docs/review.md): a real daemon, a real git
// repository as a workspace, the /checkpoints and /commit routes and their CLI verbs, and the
// refusals (400 bad input or no repository, 404 unknown, 409 nothing to commit).
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/http_client.hpp"
#include "support/git_repo.hpp"
#include "support/session_api.hpp"
#include "unit_support/read_file.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

struct Fixture {
    DaemonProcess daemon{DaemonProcess::Options{.env = {{"GIT_CONFIG_NOSYSTEM", "1"}}}};
    SessionApi api{daemon};
    GitRepo repo{"project"};
    std::string ws;

    Fixture() {
        git(repo.path(), {"config", "user.name", "Reviewer"});
        git(repo.path(), {"config", "user.email", "reviewer@example.com"});
        repo.write(".gitignore", "*.log\n");
        repo.commit("ignore logs");
        auto res = call("POST", "/api/workspaces",
                        {{"name", "cp"}, {"path", repo.path().string()}, {"worktree", false}});
        ws = str(res.at("data").at("id"));
    }
    json::value call(const std::string& method, const std::string& target, const json::object& body,
                     unsigned* status = nullptr) {
        return api.call(method, target, json::serialize(body), status);
    }
    std::string base() const { return "/api/workspaces/" + ws; }
    /// POST /checkpoints; the answer's data.
    json::object checkpoint(const std::string& label, bool expectCreated = true) {
        unsigned status = 0;
        auto res = call("POST", base() + "/checkpoints", {{"label", label}}, &status);
        EXPECT_EQ(status, 201u) << json::serialize(res);
        EXPECT_EQ(res.at("data").at("created").as_bool(), expectCreated);
        return res.at("data").at("checkpoint").as_object();
    }
    ProcessResult cli(const std::vector<std::string>& args) { return runCli(daemon.home(), args); }
};

TEST(ReviewCheckpoints, DeletingTheWorkspaceDeletesItsCheckpoints) {
    Fixture f;
    f.repo.write("a.txt", "one\n");
    f.checkpoint("kept until the workspace goes");
    std::string refs = "refs/parawork/checkpoints/" + f.ws + "/";
    EXPECT_NE(git(f.repo.path(), {"for-each-ref", refs}), "");
    unsigned status = 0;
    f.call("DELETE", f.base(), {}, &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(git(f.repo.path(), {"for-each-ref", refs}), "");
    EXPECT_EQ(readFile(f.repo.path() / "a.txt"), "one\n");  // a plain directory keeps its files
}

TEST(ReviewCheckpoints, CreateListDiffRestoreOverTheApi) {
    Fixture f;
    f.repo.write("a.txt", "one\n");
    auto first = f.checkpoint("first");
    EXPECT_EQ(first.at("label"), "first");
    EXPECT_EQ(str(first.at("workspaceId")), f.ws);
    EXPECT_TRUE(str(first.at("ref")).starts_with("refs/parawork/checkpoints/" + f.ws + "/"));
    EXPECT_EQ(str(first.at("head")) + "\n", git(f.repo.path(), {"rev-parse", "HEAD"}));
    EXPECT_EQ(f.checkpoint("again", false).at("id"), first.at("id"));  // nothing changed

    f.repo.write("a.txt", "one\ntwo\n");
    f.repo.write("b.txt", "new\n");
    auto second = f.checkpoint("second");
    auto list = f.call("GET", f.base() + "/checkpoints", {}).at("data").as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("id"), second.at("id"));

    auto diff = f.call("GET",
                       f.base() + "/checkpoints/diff?from=" + str(first.at("id")) +
                           "&to=" + str(second.at("id")),
                       {})
                    .at("data")
                    .as_object();
    EXPECT_EQ(diff.at("from"), first.at("id"));
    auto files = diff.at("files").as_array();
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[0].at("path"), "a.txt");
    EXPECT_EQ(files[0].at("changeType"), "modified");
    EXPECT_NE(str(files[0].at("diff")).find("+two"), std::string::npos);
    EXPECT_EQ(files[1].at("changeType"), "created");

    f.repo.write("c.txt", "later\n");
    auto live =
        f.call("GET", f.base() + "/checkpoints/diff?from=" + str(second.at("id")), {}).at("data");
    EXPECT_EQ(live.at("to"), "worktree");
    ASSERT_EQ(live.at("files").as_array().size(), 1u);

    unsigned status = 0;
    auto restored =
        f.call("POST", f.base() + "/checkpoints/" + str(first.at("id")) + "/restore", {}, &status);
    ASSERT_EQ(status, 200u) << json::serialize(restored);
    EXPECT_EQ(restored.at("data").at("restored").at("id"), first.at("id"));
    EXPECT_FALSE(fs::exists(f.repo.path() / "b.txt"));
    EXPECT_FALSE(fs::exists(f.repo.path() / "c.txt"));
    EXPECT_EQ(readFile(f.repo.path() / "a.txt"), "one\n");
    auto saved = str(restored.at("data").at("saved").at("id"));
    EXPECT_EQ(git(f.repo.path(), {"show", saved + ":c.txt"}), "later\n");
}

TEST(ReviewCheckpoints, RefusalsOfTheCheckpointRoutes) {
    Fixture f;
    unsigned status = 0;
    auto res = f.call("GET", "/api/workspaces/00000000-0000-4000-8000-000000000000/checkpoints", {},
                      &status);
    EXPECT_EQ(status, 404u);
    f.call("POST", f.base() + "/checkpoints/0123456789abcdef/restore", {}, &status);
    EXPECT_EQ(status, 404u);
    f.call("POST", f.base() + "/checkpoints/--help/restore", {}, &status);
    EXPECT_EQ(status, 404u);
    f.call("GET", f.base() + "/checkpoints/diff", {}, &status);
    EXPECT_EQ(status, 400u);
    f.call("GET", f.base() + "/checkpoints/diff?from=abcd1234", {}, &status);
    EXPECT_EQ(status, 404u);
    f.call("POST", f.base() + "/checkpoints", {{"label", 42}}, &status);
    EXPECT_EQ(status, 400u);
    f.call("POST", f.base() + "/checkpoints", {{"label", std::string(2000, 'x')}}, &status);
    EXPECT_EQ(status, 400u);

    TempDir plain("pw-plain");
    auto other = f.call("POST", "/api/workspaces",
                        {{"name", "plain"}, {"path", plain.path().string()}, {"worktree", false}});
    res = f.call("GET", "/api/workspaces/" + str(other.at("data").at("id")) + "/checkpoints", {},
                 &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "Workspace is not a git repository");
}

TEST(ReviewCheckpoints, CommitAndItsRefusals) {
    Fixture f;
    unsigned status = 0;
    auto res = f.call("POST", f.base() + "/commit", {{"message", "nothing"}}, &status);
    EXPECT_EQ(status, 409u) << json::serialize(res);
    EXPECT_TRUE(str(res.at("error")).starts_with("Nothing to commit")) << json::serialize(res);
    f.call("POST", f.base() + "/commit", {}, &status);
    EXPECT_EQ(status, 400u);
    f.call("POST", f.base() + "/commit", {{"message", " \n "}}, &status);
    EXPECT_EQ(status, 400u);
    f.call("POST", f.base() + "/commit", {{"askAgent", true}}, &status);
    EXPECT_EQ(status, 409u);  // no agent to ask

    f.repo.write("feature.txt", "x\n");
    f.repo.write("debug.log", "ignored\n");
    res = f.call("POST", f.base() + "/commit", {{"message", "--amend -m evil"}}, &status);
    ASSERT_EQ(status, 201u) << json::serialize(res);
    EXPECT_EQ(res.at("data").at("files").as_int64(), 1);
    EXPECT_EQ(str(res.at("data").at("commit")) + "\n", git(f.repo.path(), {"rev-parse", "HEAD"}));
    EXPECT_EQ(git(f.repo.path(), {"log", "-1", "--format=%s|%an"}), "--amend -m evil|Reviewer\n");
    EXPECT_EQ(git(f.repo.path(), {"status", "--porcelain"}), "");  // debug.log: still ignored
    EXPECT_EQ(git(f.repo.path(), {"ls-files", "debug.log"}), "");

    git(f.repo.path(), {"config", "--unset", "user.name"});
    f.repo.write("more.txt", "y\n");
    res = f.call("POST", f.base() + "/commit", {{"message", "m"}}, &status);
    EXPECT_EQ(status, 409u);
    EXPECT_NE(str(res.at("error")).find("git config --global user.name"), std::string::npos);
}

TEST(ReviewCheckpoints, TheCliVerbs) {
    Fixture f;
    f.repo.write("a.txt", "one\n");
    auto made = f.cli({"checkpoint", "create", f.ws, "--label", "-starts with a dash"});
    ASSERT_EQ(made.exitCode, 0) << describe(made);
    EXPECT_NE(made.out.find("created checkpoint"), std::string::npos) << made.out;

    auto ls = f.cli({"--json", "checkpoint", "ls", f.ws});
    ASSERT_EQ(ls.exitCode, 0) << describe(ls);
    auto list = json::parse(ls.out).as_array();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].at("label"), "-starts with a dash");
    std::string id = str(list[0].at("id"));

    f.repo.write("a.txt", "changed\n");
    auto diff = f.cli({"checkpoint", "diff", f.ws, id.substr(0, 8), "--stat"});
    ASSERT_EQ(diff.exitCode, 0) << describe(diff);
    EXPECT_NE(diff.out.find("modified  a.txt  +1 -1"), std::string::npos) << diff.out;

    auto restore = f.cli({"checkpoint", "restore", f.ws, id.substr(0, 8)});
    ASSERT_EQ(restore.exitCode, 0) << describe(restore);
    EXPECT_EQ(readFile(f.repo.path() / "a.txt"), "one\n");

    auto wsDiff = f.cli({"diff", f.ws, "a.txt"});
    ASSERT_EQ(wsDiff.exitCode, 0) << describe(wsDiff);
    EXPECT_NE(wsDiff.out.find("+one"), std::string::npos) << wsDiff.out;

    auto commit = f.cli({"commit", f.ws, "--message=-dash first"});
    ASSERT_EQ(commit.exitCode, 0) << describe(commit);
    EXPECT_EQ(git(f.repo.path(), {"log", "-1", "--format=%s"}), "-dash first\n");
    auto empty = f.cli({"commit", f.ws, "-m", "again"});
    EXPECT_NE(empty.exitCode, 0);
    EXPECT_NE(empty.err.find("Nothing to commit"), std::string::npos) << describe(empty);
    auto neither = f.cli({"commit", f.ws});
    EXPECT_EQ(neither.exitCode, 2) << describe(neither);
    auto unknown = f.cli({"checkpoint", "restore", f.ws, "ffffffff"});
    EXPECT_NE(unknown.exitCode, 0);
    EXPECT_NE(unknown.err.find("Checkpoint not found"), std::string::npos) << describe(unknown);
}

/// The tree a scan of every file gives (what a checkpoint must hold): the worktree's index
/// copied, `git add -A`, `git write-tree`.
std::string fullScanTree(const fs::path& repo) {
    fs::path index = repo / ".git" / "pw-test-index";
    fs::copy_file(repo / ".git" / "index", index, fs::copy_options::overwrite_existing);
    // With its time: git compares whole seconds only, and re-reads a file changed in the second
    // its index was written ("racily clean") by comparing with the index file's time.
    fs::last_write_time(index, fs::last_write_time(repo / ".git" / "index"));
    std::map<std::string, std::string> env{{"GIT_INDEX_FILE", index.string()}};
    auto add = runProcess({"/usr/bin/git", "-C", repo.string(), "add", "-A"}, env);
    auto tree = runProcess({"/usr/bin/git", "-C", repo.string(), "write-tree"}, env);
    fs::remove(index);
    EXPECT_EQ(add.exitCode, 0) << describe(add);
    EXPECT_EQ(tree.exitCode, 0) << describe(tree);
    return tree.out.substr(0, tree.out.find('\n'));
}

/// parawork_checkpoints_total{read="..."} from /metrics.
double checkpointsRead(const DaemonProcess& daemon, const std::string& read) {
    std::string metrics = api::HttpClient(daemon.unixSocket()).get("/metrics").body;
    std::string key = "parawork_checkpoints_total{read=\"" + read + "\"} ";
    auto at = metrics.find(key);
    if (at == std::string::npos) ADD_FAILURE() << metrics;
    return at == std::string::npos ? -1 : std::stod(metrics.substr(at + key.size()));
}

TEST(ReviewCheckpoints, WhileASessionRunsACheckpointReadsOnlyTheChangedFilesAndMissesNone) {
    Fixture f;
    const fs::path& repo = f.repo.path();
    for (int i = 0; i < 20; ++i) f.repo.write("src/f" + std::to_string(i) + ".txt", "v0\n");
    f.repo.commit("files");
    auto session = f.api.start(f.ws, {"sleep", "600"});  // its workspace is watched while it runs
    auto treeOf = [&](const json::object& checkpoint) {
        std::string out = git(repo, {"rev-parse", str(checkpoint.at("id")) + "^{tree}"});
        return out.substr(0, out.find('\n'));
    };
    // The checkpoint's tree is a full scan's; else what differs.
    auto expectFullScans = [&](const json::object& checkpoint, const std::string& what) {
        std::string made = treeOf(checkpoint), full = fullScanTree(repo);
        EXPECT_EQ(made, full) << what << ": checkpoint → full scan\n"
                              << git(repo, {"diff-tree", "-r", "--name-status", made, full});
    };
    auto first = f.checkpoint("first");
    expectFullScans(first, "the first");
    double everyFile = checkpointsRead(f.daemon, "every_file");

    // Each step, then a checkpoint at once: it holds exactly what a scan of every file finds.
    std::vector<std::pair<std::string, std::function<void()>>> steps{
        {"a file changed", [&] { f.repo.write("src/f1.txt", "v1\n"); }},
        {"files made in a new directory",
         [&] {
             f.repo.write("new/deep/a.txt", "a\n");
             f.repo.write("new/b.txt", "b\n");
         }},
        {"a file deleted, an ignored one made",
         [&] {
             fs::remove(repo / "src/f2.txt");
             f.repo.write("debug.log", "ignored\n");
         }},
        {"git status rewrote the index, git add -f tracks an ignored file",
         [&] {
             git(repo, {"status", "--porcelain"});
             git(repo, {"add", "-f", "debug.log"});
         }},
        {"a directory removed", [&] { fs::remove_all(repo / "new"); }},
        {"a commit",
         [&] {
             f.repo.write("src/f3.txt", "committed\n");
             git(repo, {"add", "-A"});
             git(repo, {"commit", "-q", "-m", "agent's commit"});
         }},
    };
    for (auto& [what, step] : steps) {
        step();
        auto made = f.checkpoint(what);
        expectFullScans(made, what);
    }
    EXPECT_EQ(checkpointsRead(f.daemon, "changed_files"), static_cast<double>(steps.size()));
    EXPECT_EQ(checkpointsRead(f.daemon, "every_file"), everyFile);

    // A restore writes files: the next checkpoint sees them.
    unsigned status = 0;
    f.call("POST", f.base() + "/checkpoints/" + str(first.at("id")) + "/restore", {}, &status);
    ASSERT_EQ(status, 200u);
    f.repo.write("src/f4.txt", "after the restore\n");
    auto afterRestore = f.checkpoint("after the restore");
    expectFullScans(afterRestore, "after the restore");

    // A daemon that died keeps no index: the next checkpoint reads every file, and is right.
    f.daemon.kill9();
    DaemonProcess again{
        DaemonProcess::Options{.env = {{"GIT_CONFIG_NOSYSTEM", "1"}}, .home = f.daemon.home()}};
    SessionApi api(again);
    f.repo.write("src/f5.txt", "while it was down\n");
    auto res = api.call("POST", f.base() + "/checkpoints", R"({"label":"after a crash"})", &status);
    ASSERT_EQ(status, 201u) << json::serialize(res);
    expectFullScans(res.at("data").at("checkpoint").as_object(), "after a crash");
    EXPECT_EQ(checkpointsRead(again, "every_file"), 1.0);
    api.call("POST", "/api/sessions/" + str(session.at("id")) + "/stop");
}

}  // namespace
}  // namespace parawork::test
