#include "support/leftover_hosts.hpp"

#include <signal.h>

#include <string>
#include <thread>

#include "unit_support/read_file.hpp"

namespace parawork::test {

std::vector<pid_t> hostsUnder(const std::filesystem::path& home) {
    // The arguments in /proc/<pid>/cmdline end with a NUL each. A host started in advance
    // (--standby) names the directory its session is in.
    std::string sessions = (home / "data" / "sessions").string();
    std::string marker = std::string("--dir") + '\0' + sessions + "/";
    std::string standby = std::string("--within") + '\0' + sessions + '\0';
    std::vector<pid_t> hosts;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string cmdline = readFile(entry.path() / "cmdline");  // "" when gone meanwhile
        if (cmdline.find(marker) != std::string::npos || cmdline.find(standby) != std::string::npos)
            hosts.push_back(std::stoi(name));
    }
    return hosts;
}

void endHostsUnder(const std::filesystem::path& home) {
    for (pid_t pid : hostsUnder(home)) {
        ::kill(pid, SIGTERM);
        ::kill(pid, SIGTERM);
    }
}

bool endHostsUnderAndWait(const std::filesystem::path& home, std::chrono::milliseconds patience) {
    auto until = std::chrono::steady_clock::now() + patience;
    for (int round = 0; std::chrono::steady_clock::now() < until; ++round) {
        // Asked again every 100 ms: signals sent together merge into one, and a host takes a
        // second request as "kill the command" (or, once it has ended, "stop lingering").
        if (round % 5 == 0) endHostsUnder(home);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (hostsUnder(home).empty()) return true;
    }
    for (pid_t pid : hostsUnder(home)) ::kill(pid, SIGKILL);
    return hostsUnder(home).empty();
}

}  // namespace parawork::test
