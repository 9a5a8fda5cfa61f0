// The harness itself (STYLE §26): a test that crashes leaves no daemon or session host running.
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "support/daemon_process.hpp"
#include "support/leftover_hosts.hpp"
#include "support/session_api.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::test {
namespace {

using namespace std::chrono_literals;

/// The crashed test: starts a daemon and a session, writes "<daemon pid> <home> <host pids…>"
/// to `report`, and aborts (no destructor runs).
[[noreturn]] void startThenAbort(const std::filesystem::path& report) {
    DaemonProcess daemon;
    SessionApi api(daemon);
    api.start(api.createWorkspace(report.parent_path().string()), {"sleep", "600"});
    std::vector<pid_t> hosts;
    for (auto until = std::chrono::steady_clock::now() + 20s;
         hosts.empty() && std::chrono::steady_clock::now() < until;
         std::this_thread::sleep_for(20ms))
        hosts = hostsUnder(daemon.home());
    std::ofstream out(report);
    out << daemon.pid() << ' ' << daemon.home().string();
    for (pid_t host : hosts) out << ' ' << host;
    out.close();
    std::abort();
}

TEST(Harness, ACrashedTestLeavesNoDaemonOrSessionHostBehind) {
    TempDir dir("pw-crash");
    auto report = dir.path() / "started";
    EXPECT_EXIT(startThenAbort(report), ::testing::KilledBySignal(SIGABRT), "");

    std::ifstream in(report);
    pid_t daemon = 0;
    std::string home;
    ASSERT_TRUE(in >> daemon >> home) << "the crashed test never started its daemon";
    std::vector<pid_t> hosts;
    for (pid_t host = 0; in >> host;) hosts.push_back(host);
    ASSERT_FALSE(hosts.empty()) << "the crashed test's session never started";

    auto gone = [&] {
        for (pid_t host : hosts)
            if (processAlive(host)) return false;
        return !processAlive(daemon) && !std::filesystem::exists(home);
    };
    auto until = std::chrono::steady_clock::now() + 30s;
    while (!gone() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(processAlive(daemon)) << "the daemon outlived the crashed test";
    for (pid_t host : hosts) EXPECT_FALSE(processAlive(host)) << "host " << host << " survived";
    EXPECT_FALSE(std::filesystem::exists(home)) << "its home stayed behind: " << home;
}

}  // namespace
}  // namespace parawork::test
