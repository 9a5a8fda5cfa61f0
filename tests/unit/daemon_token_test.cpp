// Unit tests of the API token file: creation, permissions, validation, rotation.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "daemon/token.hpp"
#include "unit_support/read_file.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::daemon {
namespace {

using test::readFile;
using test::TempDir;

namespace fs = std::filesystem;

mode_t modeOf(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

void writeFile(const fs::path& file, const std::string& text, mode_t mode) {
    std::ofstream(file) << text;
    ::chmod(file.c_str(), mode);
}

std::string loadError(const fs::path& file) {
    try {
        loadOrCreateToken(file);
    } catch (const core::Error& e) {
        return e.what();
    }
    return "";
}

bool isLowerHex(const std::string& s) {
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(DaemonToken, FirstStartCreatesA256BitTokenReadableOnlyByUs) {
    TempDir dir;
    fs::path file = dir.path() / "token";
    std::string token = loadOrCreateToken(file);
    EXPECT_EQ(token.size(), 64u);
    EXPECT_TRUE(isLowerHex(token)) << token;
    EXPECT_EQ(modeOf(file), 0600u);
    EXPECT_EQ(readFile(file), token + "\n");
    EXPECT_EQ(loadOrCreateToken(file), token);  // stable across starts
}

TEST(DaemonToken, AcceptsAnExistingValidToken) {
    TempDir dir;
    fs::path file = dir.path() / "token";
    std::string token(40, 'A');
    writeFile(file, token + "\n", 0600);
    EXPECT_EQ(loadOrCreateToken(file), token);
    writeFile(file, token, 0400);  // read-only and no newline is fine too
    EXPECT_EQ(loadOrCreateToken(file), token);
}

TEST(DaemonToken, RefusesATokenOthersCanRead) {
    TempDir dir;
    fs::path file = dir.path() / "token";
    writeFile(file, std::string(64, 'a'), 0644);
    std::string message = loadError(file);
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("0644"), std::string::npos) << message;
    EXPECT_EQ(modeOf(file), 0644u);  // not silently chmod-ed
}

TEST(DaemonToken, RefusesATokenOfAnotherUser) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file to another user";
    TempDir dir;
    fs::path file = dir.path() / "token";
    writeFile(file, std::string(64, 'a'), 0600);
    ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
    EXPECT_NE(loadError(file).find("owned by uid 65534"), std::string::npos);
}

TEST(DaemonToken, RefusesInvalidContent) {
    TempDir dir;
    fs::path file = dir.path() / "token";
    for (const std::string& bad : {std::string(), std::string(31, 'a'), std::string(40, 'g'),
                                   std::string(32, 'a') + " x", std::string(5000, 'a')}) {
        writeFile(file, bad, 0600);
        std::string message = loadError(file);
        EXPECT_NE(message.find("does not hold a valid token"), std::string::npos)
            << bad.size() << ": " << message;
        EXPECT_EQ(readFile(file), bad);  // never rewritten
    }
}

TEST(DaemonToken, RefusesASymlinkOrDirectory) {
    TempDir dir;
    writeFile(dir.path() / "real", std::string(64, 'a'), 0600);
    fs::create_symlink(dir.path() / "real", dir.path() / "link");
    EXPECT_NE(loadError(dir.path() / "link").find("symlink"), std::string::npos);
    fs::create_directory(dir.path() / "dir");
    EXPECT_NE(loadError(dir.path() / "dir"), "");
}

TEST(DaemonToken, MissingDirectoryIsAClearError) {
    TempDir dir;
    std::string message = loadError(dir.path() / "nope" / "token");
    EXPECT_NE(message.find("cannot create token file"), std::string::npos) << message;
}

TEST(DaemonToken, RotateReplacesTheTokenAtomically) {
    TempDir dir;
    fs::path file = dir.path() / "token";
    std::string old = loadOrCreateToken(file);
    writeFile(dir.path() / "token.tmp", "stale", 0644);  // left over from a crash
    std::string fresh = rotateToken(file);
    EXPECT_NE(fresh, old);
    EXPECT_EQ(fresh.size(), 64u);
    EXPECT_EQ(loadOrCreateToken(file), fresh);
    EXPECT_EQ(modeOf(file), 0600u);
    EXPECT_FALSE(fs::exists(dir.path() / "token.tmp"));
}

}  // namespace
}  // namespace parawork::daemon
