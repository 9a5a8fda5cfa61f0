// The filesystem endpoints end to end (protocol §4.6, §5.2, and our allowed roots): a real daemon
// whose roots are /tmp (the harness's default) or a private directory, real directories, real git
// repositories, and every way out of the roots we could think of.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "files/path_rules.hpp"
#include "support/daemon_process.hpp"
#include "support/git_repo.hpp"
#include "support/session_api.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::test {
namespace {

/// The refusal of a path outside the roots, with its hint.
const std::string kOutside(files::kOutsideRoots);

namespace fs = std::filesystem;
namespace json = boost::json;

/// Percent-encodes a query value (everything but unreserved characters and '/').
std::string encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

/// The string, or a description of what else it is (so that a comparison fails readably).
std::string str(const json::value& v) {
    return v.is_string() ? std::string(v.as_string())
                         : "<not a string: " + json::serialize(v) + ">";
}

class FsApi {
  public:
    explicit FsApi(const DaemonProcess& daemon) : client_(daemon.unixSocket()) {}
    /// GET `target` as given (no encoding); the parsed body.
    json::value raw(const std::string& target, unsigned* status = nullptr) {
        auto reply = client_.get(target);
        if (status) *status = reply.status;
        return json::parse(reply.body);
    }
    json::value browse(const std::string& path, unsigned* status = nullptr) {
        return raw("/api/fs/browse?path=" + encode(path), status);
    }
    json::value list(const std::string& path, unsigned* status = nullptr) {
        return raw("/api/fs/list?path=" + encode(path), status);
    }
    json::value search(const std::string& q, unsigned* status = nullptr) {
        return raw("/api/fs/search-repos?q=" + encode(q), status);
    }
    /// Expects a refusal with this status and error, from browse and list alike.
    void expectRefused(const std::string& path, unsigned status, const std::string& error) {
        SCOPED_TRACE(path);
        for (int which = 0; which < 2; ++which) {
            unsigned got = 0;
            auto res = which == 0 ? browse(path, &got) : list(path, &got);
            EXPECT_EQ(got, status) << json::serialize(res);
            EXPECT_EQ(res.at("success"), false);
            EXPECT_EQ(str(res.at("error")), error);
        }
    }

  private:
    api::HttpClient client_;
};

std::vector<std::string> names(const json::value& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries.as_array()) out.emplace_back(e.at("name").as_string());
    return out;
}

const json::object& entry(const json::value& entries, const std::string& name) {
    for (const auto& e : entries.as_array())
        if (e.at("name").as_string() == name) return e.as_object();
    throw std::runtime_error("no entry " + name);
}

void makeRepo(const fs::path& dir, const std::string& origin = {}) {
    fs::create_directories(dir);
    git(dir, {"init", "-q", "-b", "main"});
    git(dir, {"commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", "first"});
    if (!origin.empty()) git(dir, {"remote", "add", "origin", origin});
}

TEST(FsBrowse, ListsSubdirectoriesWithGitInfo) {
    DaemonProcess daemon;
    FsApi api(daemon);
    TempDir dir("pw-fs");
    fs::create_directories(dir.path() / "alpha/one");
    fs::create_directories(dir.path() / "Beta");
    fs::create_directories(dir.path() / ".hidden");
    std::ofstream(dir.path() / "file.txt") << "x";
    fs::create_symlink(dir.path() / "alpha", dir.path() / "link");
    makeRepo(dir.path() / "repo", "https://example.com/repo.git");

    unsigned status = 0;
    auto res = api.browse(dir.path().string(), &status);
    ASSERT_EQ(status, 200u) << json::serialize(res);
    const auto& data = res.at("data");
    EXPECT_EQ(str(data.at("currentPath")), dir.path().string());
    EXPECT_EQ(data.at("parentPath"), "/tmp");
    EXPECT_EQ(names(data.at("entries")), (std::vector<std::string>{"alpha", "Beta", "repo"}));
    const auto& alpha = entry(data.at("entries"), "alpha");
    EXPECT_EQ(str(alpha.at("path")), (dir.path() / "alpha").string());
    EXPECT_EQ(alpha.at("isDirectory"), true);
    EXPECT_EQ(alpha.at("isGitRepository"), false);
    EXPECT_FALSE(alpha.contains("gitInfo"));
    EXPECT_EQ(alpha.at("itemCount").to_number<int>(), 1);
    EXPECT_GT(alpha.at("lastModified").to_number<double>(), 1.5e12);
    const auto& repo = entry(data.at("entries"), "repo");
    EXPECT_EQ(repo.at("isGitRepository"), true);
    EXPECT_EQ(repo.at("gitInfo").at("branch"), "main");
    EXPECT_EQ(repo.at("gitInfo").at("remote"), "https://example.com/repo.git");

    // A trailing slash is kept in currentPath; entries' paths do not double it.
    res = api.browse(dir.path().string() + "/./", &status);
    ASSERT_EQ(status, 200u);
    EXPECT_EQ(str(res.at("data").at("currentPath")), dir.path().string() + "/");
    EXPECT_EQ(str(entry(res.at("data").at("entries"), "Beta").at("path")),
              (dir.path() / "Beta").string());
    // /tmp itself is the root and can be browsed; its parent is shown but refused.
    res = api.browse("/tmp", &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(res.at("data").at("parentPath"), "/");
}

TEST(FsBrowse, TildeIsHome) {
    TempDir home("pw-fshome");
    fs::create_directories(home.path() / "code/sub");
    DaemonProcess daemon(DaemonProcess::Options{.env = {{"HOME", home.path().string()}}});
    FsApi api(daemon);
    unsigned status = 0;
    auto res = api.browse("~", &status);
    ASSERT_EQ(status, 200u) << json::serialize(res);
    EXPECT_EQ(str(res.at("data").at("currentPath")), home.path().string());
    EXPECT_EQ(names(res.at("data").at("entries")), (std::vector<std::string>{"code"}));
    res = api.raw("/api/fs/browse", &status);  // the default path is ~
    EXPECT_EQ(str(res.at("data").at("currentPath")), home.path().string());
    res = api.browse("~/code", &status);
    EXPECT_EQ(str(res.at("data").at("currentPath")), (home.path() / "code").string());
    res = api.list("~/code", &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(names(res.at("data").at("entries")), (std::vector<std::string>{"sub"}));
    api.expectRefused("~/..", 400, "Path traversal not allowed");
    api.expectRefused("~nobody", 400, "Path must be absolute");
}

TEST(FsBrowse, TildeOpensTheFirstRootWhenHomeIsOutsideTheRoots) {
    DaemonProcess daemon(DaemonProcess::Options{.env = {{"HOME", "/no-such-home-pw"}}});
    FsApi api(daemon);
    unsigned status = 0;
    auto res = api.raw("/api/fs/browse", &status);
    ASSERT_EQ(status, 200u) << json::serialize(res);
    EXPECT_EQ(res.at("data").at("currentPath"), "/tmp");
    EXPECT_EQ(res.at("data").at("parentPath"), "/");
    // "~/x" still means the real home, which is outside.
    api.expectRefused("~/x", 403, kOutside);
}

TEST(FsBrowse, EscapesAreRefused) {
    DaemonProcess daemon;
    FsApi api(daemon);
    TempDir dir("pw-fs");
    fs::create_directories(dir.path() / "sub");
    std::ofstream(dir.path() / "file.txt") << "x";
    fs::create_symlink("/", dir.path() / "to-slash");
    fs::create_symlink("/etc", dir.path() / "to-etc");
    fs::create_symlink(dir.path() / "sub", dir.path() / "to-sub");
    const std::string d = dir.path().string();
    const std::string outside = kOutside;

    api.expectRefused(d + "/../", 400, "Path traversal not allowed");
    api.expectRefused(d + "/sub/../../etc", 400, "Path traversal not allowed");
    api.expectRefused("/etc", 400, "System directories are not allowed");
    api.expectRefused("/proc/self/root", 400, "System directories are not allowed");
    api.expectRefused("/", 403, outside);
    api.expectRefused("/home", 403, outside);
    api.expectRefused(d + "/to-slash", 403, outside);
    api.expectRefused(d + "/to-slash/home", 403, outside);
    api.expectRefused(d + "/to-slash/etc", 400, "System directories are not allowed");
    api.expectRefused(d + "/to-etc", 400, "System directories are not allowed");
    api.expectRefused("tmp", 400, "Path must be absolute");
    api.expectRefused(d + "/missing", 400, "Path does not exist");
    api.expectRefused(d + "/file.txt", 400, "Path must be a directory");
    unsigned status = 0;
    EXPECT_EQ(str(api.browse(d + "/to-sub", &status).at("data").at("currentPath")), d + "/to-sub");
    EXPECT_EQ(status, 200u);

    // Percent-encoded dots are decoded once by the server, then refused; encoded twice they
    // are a literal name that does not exist.
    for (const std::string& target :
         {"/api/fs/browse?path=" + d + "/%2e%2e/%2e%2e/etc", "/api/fs/list?path=" + d + "/%2E%2E",
          "/api/fs/browse?path=" + d + "%2F..%2Fsub",
          std::string("/api/fs/list?path=%2e%2e%2fetc")}) {
        SCOPED_TRACE(target);
        auto res = api.raw(target, &status);
        EXPECT_EQ(status, 400u);
        EXPECT_EQ(res.at("error"), "Path traversal not allowed");
    }
    auto res = api.raw("/api/fs/browse?path=" + d + "/%252e%252e/%252e%252e/etc", &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "Path does not exist");
    res = api.raw("/api/fs/browse?path=" + d + "%00/../../etc", &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "Path traversal not allowed");
    res = api.raw("/api/fs/browse?path=" + d + "/sub%00", &status);
    EXPECT_EQ(status, 400u);
    EXPECT_EQ(res.at("error"), "Path does not exist");
}

TEST(FsBrowse, ASiblingOfTheRootWithTheSamePrefixIsOutside) {
    // /tmp is the root; /tmpXXXX must not pass for being "below" it.
    std::string pattern = "/tmp-pw-sibling-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) GTEST_SKIP() << "cannot create a directory in /";
    struct Cleanup {
        std::string dir;
        ~Cleanup() { fs::remove_all(dir); }
    } cleanup{pattern};
    fs::create_directories(pattern + "/sub");
    DaemonProcess daemon;
    FsApi api(daemon);
    api.expectRefused(pattern, 403, kOutside);
    api.expectRefused(pattern + "/sub", 403, kOutside);
    TempDir dir("pw-fs");
    fs::create_symlink(pattern, dir.path() / "to-sibling");
    api.expectRefused((dir.path() / "to-sibling").string(), 403, kOutside);
}

TEST(FsBrowse, APathThatIsNotOneStringIsABadRequest) {
    DaemonProcess daemon;
    FsApi api(daemon);
    for (std::string target : {"/api/fs/browse?path=/tmp&path=/tmp", "/api/fs/list?path%5B%5D=/tmp",
                               "/api/fs/list?path%5Ba%5D=/tmp", "/api/fs/search-repos?q=ab&q=cd"}) {
        SCOPED_TRACE(target);
        unsigned status = 0;
        auto res = api.raw(target, &status);
        EXPECT_EQ(status, 400u);
        auto issues = json::parse(res.at("error").as_string());
        EXPECT_EQ(issues.at(0).at("code"), "invalid_type");
        EXPECT_EQ(issues.at(0).at("expected"), "string");
    }
}

TEST(FsList, ListsFilesAndDirectories) {
    DaemonProcess daemon;
    FsApi api(daemon);
    TempDir dir("pw-fs");
    const auto& d = dir.path();
    fs::create_directories(d / "src");
    fs::create_directories(d / "Docs");
    fs::create_directories(d / "node_modules/x");
    fs::create_directories(d / ".git");
    std::ofstream(d / "b.txt") << "12345";
    std::ofstream(d / "A.md") << "1";
    std::ofstream(d / ".env") << "X=1";
    std::ofstream(d / ".DS_Store") << "";
    fs::create_symlink(d / "src", d / "src-link");
    fs::create_symlink(d / "gone", d / "broken");

    unsigned status = 0;
    auto res = api.list(d.string(), &status);
    ASSERT_EQ(status, 200u) << json::serialize(res);
    const auto& data = res.at("data").as_object();
    EXPECT_EQ(str(data.at("currentPath")), d.string());
    EXPECT_FALSE(data.contains("parentPath"));
    EXPECT_EQ(names(data.at("entries")),
              (std::vector<std::string>{"Docs", "src", ".env", "A.md", "b.txt", "src-link"}));
    const auto& b = entry(data.at("entries"), "b.txt");
    EXPECT_EQ(str(b.at("path")), (d / "b.txt").string());
    EXPECT_EQ(b.at("isDirectory"), false);
    EXPECT_EQ(b.at("size").to_number<int>(), 5);
    EXPECT_GT(b.at("lastModified").to_number<double>(), 1.5e12);
    EXPECT_FALSE(entry(data.at("entries"), "src").contains("size"));
    EXPECT_EQ(entry(data.at("entries"), "src-link").at("isDirectory"), false);

    for (std::string target : {"/api/fs/list", "/api/fs/list?path="}) {
        res = api.raw(target, &status);
        EXPECT_EQ(status, 400u);
        EXPECT_EQ(res.at("error"), "Path is required");
    }
}

TEST(FsList, WorksOverTcpWithTheToken) {
    DaemonProcess daemon;
    TempDir dir("pw-fs");
    api::HttpClient tcp(daemon.tcp());
    auto reply = tcp.get("/api/fs/list?path=" + dir.path().string(),
                         {{"X-API-Key", daemon.token()}, {"Host", daemon.hostHeader()}});
    EXPECT_EQ(reply.status, 200u) << reply.body;
    reply = tcp.get("/api/fs/list?path=" + dir.path().string(), {{"Host", daemon.hostHeader()}});
    EXPECT_EQ(reply.status, 401u);
}

TEST(FsSearchRepos, FindsRepositoriesByNameInsideTheRoots) {
    TempDir root("pw-fsroot");
    TempDir elsewhere("pw-fsother");
    const auto& r = root.path();
    makeRepo(r / "widget", "git@example.com:widget.git");
    makeRepo(r / "work/widget-api");
    makeRepo(r / "work/my-widget");
    makeRepo(r / "work/my-widget/nested-widget");  // inside a repository: not searched
    fs::create_directories(r / ".hidden/widget-hidden/.git");
    fs::create_directories(r / "a/b/c/d/widget-too-deep/.git");
    fs::create_directories(r / "not-a-widget-repo");
    makeRepo(elsewhere.path() / "widget-outside");
    fs::create_symlink(elsewhere.path(), r / "link");
    DaemonProcess daemon(
        DaemonProcess::Options{.env = {{"PARAWORK_FILES_ALLOWED_ROOTS", r.string()}}});
    FsApi api(daemon);

    unsigned status = 0;
    auto res = api.search("  WIDGET ", &status);
    ASSERT_EQ(status, 200u) << json::serialize(res);
    EXPECT_EQ(res.at("data").at("query"), "widget");
    const auto& results = res.at("data").at("results");
    EXPECT_EQ(names(results), (std::vector<std::string>{"widget", "widget-api", "my-widget"}));
    const auto& first = results.at(0).as_object();
    EXPECT_EQ(str(first.at("path")), (r / "widget").string());
    EXPECT_EQ(first.at("isDirectory"), true);
    EXPECT_EQ(first.at("isGitRepository"), true);
    EXPECT_EQ(first.at("gitInfo").at("branch"), "main");
    EXPECT_EQ(first.at("gitInfo").at("remote"), "git@example.com:widget.git");
    EXPECT_FALSE(first.contains("itemCount"));

    // Too short: nothing is searched.
    res = api.search("w", &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(res.at("data").at("query"), "w");
    EXPECT_TRUE(res.at("data").at("results").as_array().empty());
    res = api.raw("/api/fs/search-repos", &status);
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(res.at("data").at("query"), "");
    // The roots confine browsing as well: /tmp is no longer one.
    api.expectRefused(elsewhere.path().string(), 403, kOutside);
    api.expectRefused((r / "link").string(), 403, kOutside);
}

TEST(FsList, TheDaemonsOwnWorkspacesAreAllowedWhateverTheRoots) {
    // The roots admit the repository, not the home: the worktree the daemon makes under
    // <home>/workspaces lies outside them (issue 17 §6: the Files tab got a 403).
    GitRepo repo("files-tab");
    TempDir plain("pw-fsplain");
    DaemonProcess daemon(
        DaemonProcess::Options{.env = {{"PARAWORK_FILES_ALLOWED_ROOTS", repo.base().string()}}});
    SessionApi api(daemon);
    auto made = api.call(
        "POST", "/api/workspaces",
        json::serialize(json::object{{"name", "feature"}, {"path", repo.path().string()}}));
    ASSERT_EQ(made.at("success"), true) << json::serialize(made);
    std::string worktree = str(made.at("data").at("path"));
    ASSERT_FALSE(worktree.starts_with(repo.base().string())) << worktree;
    // A plain-directory workspace its owner made outside the roots (over the unix socket).
    made = api.call("POST", "/api/workspaces",
                    json::serialize(json::object{
                        {"name", "plain"}, {"path", plain.path().string()}, {"worktree", false}}));
    ASSERT_EQ(made.at("success"), true) << json::serialize(made);
    fs::create_directories(plain.path() / "inside");

    FsApi fsApi(daemon);
    unsigned status = 0;
    auto listed = fsApi.list(worktree, &status);
    EXPECT_EQ(status, 200u) << json::serialize(listed);
    EXPECT_EQ(names(listed.at("data").at("entries")), std::vector<std::string>{"README.md"});
    fsApi.list((daemon.home() / "workspaces").string(), &status);
    EXPECT_EQ(status, 200u);  // the worktree base itself
    listed = fsApi.browse(plain.path().string(), &status);
    EXPECT_EQ(status, 200u) << json::serialize(listed);
    EXPECT_EQ(names(listed.at("data").at("entries")), std::vector<std::string>{"inside"});
    // Everything else stays outside: the home the worktrees are in, a sibling of a workspace.
    fsApi.expectRefused(daemon.home().string(), 403, kOutside);
    fsApi.expectRefused(plain.path().parent_path().string(), 403, kOutside);
}

}  // namespace
}  // namespace parawork::test
