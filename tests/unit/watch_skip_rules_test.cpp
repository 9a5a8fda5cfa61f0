#include <gtest/gtest.h>

#include "watch/change_recorder.hpp"
#include "watch/skip_rules.hpp"

namespace parawork::watch {
namespace {

TEST(SkipRules, VendoredAndBuildDirectoriesByName) {
    for (auto name : {".git", "node_modules", ".venv", "venv", "__pycache__", "target", "dist",
                      "build", ".next", ".cache", "vendor"})
        EXPECT_TRUE(isSkippedDirectoryName(name)) << name;
    for (auto name : {"src", "Build", "node_modules2", ".github", "lib"})
        EXPECT_FALSE(isSkippedDirectoryName(name)) << name;
}

TEST(SkipRules, IsWithinComparesWholeComponents) {
    EXPECT_TRUE(isWithin("/home/u/.local/share/parawork", "/home/u/.local/share/parawork"));
    EXPECT_TRUE(isWithin("/home/u/.local/share/parawork/x/y", "/home/u/.local/share/parawork"));
    EXPECT_TRUE(isWithin("/home/u/data/x", "/home/u/data/"));
    EXPECT_FALSE(isWithin("/home/u/.local/share/parawork2", "/home/u/.local/share/parawork"));
    EXPECT_FALSE(isWithin("/home/u", "/home/u/data"));
}

TEST(ChangeRecorder, RecognisesBinaryDiffs) {
    EXPECT_TRUE(
        isBinaryDiff("diff --git a/x b/x\nindex 1..2 100644\n"
                     "Binary files a/x and b/x differ\n"));
    EXPECT_FALSE(
        isBinaryDiff("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n"
                     "-Binary files are fun\n+Binary files a/x and b/x differ\n"));
    EXPECT_FALSE(isBinaryDiff(""));
}

TEST(ChangeRecorder, FileChangedEventHasTheProtocolShape) {
    core::FileChange c;
    c.sessionId = "s1";
    c.filePath = "src/a.txt";
    c.changeType = core::ChangeType::Deleted;
    c.timestamp = 1234;
    EXPECT_EQ(fileChangedEvent(c, "w1"),
              R"({"type":"file_changed","data":{"sessionId":"s1","workspaceId":"w1",)"
              R"("filePath":"src/a.txt","changeType":"deleted","timestamp":1234}})");
}

}  // namespace
}  // namespace parawork::watch
