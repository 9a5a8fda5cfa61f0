// Unit tests of the names that reach git: branch names and base refs (DESIGN §7), and slugs.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "git/ref_names.hpp"

namespace parawork::git {
namespace {

TEST(Slugify, MakesBranchAndDirectorySafeNames) {
    EXPECT_EQ(slugify("My Feature!"), "my-feature");
    EXPECT_EQ(slugify("fix: the bug #12"), "fix-the-bug-12");
    EXPECT_EQ(slugify("  --Leading and trailing--  "), "leading-and-trailing");
    EXPECT_EQ(slugify("a...b___c"), "a-b-c");
    EXPECT_EQ(slugify("../../etc/passwd"), "etc-passwd");
    EXPECT_EQ(slugify("--upload-pack=touch /tmp/pwned"), "upload-pack-touch-tmp-pwned");
    EXPECT_EQ(slugify("$(rm -rf ~)"), "rm-rf");
    EXPECT_EQ(slugify("line\nbreak"), "line-break");
    EXPECT_EQ(slugify("Café Ünïcode"), "caf-n-code");
    EXPECT_EQ(slugify("ALLCAPS123"), "allcaps123");
}

TEST(Slugify, NeverEmpty) {
    EXPECT_EQ(slugify(""), "workspace");
    EXPECT_EQ(slugify("!!!"), "workspace");
    EXPECT_EQ(slugify("日本語"), "workspace");
}

TEST(Slugify, BoundedWithoutATrailingDash) {
    std::string slug = slugify(std::string(200, 'x'));
    EXPECT_EQ(slug.size(), kMaxSlugLength);
    // A separator falling at the cut is dropped rather than kept as a trailing dash.
    slug = slugify(std::string(63, 'a') + " bcd");
    EXPECT_EQ(slug, std::string(63, 'a'));
    slug = slugify(std::string(62, 'a') + " bcd");
    EXPECT_EQ(slug, std::string(62, 'a') + "-b");
}

TEST(BranchNames, AcceptsOrdinaryNames) {
    for (const char* name : {"main", "parawork/my-feature", "feature/JIRA-12_x", "v1.2.3", "a/b/c"})
        EXPECT_EQ(branchNameProblem(name), std::nullopt) << name;
    EXPECT_NO_THROW(validateBranchName("parawork/my-feature"));
}

TEST(BranchNames, RefusesWhatGitRefusesAndMore) {
    const char* bad[] = {"",
                         "-x",
                         "--upload-pack=touch /tmp/pwned",
                         "a..b",
                         "../x",
                         "has space",
                         "tab\there",
                         "new\nline",
                         "bell\x07",
                         "del\x7f",
                         "a@{1}",
                         "x.lock",
                         "a/b.lock",
                         "a~1",
                         "a^",
                         "a:b",
                         "a?",
                         "a*",
                         "a[b",
                         "a\\b",
                         "/lead",
                         "trail/",
                         "a//b",
                         "trail.",
                         ".hidden",
                         "a/.b",
                         "@",
                         "HEAD",
                         "$(touch /tmp/pwned)"};
    for (const char* name : bad) {
        EXPECT_NE(branchNameProblem(name), std::nullopt) << '"' << name << '"';
        EXPECT_THROW(validateBranchName(name), core::Error) << name;
    }
    EXPECT_NE(branchNameProblem(std::string(kMaxRefNameLength + 1, 'a')), std::nullopt);
    EXPECT_EQ(branchNameProblem(std::string(kMaxRefNameLength, 'a')), std::nullopt);
}

TEST(BranchNames, ErrorMessagesShowTheNameSafely) {
    try {
        validateBranchName("evil\nname");
        FAIL();
    } catch (const core::Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "invalid branch name \"evil\\x0aname\": it contains a control character");
    }
}

TEST(BaseRefs, AcceptsBranchesRemoteBranchesTagsAndIds) {
    for (const char* ref : {"main", "origin/main", "HEAD", "v1.0", "refs/remotes/origin/main",
                            "0123abcd", "0123456789abcdef0123456789abcdef01234567"})
        EXPECT_EQ(baseRefProblem(ref), std::nullopt) << ref;
}

TEST(BaseRefs, RefusesOptionsExpressionsAndControlCharacters) {
    for (const char* ref : {"", "-b", "--output=/tmp/x", "main~1", "main^", "@{u}", "a..b",
                            "main:path", "bad ref", "x\n", "main.lock"}) {
        EXPECT_NE(baseRefProblem(ref), std::nullopt) << '"' << ref << '"';
        EXPECT_THROW(validateBaseRef(ref), core::Error) << ref;
    }
}

}  // namespace
}  // namespace parawork::git
