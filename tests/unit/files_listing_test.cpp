// fs/browse and fs/list contents on real directories: which entries, their order and caps,
// hidden and excluded names, symlinks, git repositories and their gitInfo.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "files/directory_listing.hpp"
#include "files_fixture.hpp"

namespace parawork::files {
namespace {

using testing::Sandbox;

template <typename Entry>
std::vector<std::string> names(const std::vector<Entry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.name);
    return out;
}

template <typename Entry>
const Entry& find(const std::vector<Entry>& entries, const std::string& name) {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Entry& e) { return e.name == name; });
    if (it == entries.end()) throw std::runtime_error("no entry " + name);
    return *it;
}

TEST(FilesBrowse, OnlyRealVisibleSubdirectoriesSortedCaseInsensitively) {
    Sandbox s;
    s.mkdir("d/beta");
    s.mkdir("d/Alpha");
    s.mkdir("d/gamma");
    s.mkdir("d/.hidden");
    s.write("d/file.txt");
    s.symlink(s / "d/beta", "d/link-to-dir");
    auto entries = browseDirectory(s / "d", s.str("d"), s.roots());
    EXPECT_EQ(names(entries), (std::vector<std::string>{"Alpha", "beta", "gamma"}));
    EXPECT_EQ(entries[0].path, s.str("d/Alpha"));
    EXPECT_FALSE(entries[0].isGitRepository);
    EXPECT_FALSE(entries[0].gitInfo.has_value());
    EXPECT_GT(entries[0].lastModified, 1.5e12);
}

TEST(FilesBrowse, EntryPathsFollowTheShownPath) {
    Sandbox s;
    s.mkdir("d/sub");
    auto entries = browseDirectory(s / "d", "/shown/as/", s.roots());
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].path, "/shown/as/sub");
}

TEST(FilesBrowse, ItemCountCountsHiddenEntriesAndIsBounded) {
    Sandbox s;
    s.mkdir("d/empty");
    s.mkdir("d/full/.git-like");
    s.write("d/full/.env");
    s.write("d/full/a");
    s.mkdir("d/full/b");
    auto entries = browseDirectory(s / "d", s.str("d"), s.roots());
    EXPECT_EQ(find(entries, "empty").itemCount, 0u);
    EXPECT_EQ(find(entries, "full").itemCount, 4u);
    entries = browseDirectory(s / "d", s.str("d"), s.roots(), {.maxItemCount = 2});
    EXPECT_EQ(find(entries, "full").itemCount, 2u);
}

TEST(FilesBrowse, UnreadableDirectories) {
    Sandbox s;
    s.mkdir("d/locked/inside");
    s.mkdir("d/open/inside");
    ::chmod(s.str().c_str(), 0755);
    ::chmod(s.str("d").c_str(), 0755);
    ::chmod(s.str("d/open").c_str(), 0755);
    ::chmod(s.str("d/locked").c_str(), 0);
    Roots roots = s.roots();
    EXPECT_TRUE(testing::asUnprivileged([&] {
        auto entries = browseDirectory(s / "d", s.str("d"), roots);
        bool countsOmitted = entries.size() == 2 && entries[0].name == "locked" &&
                             !entries[0].itemCount && entries[1].itemCount == 1u;
        try {
            listDirectory(s / "d/locked", s.str("d/locked"), roots);
            return false;
        } catch (const std::system_error& e) {
            return countsOmitted && e.code().value() == EACCES;
        }
    }));
}

TEST(FilesBrowse, CapsAtTheLimitKeepingTheFirstNames) {
    Sandbox s;
    for (int i = 0; i < 520; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "dir%03d", i);
        s.mkdir(std::string("d/") + name);
    }
    auto entries = browseDirectory(s / "d", s.str("d"), s.roots());
    ASSERT_EQ(entries.size(), kMaxListedEntries);
    EXPECT_EQ(entries.front().name, "dir000");
    EXPECT_EQ(entries.back().name, "dir499");
    // A small cap over many entries (the bounded selection shrinks many times).
    entries = browseDirectory(s / "d", s.str("d"), s.roots(), {.maxEntries = 3});
    EXPECT_EQ(names(entries), (std::vector<std::string>{"dir000", "dir001", "dir002"}));
}

TEST(FilesBrowse, GitRepositoriesCarryBranchAndRemote) {
    Sandbox s;
    s.gitRepo("d/committed", true, "https://example.com/repo.git");
    s.gitRepo("d/fresh");
    s.gitRepo("d/detached", true);
    parawork::git::GitCommand detach;
    detach.args = {"checkout", "-q", "--detach"};
    detach.cwd = s / "d/detached";
    parawork::git::runGitChecked(detach, "detach");
    s.write("d/gitfile/.git", "gitdir: ../committed/.git\n");
    auto entries = browseDirectory(s / "d", s.str("d"), s.roots());
    const auto& committed = find(entries, "committed");
    EXPECT_TRUE(committed.isGitRepository);
    ASSERT_TRUE(committed.gitInfo.has_value());
    EXPECT_EQ(committed.gitInfo->branch, "main");
    EXPECT_EQ(committed.gitInfo->remote, "https://example.com/repo.git");
    const auto& fresh = find(entries, "fresh");
    EXPECT_TRUE(fresh.isGitRepository);
    ASSERT_TRUE(fresh.gitInfo.has_value());
    EXPECT_EQ(fresh.gitInfo->branch, std::nullopt);  // no commit: rev-parse fails
    EXPECT_EQ(fresh.gitInfo->remote, std::nullopt);
    EXPECT_EQ(find(entries, "detached").gitInfo->branch, "HEAD");
    EXPECT_TRUE(find(entries, "gitfile").isGitRepository);  // `.git` may be a file
}

TEST(FilesBrowse, AGitDirOutsideTheRootsIsNotRead) {
    Sandbox s;
    s.gitRepo("outside/secret", true, "https://example.com/secret.git");
    s.mkdir("root/d/linked");
    s.symlink(s / "outside/secret/.git", "root/d/linked/.git");
    s.write("root/d/gitlink/.git", "gitdir: " + s.str("outside/secret/.git") + "\n");
    Roots roots = makeRoots({s.str("root")}, "");
    auto entries = browseDirectory(s / "root/d", s.str("root/d"), roots);
    for (const auto* name : {"linked", "gitlink"}) {
        SCOPED_TRACE(name);
        const auto& e = find(entries, name);
        EXPECT_TRUE(e.isGitRepository);
        ASSERT_TRUE(e.gitInfo.has_value());
        EXPECT_EQ(e.gitInfo->branch, std::nullopt);
        EXPECT_EQ(e.gitInfo->remote, std::nullopt);
    }
}

TEST(FilesBrowse, ADirectoryOutsideTheRootsIsRefusedEvenWhenOpenedDirectly) {
    Sandbox s;
    s.mkdir("root");
    s.mkdir("other/sub");
    Roots roots = makeRoots({s.str("root")}, "");
    try {
        browseDirectory(s / "other", s.str("other"), roots);
        FAIL() << "listed a directory outside the roots";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EACCES);
    }
    EXPECT_THROW(listDirectory(s / "missing", s.str("missing"), s.roots()), std::system_error);
}

TEST(FilesList, DirectoriesFirstThenFilesEachSortedCaseInsensitively) {
    Sandbox s;
    s.write("d/b.txt", "12345");
    s.write("d/A.md", "1");
    s.write("d/.env", "SECRET=1");
    s.mkdir("d/src");
    s.mkdir("d/Docs");
    for (const auto* excluded : {".git", "node_modules", "__pycache__", ".venv", ".cache"})
        s.mkdir(std::string("d/") + excluded);
    s.write("d/.DS_Store");
    auto entries = listDirectory(s / "d", s.str("d"), s.roots());
    EXPECT_EQ(names(entries), (std::vector<std::string>{"Docs", "src", ".env", "A.md", "b.txt"}));
    EXPECT_TRUE(find(entries, "Docs").isDirectory);
    EXPECT_FALSE(find(entries, "Docs").size.has_value());
    EXPECT_FALSE(find(entries, "b.txt").isDirectory);
    EXPECT_EQ(find(entries, "b.txt").size, 5u);
    EXPECT_EQ(find(entries, "b.txt").path, s.str("d/b.txt"));
    EXPECT_GT(find(entries, "b.txt").lastModified, 1.5e12);
}

TEST(FilesList, SymlinksAreNotDirectoriesAndBrokenOnesAreSkipped) {
    Sandbox s;
    s.write("root/d/target.txt", "123");
    s.mkdir("root/d/realdir");
    s.write("outside/big.bin", std::string(1000, 'x'));
    s.symlink(s / "root/d/realdir", "root/d/dir-link");
    s.symlink(s / "root/d/target.txt", "root/d/file-link");
    s.symlink(s / "root/d/nowhere", "root/d/broken");
    s.symlink(s / "outside/big.bin", "root/d/escape");
    Roots roots = makeRoots({s.str("root")}, "");
    auto entries = listDirectory(s / "root/d", s.str("root/d"), roots);
    EXPECT_EQ(names(entries), (std::vector<std::string>{"realdir", "dir-link", "escape",
                                                        "file-link", "target.txt"}));
    EXPECT_FALSE(find(entries, "dir-link").isDirectory);
    EXPECT_FALSE(find(entries, "dir-link").size.has_value());
    EXPECT_EQ(find(entries, "file-link").size, 3u);  // followed: the target's size
    // A link out of the roots shows only the link itself.
    EXPECT_FALSE(find(entries, "escape").size.has_value());
}

TEST(FilesList, CapsAtTheLimitDirectoriesFirst) {
    Sandbox s;
    for (int i = 0; i < 10; ++i) s.write("d/file" + std::to_string(i));
    for (int i = 0; i < 3; ++i) s.mkdir("d/zdir" + std::to_string(i));
    auto entries = listDirectory(s / "d", s.str("d"), s.roots(), {.maxEntries = 4});
    EXPECT_EQ(names(entries), (std::vector<std::string>{"zdir0", "zdir1", "zdir2", "file0"}));
}

TEST(FilesBrowse, HomeForTheBrowserFallsBackToTheFirstRoot) {
    Sandbox s;
    s.mkdir("home");
    s.mkdir("root");
    EXPECT_EQ(browseHome(makeRoots({s.str("home")}, ""), s.str("home")), s.str("home"));
    EXPECT_EQ(browseHome(makeRoots({s.str("root"), s.str("home")}, ""), s.str("home")),
              s.str("home"));
    EXPECT_EQ(browseHome(makeRoots({s.str("root")}, ""), s.str("home")), s.str("root"));
    EXPECT_EQ(browseHome(makeRoots({s.str("root")}, ""), ""), s.str("root"));
    EXPECT_EQ(browseHome(Roots{}, s.str("home")), s.str("home"));
}

}  // namespace
}  // namespace parawork::files
