// Unit tests of the exit record: wait statuses, the JSON shape, parsing, the atomic file.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "host/exit_record.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::host {
namespace {

namespace fs = std::filesystem;

int waitStatusOf(void (*body)()) {
    pid_t pid = ::fork();
    if (pid == 0) {
        body();
        ::_exit(99);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

TEST(ExitRecord, FromWaitStatus) {
    int exited = waitStatusOf([] { ::_exit(3); });
    auto r = exitRecordFromWaitStatus(exited, false, 10, 20);
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_EQ(r.signal, std::nullopt);
    EXPECT_EQ(r.reason, ExitReason::Exited);

    int killed = waitStatusOf([] { ::raise(SIGTERM); });
    r = exitRecordFromWaitStatus(killed, false, 10, 20);
    EXPECT_EQ(r.exitCode, std::nullopt);
    EXPECT_EQ(r.signal, SIGTERM);
    EXPECT_EQ(r.reason, ExitReason::Signaled);

    int notFound = waitStatusOf([] { ::_exit(kExitNotFound); });
    r = exitRecordFromWaitStatus(notFound, true, 10, 20);
    EXPECT_EQ(r.exitCode, 127);
    EXPECT_EQ(r.reason, ExitReason::ExecFailed);
}

TEST(ExitRecord, JsonShape) {
    ExitRecord r{3, std::nullopt, 1700000000000, 1700000000100, ExitReason::Exited};
    EXPECT_EQ(toJson(r),
              R"({"exitCode":3,"signal":null,"startedAt":1700000000000,"exitedAt":1700000000100,)"
              R"("reason":"exited"})");
    ExitRecord s{std::nullopt, 9, 1, 2, ExitReason::Signaled};
    EXPECT_EQ(toJson(s),
              R"({"exitCode":null,"signal":9,"startedAt":1,"exitedAt":2,"reason":"signaled"})");
}

TEST(ExitRecord, ParseRoundTripsAndToleratesSpacingAndUnknownKeys) {
    for (const ExitRecord& r : {ExitRecord{0, std::nullopt, 5, 6, ExitReason::Exited},
                                ExitRecord{std::nullopt, 15, 5, 6, ExitReason::Signaled},
                                ExitRecord{127, std::nullopt, 5, 6, ExitReason::ExecFailed}})
        EXPECT_EQ(parseExitRecord(toJson(r)), r);
    auto spaced = parseExitRecord(
        " { \"reason\" : \"exited\", \"extra\": \"x\\\"y\", \"exitCode\": -1 ,"
        " \"startedAt\":1, \"exitedAt\":2 }\n");
    ASSERT_TRUE(spaced);
    EXPECT_EQ(spaced->exitCode, -1);
    EXPECT_EQ(spaced->signal, std::nullopt);
}

TEST(ExitRecord, ParseRefusesMalformedInput) {
    for (const char* bad : {"", "{", "[]", R"({"reason":"exited"})",
                            R"({"exitCode":1,"startedAt":1,"exitedAt":2,"reason":"weird"})",
                            R"({"exitCode":1,"startedAt":1,"exitedAt":2,"reason":"exited"} x)",
                            R"({"exitCode":1 "startedAt":1,"exitedAt":2,"reason":"exited"})",
                            R"({"exitCode":true,"startedAt":1,"exitedAt":2,"reason":"exited"})"})
        EXPECT_FALSE(parseExitRecord(bad)) << bad;
}

TEST(ExitRecord, FileIsWrittenAtomicallyAndReadBack) {
    test::TempDir temp("pw-exit");
    const fs::path& dir = temp.path();
    fs::path file = dir / "exit.json";
    EXPECT_EQ(readExitRecordFile(file), std::nullopt);
    ExitRecord r{3, std::nullopt, 1, 2, ExitReason::Exited};
    writeExitRecordFile(file, r);
    EXPECT_EQ(readExitRecordFile(file), r);
    EXPECT_FALSE(fs::exists(dir / "exit.json.tmp"));
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
}

}  // namespace
}  // namespace parawork::host
