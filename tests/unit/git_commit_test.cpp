// Unit tests of commitAll in real repositories: everything staged but ignored files, hostile
// messages, refusals (empty, nothing to commit, no identity) and the user's hooks.
#include <gtest/gtest.h>

#include "git/commit.hpp"
#include "git_fixture.hpp"

namespace parawork::git {
namespace {

using namespace testing;

class CommitTest : public ::testing::Test {
  protected:
    CommitTest() : repo_(makeRepo(sandbox_ / "r")) {
        writeFile(repo_ / ".gitignore", "*.log\n");
        testing::commitAll(repo_, "base");
    }
    CommitRefused::Reason refusal(std::string_view message) {
        try {
            parawork::git::commitAll(repo_, message);
        } catch (const CommitRefused& e) {
            return e.reason;
        }
        ADD_FAILURE() << "not refused";
        return {};
    }
    Sandbox sandbox_;
    fs::path repo_;
};

TEST_F(CommitTest, CommitsEverythingButIgnoredFiles) {
    writeFile(repo_ / "README.md", "changed\n");
    writeFile(repo_ / "new/file.txt", "new\n");
    writeFile(repo_ / "debug.log", "ignored\n");
    CommitResult result = parawork::git::commitAll(repo_, "Add things");
    EXPECT_EQ(result.files, 2u);
    EXPECT_EQ(result.commit + "\n", git(repo_, {"rev-parse", "HEAD"}));
    EXPECT_EQ(git(repo_, {"log", "-1", "--format=%an <%ae>|%s"}),
              "Parawork Test <test@parawork.invalid>|Add things\n");
    EXPECT_EQ(git(repo_, {"status", "--porcelain"}), "");
    EXPECT_EQ(git(repo_, {"ls-tree", "-r", "--name-only", "HEAD"}).find("debug.log"),
              std::string::npos);
}

TEST_F(CommitTest, HostileMessagesAreCommittedAsTheyAre) {
    for (std::string message : {"-m evil", "--amend", "#1 fix\n\n$(rm -rf /) `x` 'q' \"d\""}) {
        writeFile(repo_ / "f.txt", message);
        parawork::git::commitAll(repo_, message);
        EXPECT_EQ(git(repo_, {"log", "-1", "--format=%B"}), message + "\n\n") << message;
    }
    EXPECT_EQ(git(repo_, {"rev-list", "--count", "HEAD"}), "5\n");  // none amended
}

TEST_F(CommitTest, RefusesBadMessagesBeforeStaging) {
    writeFile(repo_ / "f.txt", "x\n");
    EXPECT_EQ(refusal(""), CommitRefused::Reason::InvalidMessage);
    EXPECT_EQ(refusal(" \n\t "), CommitRefused::Reason::InvalidMessage);
    EXPECT_EQ(refusal(std::string("a\0b", 3)), CommitRefused::Reason::InvalidMessage);
    EXPECT_EQ(refusal(std::string(kMaxCommitMessageBytes + 1, 'x')),
              CommitRefused::Reason::InvalidMessage);
    EXPECT_EQ(git(repo_, {"status", "--porcelain"}), "?? f.txt\n");  // nothing staged
    EXPECT_NO_THROW(parawork::git::commitAll(repo_, std::string(kMaxCommitMessageBytes, 'x')));
}

TEST_F(CommitTest, RefusesAnEmptyCommit) {
    writeFile(repo_ / "only.log", "ignored\n");
    try {
        parawork::git::commitAll(repo_, "nothing");
        FAIL();
    } catch (const CommitRefused& e) {
        EXPECT_EQ(e.reason, CommitRefused::Reason::NothingToCommit);
        EXPECT_NE(std::string(e.what()).find("Nothing to commit"), std::string::npos);
    }
}

TEST_F(CommitTest, MissingIdentitySaysWhatToSet) {
    git(repo_, {"config", "--unset", "user.email"});
    writeFile(repo_ / "f.txt", "x\n");
    try {
        parawork::git::commitAll(repo_, "m");
        FAIL();
    } catch (const CommitRefused& e) {
        EXPECT_EQ(e.reason, CommitRefused::Reason::NoIdentity);
        EXPECT_NE(std::string(e.what()).find("git config --global user.email"), std::string::npos);
    }
}

TEST_F(CommitTest, UnbornHeadAndTheUsersHooks) {
    fs::path fresh = sandbox_ / "fresh";
    fs::create_directories(fresh);
    git(fresh, {"init", "-q", "-b", "main"});
    git(fresh, {"config", "user.name", "U"});
    git(fresh, {"config", "user.email", "u@x.invalid"});
    writeFile(fresh / "a.txt", "a\n");
    writeFile(fresh / ".git/hooks/commit-msg", "#!/bin/sh\ngrep -q ok \"$1\" || exit 1\n");
    fs::permissions(fresh / ".git/hooks/commit-msg", fs::perms::owner_all);
    EXPECT_THROW(parawork::git::commitAll(fresh, "rejected"), core::Error);
    CommitResult result = parawork::git::commitAll(fresh, "ok then");
    EXPECT_EQ(result.files, 1u);
    EXPECT_EQ(git(fresh, {"log", "--format=%s"}), "ok then\n");
}

}  // namespace
}  // namespace parawork::git
