// parawork-host --cgroup: the cgroup.procs files its command joins before exec (issue 8).
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "host/host_options.hpp"

namespace parawork::host {
namespace {

std::string errorOf(std::vector<std::string_view> args) {
    try {
        parseHostOptions(args);
    } catch (const core::Error& e) {
        return e.what();
    }
    return "";
}

TEST(HostCgroupOption, RepeatsAndKeepsItsOrder) {
    auto o =
        parseHostOptions({"--dir", "/tmp/s", "--cgroup", "/sys/fs/cgroup/memory/p/1/cgroup.procs",
                          "--cgroup=/sys/fs/cgroup/pids/p/1/cgroup.procs", "--", "true"});
    ASSERT_EQ(o.cgroupProcFiles.size(), 2u);
    EXPECT_EQ(o.cgroupProcFiles[0], "/sys/fs/cgroup/memory/p/1/cgroup.procs");
    EXPECT_EQ(o.cgroupProcFiles[1], "/sys/fs/cgroup/pids/p/1/cgroup.procs");
}

TEST(HostCgroupOption, NoneByDefault) {
    EXPECT_TRUE(parseHostOptions({"--dir", "/tmp/s", "--", "true"}).cgroupProcFiles.empty());
}

TEST(HostCgroupOption, OnlyAnAbsoluteCgroupProcsFile) {
    const std::string expected = "--cgroup needs the absolute path of a cgroup.procs file";
    EXPECT_EQ(errorOf({"--dir", "/tmp/s", "--cgroup", "cgroup.procs", "--", "true"}), expected);
    EXPECT_EQ(
        errorOf({"--dir", "/tmp/s", "--cgroup", "/sys/fs/cgroup/memory/p/1/tasks", "--", "true"}),
        expected);
    EXPECT_EQ(errorOf({"--dir", "/tmp/s", "--cgroup", "--", "true"}), expected);
    EXPECT_EQ(errorOf({"--dir", "/tmp/s", "--cgroup"}), "--cgroup needs a value");
}

}  // namespace
}  // namespace parawork::host
