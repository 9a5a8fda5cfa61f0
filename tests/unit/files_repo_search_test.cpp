// fs/search-repos on real trees: matching, ordering, depth, never entering a repository, hidden
// directories and symlinks skipped, the result and directory caps, and where the search starts.
#include <string>
#include <vector>

#include "files/repo_search.hpp"
#include "files_fixture.hpp"

namespace parawork::files {
namespace {

using testing::Sandbox;

/// A directory with an empty `.git` directory: enough to count as a repository.
void fakeRepo(const Sandbox& s, const std::string& rel) {
    s.mkdir(rel + "/.git");
}

std::vector<std::string> names(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& e : r.results) out.push_back(e.name);
    return out;
}

SearchResult search(const Sandbox& s, std::string_view query, SearchLimits limits = {}) {
    return searchRepositories(query, {s.path()}, s.roots(), limits);
}

TEST(FilesRepoSearch, ExactThenPrefixThenTheRestAlphabetically) {
    Sandbox s;
    fakeRepo(s, "myfoo");
    fakeRepo(s, "a/foobar");
    fakeRepo(s, "b/Foo");
    fakeRepo(s, "c/Foo2");
    fakeRepo(s, "afoo");
    fakeRepo(s, "unrelated");
    s.mkdir("not-a-repo-foo");
    auto r = search(s, "foo");
    EXPECT_EQ(names(r), (std::vector<std::string>{"Foo", "Foo2", "foobar", "afoo", "myfoo"}));
    EXPECT_FALSE(r.truncated);
    const auto& first = r.results.front();
    EXPECT_EQ(first.path, s.str("b/Foo"));
    EXPECT_TRUE(first.isGitRepository);
    ASSERT_TRUE(first.gitInfo.has_value());
    EXPECT_FALSE(first.itemCount.has_value());
}

TEST(FilesRepoSearch, RealRepositoriesGetGitInfo) {
    Sandbox s;
    s.gitRepo("work/widget", true, "git@example.com:widget.git");
    auto r = search(s, "widget");
    ASSERT_EQ(r.results.size(), 1u);
    EXPECT_EQ(r.results[0].gitInfo->branch, "main");
    EXPECT_EQ(r.results[0].gitInfo->remote, "git@example.com:widget.git");
}

TEST(FilesRepoSearch, NeverEntersARepositoryHiddenDirectoryOrSymlink) {
    Sandbox s;
    fakeRepo(s, "root/outer");
    fakeRepo(s, "root/outer/inner-match");
    fakeRepo(s, "root/.hidden/hidden-match");
    fakeRepo(s, "elsewhere/linked-match");
    s.symlink(s / "elsewhere", "root/link");
    s.symlink(s / "elsewhere/linked-match", "root/direct-link-match");
    fakeRepo(s, "root/plain/visible-match");
    Roots roots = makeRoots({s.str("root")}, "");
    auto r = searchRepositories("match", {s / "root"}, roots);
    EXPECT_EQ(names(r), (std::vector<std::string>{"visible-match"}));
}

TEST(FilesRepoSearch, LooksFourLevelsDown) {
    Sandbox s;
    fakeRepo(s, "one-x");
    fakeRepo(s, "a/b/c/four-x");
    fakeRepo(s, "a/b/c/d/five-x");
    auto r = search(s, "-x");
    EXPECT_EQ(names(r), (std::vector<std::string>{"four-x", "one-x"}));
}

TEST(FilesRepoSearch, StopsAtTwentyResults) {
    Sandbox s;
    for (int i = 0; i < 25; ++i) fakeRepo(s, "r" + std::to_string(100 + i) + "-hit");
    auto r = search(s, "hit");
    ASSERT_EQ(r.results.size(), 20u);
    EXPECT_EQ(r.results.front().name, "r100-hit");  // directories are walked in name order
    EXPECT_EQ(r.results.back().name, "r119-hit");
}

TEST(FilesRepoSearch, TheDirectoryBudgetBoundsTheWalk) {
    Sandbox s;
    for (int i = 0; i < 30; ++i) s.mkdir("d" + std::to_string(10 + i) + "/x");
    fakeRepo(s, "zz/late-hit");
    auto r = search(s, "hit", {.maxDirectories = 10});
    EXPECT_TRUE(r.truncated);
    EXPECT_TRUE(r.results.empty());
    r = search(s, "hit");
    EXPECT_FALSE(r.truncated);
    EXPECT_EQ(names(r), (std::vector<std::string>{"late-hit"}));
}

TEST(FilesRepoSearch, HomeFoldersReachDeeperAndEachRepositoryIsFoundOnce) {
    Sandbox s;
    s.mkdir("home/Projects");
    s.mkdir("home/Code");
    fakeRepo(s, "home/Projects/a/b/c/deep-hit");  // 5 below home, 4 below Projects
    fakeRepo(s, "home/Projects/near-hit");
    s.mkdir("outside/repos");
    s.symlink(s / "outside/repos", "home/repos");  // leads out of the roots: not a start
    Roots roots = makeRoots({}, s.str("home"));
    auto starts = searchStarts(roots, s.str("home"));
    EXPECT_EQ(starts, (std::vector<std::filesystem::path>{s / "home", s / "home/Projects",
                                                          s / "home/Code"}));
    auto r = searchRepositories("hit", starts, roots);
    EXPECT_EQ(names(r), (std::vector<std::string>{"deep-hit", "near-hit"}));
    // A root that is not home gets no extra folders.
    Roots other = makeRoots({s.str("home/Projects")}, "");
    EXPECT_EQ(searchStarts(other, s.str("home")),
              (std::vector<std::filesystem::path>{s / "home/Projects"}));
}

TEST(FilesRepoSearch, SortMatchesRanksByQuery) {
    std::vector<DirectoryEntry> v(4);
    v[0].name = "zeta-api";
    v[1].name = "api";
    v[2].name = "API-client";
    v[3].name = "my-api";
    sortMatches(v, "api");
    EXPECT_EQ(v[0].name, "api");
    EXPECT_EQ(v[1].name, "API-client");
    EXPECT_EQ(v[2].name, "my-api");
    EXPECT_EQ(v[3].name, "zeta-api");
}

}  // namespace
}  // namespace parawork::files
