// Where a process's cgroups are (hybrid v1/v2 mounts, v2 only, a cgroup namespace), and, where
// this machine lets us, a session cgroup made with its limits and removed again.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "monitor/cgroups.hpp"
#include "unit_support/read_file.hpp"

namespace parawork::monitor {
namespace {

using test::readFile;

namespace fs = std::filesystem;

constexpr std::string_view kHybridCgroup =
    "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n2:cpuacct:/\n1:cpu:/\n0::/\n";
constexpr std::string_view kHybridMounts =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n";

TEST(MonitorCgroupPlaces, FindsEachV1ControllerAndTheV2DirectoryOnAHybridMachine) {
    auto places = findCgroupPlaces(kHybridCgroup, kHybridMounts);
    EXPECT_EQ(places.v1.at("memory"), fs::path("/sys/fs/cgroup/memory/process_api/abc"));
    EXPECT_EQ(places.v1.at("cpu"), fs::path("/sys/fs/cgroup/cpu"));
    EXPECT_EQ(places.v1.at("cpuacct"), fs::path("/sys/fs/cgroup/cpuacct"));
    EXPECT_EQ(places.v1.at("pids"), fs::path("/sys/fs/cgroup/pids"));
    EXPECT_FALSE(places.v1.contains("name=systemd"));
    ASSERT_TRUE(places.unified.has_value());
    EXPECT_EQ(*places.unified, fs::path("/sys/fs/cgroup/unified"));
}

TEST(MonitorCgroupPlaces, CoMountedControllersShareTheirDirectory) {
    auto places = findCgroupPlaces(
        "3:cpu,cpuacct:/user/1\n",
        "30 23 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n");
    EXPECT_EQ(places.v1.at("cpu"), fs::path("/sys/fs/cgroup/cpu,cpuacct/user/1"));
    EXPECT_EQ(places.v1.at("cpuacct"), fs::path("/sys/fs/cgroup/cpu,cpuacct/user/1"));
    EXPECT_FALSE(places.unified.has_value());
}

TEST(MonitorCgroupPlaces, APureV2MachineWithAMountRootInsideTheHierarchy) {
    // A container's cgroup namespace: the mount shows /ctr of the hierarchy at /sys/fs/cgroup.
    auto places = findCgroupPlaces(
        "0::/ctr/user.slice/app\n",
        "30 23 0:27 /ctr /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
    EXPECT_TRUE(places.v1.empty());
    ASSERT_TRUE(places.unified.has_value());
    EXPECT_EQ(*places.unified, fs::path("/sys/fs/cgroup/user.slice/app"));
}

TEST(MonitorCgroupPlaces, NoCgroupsAtAll) {
    auto places = findCgroupPlaces("", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
    EXPECT_TRUE(places.v1.empty());
    EXPECT_FALSE(places.unified.has_value());
}

TEST(MonitorCgroupPlaces, MechanismNames) {
    EXPECT_EQ(toString(Mechanism::CgroupV2), "cgroup-v2");
    EXPECT_EQ(toString(Mechanism::CgroupV1), "cgroup-v1");
    EXPECT_EQ(toString(Mechanism::Proc), "proc");
}

TEST(MonitorCgroupLayout, DisabledMeansTheProcWalk) {
    auto layout = detectCgroupLayout("parawork-test", false);
    EXPECT_EQ(layout.mechanism, Mechanism::Proc);
    EXPECT_TRUE(layout.v1.empty());
    EXPECT_FALSE(layout.unified.has_value());
}

TEST(MonitorSessionCgroup, IsMadeWithItsLimitsHoldsAChildAndIsRemoved) {
    auto layout = detectCgroupLayout("parawork-test");
    if (layout.mechanism == Mechanism::Proc)
        GTEST_SKIP() << "this machine gives us no cgroup controllers";
    core::ResourceLimits limits;
    limits.memoryBytes = 64u << 20;
    limits.cpuPercent = 50;
    limits.pids = 16;
    auto id = core::newUuid();
    SessionCgroup cgroup(layout, id, limits);
    EXPECT_TRUE(cgroup.enforcesMemory());
    EXPECT_TRUE(cgroup.enforcesCpu());
    EXPECT_TRUE(cgroup.enforcesPids());
    EXPECT_TRUE(SessionCgroup::exists(layout, id));  // what a restarted daemon finds again
    EXPECT_FALSE(SessionCgroup::exists(layout, core::newUuid()));
    auto files = cgroup.procsFiles();
    ASSERT_FALSE(files.empty());
    if (layout.mechanism == Mechanism::CgroupV1) {
        EXPECT_EQ(readFile(layout.v1.at("memory") / id / "memory.limit_in_bytes"),
                  std::to_string(64u << 20) + "\n");
        EXPECT_EQ(readFile(layout.v1.at("cpu") / id / "cpu.cfs_quota_us"), "50000\n");
        EXPECT_EQ(readFile(layout.v1.at("pids") / id / "pids.max"), "16\n");
    }
    // A child joins every directory, as parawork-host's child does before exec.
    pid_t child = ::fork();
    if (child == 0) {
        for (const auto& file : files) {
            std::ofstream out(file);
            out << "0";
        }
        ::pause();
        ::_exit(0);
    }
    bool joined = false;
    for (int i = 0; i < 200 && !joined; ++i) {
        auto members = cgroup.members();
        joined = members.size() == 1 && members.front() == child;
        if (!joined) ::usleep(10000);
    }
    EXPECT_TRUE(joined);
    auto reading = cgroup.read();
    EXPECT_EQ(reading.pids.value_or(0), 1u);
    EXPECT_EQ(reading.oomKills, 0u);
    EXPECT_EQ(reading.pidsRefused, 0u);
    cgroup.killAll();
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
    cgroup.remove();
    for (const auto& file : files) EXPECT_FALSE(fs::exists(file.parent_path())) << file;
    EXPECT_FALSE(SessionCgroup::exists(layout, id));
}

TEST(MonitorSessionCgroup, AnImpossibleLimitIsAnErrorAndLeavesNothingBehind) {
    auto layout = detectCgroupLayout("parawork-test");
    if (layout.mechanism == Mechanism::Proc)
        GTEST_SKIP() << "this machine gives us no cgroup controllers";
    core::ResourceLimits limits;
    limits.cpuPercent = 0.0001;  // below the kernel's 1 ms quota
    auto id = core::newUuid();
    EXPECT_THROW(SessionCgroup(layout, id, limits), core::Error);
    for (const auto& [controller, parent] : layout.v1) EXPECT_FALSE(fs::exists(parent / id));
    if (layout.unified) {
        EXPECT_FALSE(fs::exists(*layout.unified / id));
    }
}

}  // namespace
}  // namespace parawork::monitor
