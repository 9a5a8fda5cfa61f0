// Unit tests of the instance lock: one holder per home, a clear message naming the holder,
// release on destruction and on move.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "daemon/instance_lock.hpp"
#include "unit_support/read_file.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::daemon {
namespace {

using test::readFile;
using test::TempDir;

namespace fs = std::filesystem;

/// Runs `body` in a forked child and returns its exit status (0 = the child's checks held).
/// The child leaves with _exit, so it runs no destructors of the parent's objects.
template <class F>
int inChild(F body) {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(body());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(DaemonLock, AcquireWritesOurPid) {
    TempDir dir;
    fs::path file = dir.path() / "daemon.lock";
    InstanceLock lock = InstanceLock::acquire(file);
    EXPECT_EQ(readFile(file), std::to_string(::getpid()) + "\n");
    EXPECT_EQ(InstanceLock::holderPid(file), ::getpid());
    EXPECT_EQ(lock.path(), file);
}

TEST(DaemonLock, SecondAcquireInAnotherProcessFailsWithTheHolderPid) {
    TempDir dir;
    fs::path file = dir.path() / "daemon.lock";
    InstanceLock lock = InstanceLock::acquire(file);
    const pid_t parent = ::getpid();
    const std::string expected = "another parawork daemon is already running for this home (pid " +
                                 std::to_string(parent) + ", lock " + file.string() + ")";
    int status = inChild([&] {
        try {
            InstanceLock second = InstanceLock::acquire(file);
            return 1;  // got a lock that is held
        } catch (const AlreadyRunning& e) {
            if (std::string(e.what()) != expected) return 2;
            if (e.pid() != parent) return 3;
            return InstanceLock::holderPid(file) == parent ? 0 : 4;
        } catch (...) {
            return 5;
        }
    });
    EXPECT_EQ(status, 0);
    EXPECT_EQ(readFile(file), std::to_string(parent) + "\n");  // the child did not clobber it
}

TEST(DaemonLock, ReleasedOnDestruction) {
    TempDir dir;
    fs::path file = dir.path() / "daemon.lock";
    { InstanceLock lock = InstanceLock::acquire(file); }
    EXPECT_EQ(InstanceLock::holderPid(file), std::nullopt);
    EXPECT_EQ(readFile(file), "");  // no stale pid left behind
    EXPECT_TRUE(fs::exists(file));  // but the file stays (see release())
    int status = inChild([&] {
        try {
            InstanceLock lock = InstanceLock::acquire(file);
            return 0;
        } catch (...) {
            return 1;
        }
    });
    EXPECT_EQ(status, 0);
}

TEST(DaemonLock, ReleasedWhenTheHolderDies) {
    TempDir dir;
    fs::path file = dir.path() / "daemon.lock";
    int status = inChild([&] {
        InstanceLock lock = InstanceLock::acquire(file);
        ::_exit(0);  // dies holding it: no destructor runs
        return 1;
    });
    ASSERT_EQ(status, 0);
    EXPECT_EQ(InstanceLock::holderPid(file), std::nullopt);
    EXPECT_NO_THROW(InstanceLock::acquire(file));
}

TEST(DaemonLock, MoveTransfersOwnership) {
    TempDir dir;
    fs::path file = dir.path() / "daemon.lock";
    InstanceLock first = InstanceLock::acquire(file);
    InstanceLock second = std::move(first);
    EXPECT_EQ(InstanceLock::holderPid(file), ::getpid());
    InstanceLock other = InstanceLock::acquire(dir.path() / "other.lock");
    other = std::move(second);  // releases other.lock, keeps daemon.lock
    EXPECT_EQ(InstanceLock::holderPid(dir.path() / "other.lock"), std::nullopt);
    EXPECT_EQ(InstanceLock::holderPid(file), ::getpid());
}

TEST(DaemonLock, NoFileMeansNoHolder) {
    TempDir dir;
    EXPECT_EQ(InstanceLock::holderPid(dir.path() / "absent.lock"), std::nullopt);
    EXPECT_THROW(InstanceLock::acquire(dir.path() / "no" / "such" / "dir.lock"), core::Error);
}

}  // namespace
}  // namespace parawork::daemon
