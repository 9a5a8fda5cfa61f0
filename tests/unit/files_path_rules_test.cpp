// Path rules (protocol §5) and the allowed roots, on real directories: traversal, "~", relative
// paths, sibling prefixes, symlinks in and out of a root, system directories, missing paths,
// files, unreadable directories.
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "files/path_rules.hpp"
#include "files/path_text.hpp"
#include "files_fixture.hpp"

namespace parawork::files {
namespace {

/// The refusal of a path outside the roots, with its hint.
const std::string kOutside(files::kOutsideRoots);

using testing::Sandbox;

void expectRefused(const PathCheck& c, unsigned status, const std::string& error) {
    EXPECT_FALSE(c.ok());
    EXPECT_EQ(c.status, status) << c.error;
    EXPECT_EQ(c.error, error);
}

TEST(FilesPathRules, AcceptsADirectoryInsideARootAndResolvesIt) {
    Sandbox s;
    s.mkdir("root/sub");
    Roots roots = makeRoots({s.str("root")}, "");
    auto c = checkBrowsePath(s.str("root/sub"), roots, "");
    ASSERT_TRUE(c.ok()) << c.error;
    EXPECT_EQ(c.resolved, s / "root/sub");
    EXPECT_TRUE(checkBrowsePath(s.str("root"), roots, "").ok());  // the root itself
    // Whitespace around, "." segments, doubled and trailing slashes are fine.
    c = checkBrowsePath("  " + s.str() + "//root/./sub/  ", roots, "");
    ASSERT_TRUE(c.ok()) << c.error;
    EXPECT_EQ(c.resolved, s / "root/sub");
    c = checkProjectPath("\t" + s.str("root/sub") + "\n", roots);
    ASSERT_TRUE(c.ok()) << c.error;
    EXPECT_EQ(c.resolved, s / "root/sub");
}

TEST(FilesPathRules, DotDotAnywhereIsTraversal) {
    Sandbox s;
    s.mkdir("root/a..b");
    s.mkdir("root/sub");
    Roots roots = s.roots();
    for (const std::string& p : {s.str("root/sub/.."), s.str("root/../root"), s.str("root/a..b"),
                                 std::string("../etc"), std::string("~/.."), std::string("..")}) {
        SCOPED_TRACE(p);
        expectRefused(checkBrowsePath(p, roots, s.str("root")), 400, "Path traversal not allowed");
        expectRefused(checkProjectPath(p, roots), 400, "Path traversal not allowed");
    }
}

TEST(FilesPathRules, PercentEncodedDotsAreOrdinaryCharacters) {
    // The server decodes the query once; "%2e%2e" that survives is a name, never "..".
    Sandbox s;
    s.mkdir("root/sub");
    Roots roots = s.roots();
    expectRefused(checkBrowsePath(s.str("root/sub/%2e%2e"), roots, ""), 400, "Path does not exist");
    s.mkdir("root/sub/%2e%2e");
    auto c = checkBrowsePath(s.str("root/sub/%2e%2e"), roots, "");
    ASSERT_TRUE(c.ok()) << c.error;
    EXPECT_EQ(c.resolved, s / "root/sub/%2e%2e");  // the odd directory, not the parent
    expectRefused(checkBrowsePath(s.str("root") + std::string("\0/../..", 7), roots, ""), 400,
                  "Path traversal not allowed");
    expectRefused(checkBrowsePath(s.str("root") + std::string("\0x", 2), roots, ""), 400,
                  "Path does not exist");
}

TEST(FilesPathRules, TildeExpandsFromHomeForBrowsingOnly) {
    Sandbox s;
    s.mkdir("home/code");
    Roots roots = s.roots();
    std::string home = s.str("home");
    auto c = checkBrowsePath("~", roots, home);
    ASSERT_TRUE(c.ok()) << c.error;
    EXPECT_EQ(c.resolved, s / "home");
    c = checkBrowsePath(" ~/code ", roots, home);
    ASSERT_TRUE(c.ok()) << c.error;
    EXPECT_EQ(c.resolved, s / "home/code");
    expectRefused(checkBrowsePath("~root", roots, home), 400, "Path must be absolute");
    expectRefused(checkProjectPath("~/code", roots), 400, "Path must be absolute (start with /)");
}

TEST(FilesPathRules, RelativeAndEmptyPaths) {
    Sandbox s;
    Roots roots = s.roots();
    expectRefused(checkBrowsePath("tmp/x", roots, ""), 400, "Path must be absolute");
    expectRefused(checkBrowsePath("", roots, ""), 400, "Path must be absolute");
    expectRefused(checkProjectPath("tmp/x", roots), 400, "Path must be absolute (start with /)");
    expectRefused(checkProjectPath("   ", roots), 400, "Path is required");
    expectRefused(checkProjectPath("", roots), 400, "Path is required");
}

TEST(FilesPathRules, ASiblingWithTheRootAsPrefixIsOutside) {
    Sandbox s;
    s.mkdir("root");
    s.mkdir("root2");
    s.mkdir("rootx/sub");
    Roots roots = makeRoots({s.str("root")}, "");
    expectRefused(checkBrowsePath(s.str("root2"), roots, ""), 403, kOutside);
    expectRefused(checkProjectPath(s.str("rootx/sub"), roots), 403, kOutside);
    EXPECT_FALSE(isWithinRoots(s / "root2", roots));
    EXPECT_FALSE(isWithinRoots(s.path(), roots));
    EXPECT_TRUE(isWithinRoots(s / "root", roots));
    EXPECT_TRUE(isWithinRoots(s / "root/deeper/still", roots));
    EXPECT_FALSE(isWithinRoots(s / "root/../root2", roots));
    EXPECT_FALSE(isWithinRoots("relative/root", roots));
}

TEST(FilesPathRules, SymlinksAreJudgedByWhereTheyLead) {
    Sandbox s;
    s.mkdir("root/inside/deep");
    s.mkdir("outside/secret");
    s.write("root/file.txt");
    s.symlink(s / "outside", "root/escape");
    s.symlink(s / "root/inside/deep", "root/shortcut");
    s.symlink("inside", "root/relative");
    s.symlink("/", "root/slash");
    s.symlink("/etc", "root/etc");
    s.symlink(s / "root/file.txt", "root/file-link");
    s.symlink(s / "nowhere", "root/dangling");
    Roots roots = makeRoots({s.str("root")}, "");
    const std::string outside = kOutside;
    expectRefused(checkBrowsePath(s.str("root/escape"), roots, ""), 403, outside);
    expectRefused(checkBrowsePath(s.str("root/escape/secret"), roots, ""), 403, outside);
    expectRefused(checkProjectPath(s.str("root/escape"), roots), 403, outside);
    expectRefused(checkBrowsePath(s.str("root/slash"), roots, ""), 403, outside);
    expectRefused(checkBrowsePath(s.str("root/etc"), roots, ""), 400,
                  "System directories are not allowed");
    // Nothing about what exists outside leaks through a link: missing there is still 403.
    expectRefused(checkBrowsePath(s.str("root/escape/missing/x"), roots, ""), 403, outside);
    expectRefused(checkBrowsePath(s.str("root/dangling"), roots, ""), 400, "Path does not exist");
    expectRefused(checkBrowsePath(s.str("root/file-link"), roots, ""), 400,
                  "Path must be a directory");

    auto c = checkBrowsePath(s.str("root/shortcut"), roots, "");
    ASSERT_TRUE(c.ok()) << c.error;
    EXPECT_EQ(c.resolved, s / "root/inside/deep");
    c = checkProjectPath(s.str("root/relative/deep"), roots);
    ASSERT_TRUE(c.ok()) << c.error;
    EXPECT_EQ(c.resolved, s / "root/inside/deep");
    // A link from outside into a root is judged by its target.
    s.symlink(s / "root/inside", "outside/into-root");
    c = checkBrowsePath(s.str("outside/into-root"), roots, "");
    ASSERT_TRUE(c.ok()) << c.error;
    EXPECT_EQ(c.resolved, s / "root/inside");
}

TEST(FilesPathRules, SystemDirectoriesAreRefusedBeforeAnythingElse) {
    Sandbox s;
    Roots roots = s.roots();
    const std::string system = "System directories are not allowed";
    for (std::string p :
         {"/etc", "/etc/", "/ETC/passwd", "/usr/lib", "/proc/self", "/sys", "/dev/null",
          "/var/no-such-dir", "/boot", "/bin", "/sbin", "/lib", "/System/Library/x"}) {
        SCOPED_TRACE(p);
        expectRefused(checkBrowsePath(p, roots, ""), 400, system);
        expectRefused(checkProjectPath(p, roots), 400, system);
    }
    // /root and macOS's folders are refused for projects only; browsing them meets the roots.
    for (std::string p : {"/root", "/Library", "/Applications/x", "/System"}) {
        SCOPED_TRACE(p);
        expectRefused(checkProjectPath(p, roots), 400, system);
        EXPECT_NE(checkBrowsePath(p, roots, "").error, system);
    }
    // Component-wise: /etcetera and /libfoo are not /etc and /lib.
    EXPECT_NE(checkBrowsePath("/etcetera", roots, "").error, system);
    EXPECT_NE(checkProjectPath("/libfoo", roots).error, system);
}

TEST(FilesPathRules, ARootInsideASystemDirectoryIsUsable) {
    std::string pattern = "/var/tmp/pw-files-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
        GTEST_SKIP() << "cannot create a directory in /var/tmp";
    auto dir = std::filesystem::canonical(pattern);
    struct Cleanup {
        std::filesystem::path dir;
        ~Cleanup() { std::filesystem::remove_all(dir); }
    } cleanup{dir};
    std::filesystem::create_directories(dir / "sub");
    Roots roots = makeRoots({dir.string()}, "");
    EXPECT_TRUE(checkBrowsePath(dir.string(), roots, "").ok());
    EXPECT_TRUE(checkBrowsePath((dir / "sub").string(), roots, "").ok());
    EXPECT_TRUE(checkProjectPath((dir / "sub").string(), roots).ok());
    // The rest of /var stays refused.
    expectRefused(checkBrowsePath("/var/tmp", roots, ""), 400,
                  "System directories are not allowed");
}

TEST(FilesPathRules, RootHomeIsUsableWhenItIsTheRoot) {
    // This machine's daemon runs as root with HOME=/root (protocol §5.1 bans /root otherwise).
    std::error_code ec;
    if (!std::filesystem::is_directory("/root", ec) || ::access("/root", R_OK) != 0)
        GTEST_SKIP() << "/root is not readable here";
    Roots roots = makeRoots({}, "/root");
    ASSERT_EQ(roots.dirs.size(), 1u);
    EXPECT_TRUE(checkProjectPath("/root", roots).ok());
    EXPECT_TRUE(checkBrowsePath("~", roots, "/root").ok());
    EXPECT_TRUE(checkBrowsePath("/root", roots, "/root").ok());
    Sandbox s;
    expectRefused(checkProjectPath("/root", s.roots()), 400, "System directories are not allowed");
    expectRefused(checkBrowsePath("/root", s.roots(), ""), 403, kOutside);
}

TEST(FilesPathRules, MissingPathsAndFiles) {
    Sandbox s;
    s.write("root/file.txt");
    s.mkdir("other");
    Roots roots = makeRoots({s.str("root")}, "");
    expectRefused(checkBrowsePath(s.str("root/missing"), roots, ""), 400, "Path does not exist");
    expectRefused(checkBrowsePath(s.str("root/missing/deeper/"), roots, ""), 400,
                  "Path does not exist");
    expectRefused(checkProjectPath(s.str("root/missing"), roots), 400, "Path does not exist");
    expectRefused(checkBrowsePath(s.str("root/file.txt"), roots, ""), 400,
                  "Path must be a directory");
    expectRefused(checkProjectPath(s.str("root/file.txt"), roots), 400, "Path must be a directory");
    expectRefused(checkBrowsePath(s.str("root/file.txt/x"), roots, ""), 400, "Path does not exist");
    // Outside the roots, missing or not, the answer is the same.
    expectRefused(checkBrowsePath(s.str("other/missing"), roots, ""), 403, kOutside);
    expectRefused(checkBrowsePath(s.str("other"), roots, ""), 403, kOutside);
}

TEST(FilesPathRules, AVeryLongPathIsJustMissing) {
    Sandbox s;
    std::string deep = s.str();
    for (int i = 0; i < 15000; ++i) deep += "/a";
    expectRefused(checkBrowsePath(deep, s.roots(), ""), 400, "Path does not exist");
    expectRefused(checkBrowsePath("/no-such-top" + deep, s.roots(), ""), 403, kOutside);
}

TEST(FilesPathRules, UnreadableDirectory) {
    Sandbox s;
    s.mkdir("root/locked");
    s.mkdir("root/open");
    ::chmod(s.str().c_str(), 0755);
    ::chmod(s.str("root").c_str(), 0755);
    ::chmod(s.str("root/locked").c_str(), 0);
    Roots roots = s.roots();
    EXPECT_TRUE(testing::asUnprivileged([&] {
        auto locked = checkBrowsePath(s.str("root/locked"), roots, "");
        return !locked.ok() && locked.status == 400 &&
               locked.error == "No read permission for this directory" &&
               checkBrowsePath(s.str("root/open"), roots, "").ok() &&
               // Projects only need the directory to exist.
               checkProjectPath(s.str("root/locked"), roots).ok();
    }));
}

TEST(FilesPathRules, MakeRootsResolvesAndDropsMissingOnes) {
    Sandbox s;
    s.mkdir("a");
    s.mkdir("b");
    s.write("file");
    s.symlink(s / "b", "link-to-b");
    Roots roots = makeRoots(
        {s.str("a"), s.str("missing"), s.str("link-to-b"), s.str("b/"), s.str("file"), "relative"},
        "/ignored");
    ASSERT_EQ(roots.dirs.size(), 2u);
    EXPECT_EQ(roots.dirs[0], s / "a");
    EXPECT_EQ(roots.dirs[1], s / "b");
    roots = makeRoots({}, s.str("a"));
    ASSERT_EQ(roots.dirs.size(), 1u);
    EXPECT_EQ(roots.dirs[0], s / "a");
    EXPECT_TRUE(makeRoots({}, "").dirs.empty());
    // No roots: nothing is allowed.
    expectRefused(checkBrowsePath(s.str("a"), Roots{}, ""), 403, kOutside);
}

TEST(FilesPathRules, ASlashRootAdmitsAllButSystemDirectories) {
    Sandbox s;
    Roots roots = makeRoots({"/"}, "");
    EXPECT_TRUE(checkBrowsePath("/", roots, "").ok());
    EXPECT_TRUE(checkBrowsePath(s.str(), roots, "").ok());
    s.symlink("/proc", "proc-link");
    expectRefused(checkBrowsePath(s.str("proc-link"), roots, ""), 400,
                  "System directories are not allowed");
}

TEST(FilesPathText, NormalizesLikeNode) {
    EXPECT_EQ(normalizeShown("/tmp/x"), "/tmp/x");
    EXPECT_EQ(normalizeShown("/tmp//x/./"), "/tmp/x/");
    EXPECT_EQ(normalizeShown("/tmp/x/."), "/tmp/x");
    EXPECT_EQ(normalizeShown("/"), "/");
    EXPECT_EQ(normalizeShown("//"), "/");
    EXPECT_EQ(parentShown("/tmp/x/"), "/tmp");
    EXPECT_EQ(parentShown("/tmp"), "/");
    EXPECT_EQ(parentShown("/"), std::nullopt);
    EXPECT_EQ(childShown("/tmp/x/", "a"), "/tmp/x/a");
    EXPECT_EQ(childShown("/", "a"), "/a");
    EXPECT_EQ(expandTilde("~", "/h"), "/h");
    EXPECT_EQ(expandTilde("~/a", "/h"), "/h/a");
    EXPECT_EQ(expandTilde("~a", "/h"), "~a");
    EXPECT_EQ(expandTilde("/a/~", "/h"), "/a/~");
    EXPECT_TRUE(nameLess("alpha", "Beta"));
    EXPECT_TRUE(nameLess("Alpha", "alpha"));  // ties broken by the bytes
    EXPECT_FALSE(nameLess("beta", "Alpha"));
}

}  // namespace
}  // namespace parawork::files
