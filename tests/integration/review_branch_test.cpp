// A workspace branch's status, sync, merge back and archive (issue 20 §3) end to end: a real
// daemon, a real repository whose main checkout has the base checked out, the API and the CLI.
#include <gtest/gtest.h>

#include <fstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/git_repo.hpp"
#include "support/session_api.hpp"

namespace parawork::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

std::string head(const fs::path& dir, const std::string& ref = "HEAD") {
    std::string out = git(dir, {"rev-parse", ref});
    return out.substr(0, out.find('\n'));
}

std::string readText(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
}

/// A daemon, a repository on main (the daemon's git needs an identity for its commits) and a
/// workspace on its own worktree made from main.
struct BranchFixture {
    DaemonProcess daemon;
    SessionApi api{daemon};
    GitRepo repo{"app"};
    std::string id;
    fs::path worktree;

    BranchFixture() {
        git(repo.path(), {"config", "user.name", "Parawork Test"});
        git(repo.path(), {"config", "user.email", "test@parawork.invalid"});
        repo.write("shared.txt", "one\ntwo\nthree\n");
        repo.commit("shared");
        auto r =
            call("POST", "/api/repositories", {{"name", "app"}, {"path", repo.path().string()}});
        auto ws = call("POST", "/api/workspaces",
                       {{"name", "feature"},
                        {"path", repo.path().string()},
                        {"repositoryId", r.at("data").at("id")}});
        id = str(ws.at("data").at("id"));
        worktree = str(ws.at("data").at("path"));
    }

    json::value call(const std::string& method, const std::string& target,
                     const json::object& body = {}, unsigned* status = nullptr) {
        return api.call(method, target, json::serialize(body), status);
    }
    /// The answer's data, after checking its status.
    json::value expect(unsigned want, const std::string& method, const std::string& action,
                       const json::object& body = {}) {
        unsigned status = 0;
        auto res = call(method, "/api/workspaces/" + id + action, body, &status);
        EXPECT_EQ(status, want) << method << " " << action << ": " << json::serialize(res);
        return res.as_object().contains("data") ? res.at("data") : res;
    }
    void commitIn(const fs::path& dir, const std::string& file, const std::string& text) {
        writeText(dir / file, text);
        git(dir, {"add", "-A"});
        git(dir, {"commit", "-q", "-m", "edit " + file});
    }
};

TEST(ReviewBranch, StatusSyncConflictsAndAbort) {
    BranchFixture f;
    f.commitIn(f.worktree, "mine.txt", "mine\n");
    f.commitIn(f.repo.path(), "base.txt", "base\n");
    auto status = f.expect(200, "GET", "/branch");
    EXPECT_EQ(status.at("branch"), "parawork/feature");
    EXPECT_EQ(status.at("base"), "main");
    EXPECT_EQ(status.at("ahead"), 1);
    EXPECT_EQ(status.at("behind"), 1);
    EXPECT_EQ(status.at("uncommittedFiles"), 0);
    EXPECT_TRUE(status.at("sync").is_null());
    EXPECT_EQ(str(status.at("baseCommit")), head(f.repo.path()));

    auto synced = f.expect(200, "POST", "/sync", {{"fetch", false}});
    EXPECT_EQ(synced.at("result"), "synced");
    EXPECT_EQ(synced.at("method"), "rebase");
    EXPECT_EQ(head(f.worktree, "HEAD~1"), head(f.repo.path()));
    EXPECT_EQ(f.expect(200, "POST", "/sync").at("result"), "up-to-date");

    f.commitIn(f.repo.path(), "shared.txt", "one\nMAIN\nthree\n");
    f.commitIn(f.worktree, "shared.txt", "one\nWS\nthree\n");
    std::string before = head(f.worktree);
    auto conflict = f.expect(200, "POST", "/sync", {{"method", "merge"}});
    EXPECT_EQ(conflict.at("result"), "conflicts");
    EXPECT_EQ(conflict.at("conflictedFiles"), json::array{"shared.txt"});
    auto during = f.expect(200, "GET", "/branch");
    EXPECT_EQ(during.at("sync").at("method"), "merge");
    auto again = f.expect(409, "POST", "/sync");
    EXPECT_NE(str(again.at("error")).find("in progress"), std::string::npos);
    // No agent runs here: asking is refused, and nothing changes.
    f.expect(409, "POST", "/sync/ask-agent");
    auto aborted = f.expect(200, "POST", "/sync/abort");
    EXPECT_EQ(aborted.at("aborted"), true);
    EXPECT_EQ(str(aborted.at("head")), before);
    EXPECT_EQ(readText(f.worktree / "shared.txt"), "one\nWS\nthree\n");
    f.expect(409, "POST", "/sync/abort");

    writeText(f.worktree / "dirty.txt", "uncommitted\n");
    auto dirty = f.expect(409, "POST", "/sync");
    EXPECT_NE(str(dirty.at("error")).find("commit or discard"), std::string::npos);
    EXPECT_EQ(f.expect(200, "GET", "/branch").at("uncommittedFiles"), 1);
    f.expect(400, "POST", "/sync", {{"method", "--onto"}});
}

TEST(ReviewBranch, MergeBackIntoTheCheckedOutBase) {
    BranchFixture f;
    f.commitIn(f.worktree, "feature.txt", "feature\n");
    auto check = f.expect(200, "GET", "/merge/check");
    EXPECT_EQ(check.at("clean"), true);
    EXPECT_EQ(check.at("fastForward"), true);
    EXPECT_EQ(check.at("base"), "main");
    f.expect(400, "POST", "/merge", {{"mode", "octopus"}});
    f.expect(400, "POST", "/merge", {{"message", "bad\x1b[2J"}});

    // The base's checkout has local changes: refused, its files and index untouched.
    writeText(f.repo.path() / "shared.txt", "local edit\n");
    std::string index = readText(f.repo.path() / ".git" / "index");
    auto refused = f.expect(409, "POST", "/merge");
    EXPECT_NE(str(refused.at("error")).find(fs::canonical(f.repo.path()).string()),
              std::string::npos);
    EXPECT_EQ(readText(f.repo.path() / "shared.txt"), "local edit\n");
    EXPECT_EQ(readText(f.repo.path() / ".git" / "index"), index);
    git(f.repo.path(), {"checkout", "--", "shared.txt"});

    std::string old = head(f.repo.path());
    auto merged = f.expect(200, "POST", "/merge", {{"message", "-m --amend"}});
    EXPECT_EQ(merged.at("merged"), true);
    EXPECT_EQ(merged.at("mode"), "ff");
    EXPECT_EQ(str(merged.at("previousBaseCommit")), old);
    EXPECT_EQ(str(merged.at("baseCommit")), head(f.worktree));
    EXPECT_EQ(readText(f.repo.path() / "feature.txt"), "feature\n");  // the checkout followed
    f.expect(409, "POST", "/merge");                                  // nothing left to merge

    // Conflicts are refused with their files.
    f.commitIn(f.repo.path(), "shared.txt", "one\nMAIN\nthree\n");
    f.commitIn(f.worktree, "shared.txt", "one\nWS\nthree\n");
    unsigned status = 0;
    auto conflict = f.call("POST", "/api/workspaces/" + f.id + "/merge", {}, &status);
    EXPECT_EQ(status, 409u);
    EXPECT_EQ(conflict.at("conflictedFiles"), json::array{"shared.txt"});
    EXPECT_EQ(f.expect(200, "GET", "/merge/check").at("clean"), false);
}

TEST(ReviewBranch, ArchiveAndUnarchiveKeepUncommittedWork) {
    BranchFixture f;
    f.commitIn(f.worktree, "committed.txt", "committed\n");
    writeText(f.worktree / "committed.txt", "changed, not committed\n");
    writeText(f.worktree / "new.txt", "untracked\n");
    // Archiving checkpoints the uncommitted work first; unarchiving writes it back.
    auto archived = f.expect(200, "POST", "/archive", {{"deleteBranch", true}});
    EXPECT_TRUE(archived.at("archivedAt").is_int64());
    EXPECT_FALSE(fs::exists(f.worktree));
    EXPECT_EQ(f.repo.branches(), std::vector<std::string>{"main"});
    EXPECT_TRUE(f.call("GET", "/api/workspaces").at("data").as_array().empty());
    auto listed = runCli(f.daemon.home(), {"ws", "ls", "--archived", "--json"});
    ASSERT_EQ(listed.exitCode, 0) << describe(listed);
    EXPECT_EQ(str(json::parse(listed.out).at(0).at("id")), f.id);
    f.expect(409, "GET", "/branch");
    f.expect(409, "POST", "/archive");

    auto back = runCli(f.daemon.home(), {"unarchive", "feature", "--json"});
    ASSERT_EQ(back.exitCode, 0) << describe(back);
    EXPECT_TRUE(json::parse(back.out).at("archivedAt").is_null());
    EXPECT_EQ(readText(f.worktree / "committed.txt"), "changed, not committed\n");
    EXPECT_EQ(readText(f.worktree / "new.txt"), "untracked\n");
    EXPECT_EQ(git(f.worktree, {"status", "--porcelain"}), " M committed.txt\n?? new.txt\n");
    EXPECT_EQ(f.call("GET", "/api/workspaces").at("data").as_array().size(), 1u);
    f.expect(409, "POST", "/unarchive");
}

TEST(ReviewBranch, CliSyncMergeAndRefusals) {
    BranchFixture f;
    f.commitIn(f.worktree, "feature.txt", "feature\n");
    auto check = runCli(f.daemon.home(), {"merge", "feature", "--check"});
    EXPECT_EQ(check.exitCode, 0) << describe(check);
    EXPECT_NE(check.out.find("fast-forward"), std::string::npos);
    auto sync = runCli(f.daemon.home(), {"sync", "feature", "--no-fetch", "--json"});
    ASSERT_EQ(sync.exitCode, 0) << describe(sync);
    EXPECT_EQ(json::parse(sync.out).at("result"), "up-to-date");
    // The checkpoint taken before it, as the checkpoint routes show it.
    auto taken = json::parse(sync.out).at("checkpoint");
    EXPECT_EQ(str(taken.at("label")), "before sync (rebase)");
    EXPECT_EQ(str(taken.at("workspaceId")), f.id);
    auto both = runCli(f.daemon.home(), {"merge", "feature", "--ff", "--squash"});
    EXPECT_NE(both.exitCode, 0);
    auto merged = runCli(f.daemon.home(), {"merge", "feature", "--squash", "--message=--all"});
    ASSERT_EQ(merged.exitCode, 0) << describe(merged);
    EXPECT_EQ(git(f.repo.path(), {"log", "-1", "--format=%s"}), "--all\n");
    auto archive = runCli(f.daemon.home(), {"archive", "feature"});
    ASSERT_EQ(archive.exitCode, 0) << describe(archive);
    EXPECT_EQ(f.repo.branches(), (std::vector<std::string>{"main", "parawork/feature"}));
}

}  // namespace
}  // namespace parawork::test
