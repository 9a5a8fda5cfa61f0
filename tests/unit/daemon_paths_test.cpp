// Unit tests of path resolution (pure, with a fake environment) and of preparing the
// directories, including the runtime-directory safety checks.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "daemon/paths.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::daemon {
namespace {

using test::TempDir;

namespace fs = std::filesystem;

/// A temporary directory (short, under /tmp) removed with its contents at the end of the test.
GetEnv fakeEnv(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

mode_t modeOf(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

/// The message of the core::Error that preparePaths throws, or "" if it does not.
std::string prepareError(const Paths& paths) {
    try {
        preparePaths(paths);
    } catch (const core::Error& e) {
        return e.what();
    }
    return "";
}

TEST(DaemonPaths, HomeHoldsEverything) {
    Paths p = resolvePaths(fs::path("/h"), fakeEnv({{"HOME", "/home/u"}}));
    EXPECT_EQ(p.configDir, "/h/config");
    EXPECT_EQ(p.dataDir, "/h/data");
    EXPECT_EQ(p.runtimeDir, "/h/run");
    EXPECT_EQ(p.worktreeBase, "/h/workspaces");
    EXPECT_EQ(p.configFile(), "/h/config/config.toml");
    EXPECT_EQ(p.databaseFile(), "/h/data/parawork.db");
    EXPECT_EQ(p.tokenFile(), "/h/data/token");
    EXPECT_EQ(p.lockFile(), "/h/data/daemon.lock");
    EXPECT_EQ(p.logFile(), "/h/data/logs/parawork.log");
    EXPECT_EQ(p.sessionsDir(), "/h/data/sessions");
    EXPECT_EQ(p.socketFile(), "/h/run/parawork.sock");
    EXPECT_EQ(p.daemonInfoFile(), "/h/run/daemon.json");
}

TEST(DaemonPaths, HomeFlagBeatsEnvironment) {
    auto env = fakeEnv({{"PARAWORK_HOME", "/from-env"}, {"HOME", "/home/u"}});
    EXPECT_EQ(resolvePaths(fs::path("/from-flag"), env).dataDir, "/from-flag/data");
    EXPECT_EQ(resolvePaths(std::nullopt, env).dataDir, "/from-env/data");
    EXPECT_EQ(resolvePaths(fs::path(), env).dataDir, "/from-env/data");  // empty = not given
}

TEST(DaemonPaths, RelativeHomeIsMadeAbsolute) {
    Paths p = resolvePaths(fs::path("some/home/"), fakeEnv({}));
    EXPECT_EQ(p.dataDir, fs::current_path() / "some/home/data");
    EXPECT_TRUE(p.runtimeDir.is_absolute());
    EXPECT_EQ(resolvePaths(std::nullopt, fakeEnv({{"PARAWORK_HOME", "/a/b/../c/"}})).dataDir,
              "/a/c/data");
}

TEST(DaemonPaths, XdgDirectories) {
    Paths p = resolvePaths(std::nullopt, fakeEnv({{"HOME", "/home/u"},
                                                  {"XDG_CONFIG_HOME", "/cfg"},
                                                  {"XDG_DATA_HOME", "/share/"},
                                                  {"XDG_RUNTIME_DIR", "/run/user/1000"}}));
    EXPECT_EQ(p.configDir, "/cfg/parawork");
    EXPECT_EQ(p.dataDir, "/share/parawork");
    EXPECT_EQ(p.runtimeDir, "/run/user/1000/parawork");
    EXPECT_EQ(p.worktreeBase, "/home/u/.parawork/workspaces");
}

TEST(DaemonPaths, XdgFallbacks) {
    Paths p = resolvePaths(std::nullopt, fakeEnv({{"HOME", "/home/u"}}));
    EXPECT_EQ(p.configDir, "/home/u/.config/parawork");
    EXPECT_EQ(p.dataDir, "/home/u/.local/share/parawork");
    EXPECT_EQ(p.runtimeDir, "/tmp/parawork-" + std::to_string(::geteuid()));
    EXPECT_EQ(p.worktreeBase, "/home/u/.parawork/workspaces");
}

TEST(DaemonPaths, RelativeXdgValuesAreIgnored) {
    Paths p = resolvePaths(std::nullopt, fakeEnv({{"HOME", "/home/u"},
                                                  {"XDG_CONFIG_HOME", "cfg"},
                                                  {"XDG_DATA_HOME", ""},
                                                  {"XDG_RUNTIME_DIR", "run"}}));
    EXPECT_EQ(p.configDir, "/home/u/.config/parawork");
    EXPECT_EQ(p.dataDir, "/home/u/.local/share/parawork");
    EXPECT_EQ(p.runtimeDir, "/tmp/parawork-" + std::to_string(::geteuid()));
}

TEST(DaemonPaths, MissingHomeIsAClearError) {
    EXPECT_THROW(resolvePaths(std::nullopt, fakeEnv({})), core::Error);
    EXPECT_THROW(resolvePaths(std::nullopt, fakeEnv({{"HOME", "relative"}})), core::Error);
    EXPECT_NO_THROW(resolvePaths(fs::path("/h"), fakeEnv({})));  // a home needs no HOME
}

TEST(DaemonPaths, PrepareCreatesPrivateDirectories) {
    TempDir tmp;
    Paths p = resolvePaths(tmp.path() / "home", fakeEnv({}));
    preparePaths(p);
    for (const fs::path& dir :
         {p.configDir, p.dataDir, p.sessionsDir(), p.logFile().parent_path(), p.runtimeDir}) {
        EXPECT_TRUE(fs::is_directory(dir)) << dir;
        EXPECT_EQ(modeOf(dir), 0700u) << dir;
    }
    EXPECT_NO_THROW(preparePaths(p));  // idempotent
}

TEST(DaemonPaths, PrepareLeavesExistingDirectoriesAlone) {
    TempDir tmp;
    Paths p = resolvePaths(tmp.path(), fakeEnv({}));
    fs::create_directories(p.configDir);
    ::chmod(p.configDir.c_str(), 0755);
    preparePaths(p);
    EXPECT_EQ(modeOf(p.configDir), 0755u);
}

TEST(DaemonPaths, RuntimeDirectoryWithGroupOrOtherAccessIsRefused) {
    TempDir tmp;
    Paths p = resolvePaths(tmp.path(), fakeEnv({}));
    fs::create_directories(p.runtimeDir);
    ::chmod(p.runtimeDir.c_str(), 0755);
    std::string message = prepareError(p);
    EXPECT_NE(message.find(p.runtimeDir.string()), std::string::npos) << message;
    EXPECT_NE(message.find("0755"), std::string::npos) << message;
    EXPECT_NE(message.find("chmod 700"), std::string::npos) << message;
    EXPECT_EQ(modeOf(p.runtimeDir), 0755u);  // never chmod-ed behind the user's back
}

TEST(DaemonPaths, RuntimeDirectoryOfAnotherUserIsRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a directory to another user";
    TempDir tmp;
    Paths p = resolvePaths(tmp.path(), fakeEnv({}));
    fs::create_directories(p.runtimeDir);
    ::chmod(p.runtimeDir.c_str(), 0700);
    ASSERT_EQ(::chown(p.runtimeDir.c_str(), 65534, 65534), 0);
    std::string message = prepareError(p);
    EXPECT_NE(message.find(p.runtimeDir.string()), std::string::npos) << message;
    EXPECT_NE(message.find("owned by uid 65534"), std::string::npos) << message;
}

TEST(DaemonPaths, RuntimeDirectorySymlinkIsRefused) {
    TempDir tmp;
    Paths p = resolvePaths(tmp.path(), fakeEnv({}));
    fs::create_directories(tmp.path() / "elsewhere");
    ::chmod((tmp.path() / "elsewhere").c_str(), 0700);
    fs::create_directory_symlink(tmp.path() / "elsewhere", p.runtimeDir);
    std::string message = prepareError(p);
    EXPECT_NE(message.find("not a directory"), std::string::npos) << message;
}

TEST(DaemonPaths, HomeUnderARegularFileIsAClearError) {
    TempDir tmp;
    std::ofstream(tmp.path() / "file") << "x";
    Paths p = resolvePaths(tmp.path() / "file" / "home", fakeEnv({}));
    std::string message = prepareError(p);
    EXPECT_NE(message.find((tmp.path() / "file").string()), std::string::npos) << message;
    EXPECT_NE(message.find("not a directory"), std::string::npos) << message;
}

TEST(DaemonPaths, TooLongSocketPathIsRefusedBeforeCreatingAnything) {
    TempDir tmp;
    fs::path home = tmp.path() / std::string(100, 'h');
    Paths p = resolvePaths(home, fakeEnv({}));
    std::string message = prepareError(p);
    EXPECT_NE(message.find(p.socketFile().string()), std::string::npos) << message;
    EXPECT_NE(message.find("at most 107"), std::string::npos) << message;
    EXPECT_FALSE(fs::exists(home));
}

TEST(DaemonPaths, ProcessEnvReadsTheEnvironment) {
    ::setenv("PARAWORK_PATHS_TEST_VAR", "value", 1);
    EXPECT_EQ(processEnv()("PARAWORK_PATHS_TEST_VAR"), "value");
    ::unsetenv("PARAWORK_PATHS_TEST_VAR");
    EXPECT_EQ(processEnv()("PARAWORK_PATHS_TEST_VAR"), std::nullopt);
}

}  // namespace
}  // namespace parawork::daemon
