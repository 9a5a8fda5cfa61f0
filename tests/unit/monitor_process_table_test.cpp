// /proc/PID/stat parsing, "key value" files, and the process table against real processes.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "monitor/kept_file.hpp"
#include "monitor/process_table.hpp"

namespace parawork::monitor {
namespace {

TEST(MonitorProcessStat, ReadsTheFieldsAfterACommandNameWithSpacesAndParentheses) {
    std::string text =
        "4242 (my (odd) name) S 17 4242 4242 0 -1 4194560 500 0 0 0 120 30 0 0 20 0 3 0 "
        "987654 10485760 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
    auto stat = parseProcessStat(text);
    ASSERT_TRUE(stat.has_value());
    EXPECT_EQ(stat->pid, 4242);
    EXPECT_EQ(stat->ppid, 17);
    EXPECT_EQ(stat->cpuTicks, 150u);
    EXPECT_EQ(stat->threads, 3u);
    EXPECT_EQ(stat->startTime, 987654u);
    EXPECT_EQ(stat->rssPages, 2560u);
}

TEST(MonitorProcessStat, RefusesTruncatedText) {
    EXPECT_FALSE(parseProcessStat("").has_value());
    EXPECT_FALSE(parseProcessStat("12 (sh) S 1 12").has_value());
    EXPECT_FALSE(parseProcessStat("garbage without a name").has_value());
}

TEST(MonitorKeyedValue, ReadsKeyValueAndKeyColonValueLines) {
    EXPECT_EQ(keyedValue("rchar: 10\nread_bytes: 4096\nwrite_bytes: 8192\n", "read_bytes"), 4096u);
    EXPECT_EQ(keyedValue("usage_usec 1500\nuser_usec 1000\n", "usage_usec"), 1500u);
    // A key that is a prefix of another is not confused with it.
    EXPECT_EQ(keyedValue("Pss_Anon:  5 kB\nPss:  12 kB\n", "Pss"), 12u);
    EXPECT_EQ(keyedValue("total_inactive_file 3\ninactive_file 9\n", "inactive_file"), 9u);
    EXPECT_FALSE(keyedValue("other 1\n", "missing").has_value());
}

TEST(MonitorKeptFile, ReadsAgainFromTheStartAndFailsForAnAbsentFile) {
    KeptFile self("/proc/self/stat");
    ASSERT_TRUE(static_cast<bool>(self));
    std::string first, second;
    EXPECT_TRUE(self.read(first));
    EXPECT_TRUE(self.read(second));
    EXPECT_EQ(first.substr(0, first.find(' ')), std::to_string(::getpid()));
    KeptFile absent("/proc/self/no-such-file");
    EXPECT_FALSE(static_cast<bool>(absent));
    EXPECT_FALSE(absent.read(first));
}

/// A shell with two sleeping children: a tree of three.
pid_t startTree() {
    pid_t pid = ::fork();
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", "sleep 30 & sleep 30 & wait", nullptr);
        ::_exit(127);
    }
    return pid;
}

TEST(MonitorProcessTable, FindsAProcessTreeAndForgetsItOnceGone) {
    pid_t root = startTree();
    ProcessTable table;
    std::vector<pid_t> tree;
    // The whole tree, each member with memory of its own: a child the shell has forked but not
    // yet exec'd (or one inside exec) is seen with no resident pages.
    auto settled = [&] {
        if (tree.size() < 3) return false;
        return std::all_of(tree.begin(), tree.end(), [&](pid_t pid) {
            const ProcessStat* stat = table.read(pid);
            return stat != nullptr && stat->rssPages > 0;
        });
    };
    bool ready = false;
    for (int i = 0; i < 200 && !ready; ++i) {
        ::usleep(10000);
        table.beginRound();
        table.scanAll();
        tree = table.treeOf(root);
        ready = settled();
        table.endRound();
    }
    ASSERT_EQ(tree.size(), 3u);
    EXPECT_EQ(tree.front(), root);
    table.beginRound();
    for (pid_t pid : tree) {
        const ProcessStat* stat = table.read(pid);
        ASSERT_NE(stat, nullptr);
        EXPECT_GE(stat->threads, 1u);
        EXPECT_GT(stat->rssPages, 0u);
        EXPECT_TRUE(table.io(pid).has_value());
    }
    table.endRound();
    EXPECT_TRUE(ProcessTable::pssBytes(root).value_or(0) > 0);

    ::kill(-root, SIGKILL);  // not a group leader: kill each
    for (pid_t pid : tree) ::kill(pid, SIGKILL);
    ::waitpid(root, nullptr, 0);
    table.beginRound();
    EXPECT_EQ(table.read(root), nullptr);
    table.endRound();
}

}  // namespace
}  // namespace parawork::monitor
