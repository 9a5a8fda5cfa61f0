// W4: memory — the daemon's RSS when idle (fresh, answering), then 100 idle sessions
// (`sleep 1000`, one workspace each). Per session: (PSS of every parawork-host and its `sleep`)
// / 100, from /proc/PID/smaps_rollup; PSS splits shared pages among their users, so 100 hosts
// sharing one binary are counted once in total. Anchor, alternating: a tmux server with 100
// windows running `sleep 1000` (PSS of the server and its sleeps / 100). Each repetition uses a
// fresh daemon and a fresh tmux server.
#include <stdexcept>
#include <thread>

#include "bench_support.hpp"
#include "workload.hpp"

namespace parawork::bench {
namespace {

constexpr int kSessions = 100;

struct Figures {
    double daemonIdleMiB = 0;  ///< RSS
    double daemonBusyMiB = 0;  ///< RSS with the sessions
    double pssPerSessionKiB = 0;
    double rssPerSessionKiB = 0;
};

Memory totalMemory(const std::vector<pid_t>& pids) {
    Memory total;
    for (pid_t pid : pids) total += memoryOf(pid);
    return total;
}

Figures ours() {
    test::DaemonProcess daemon;
    SessionFleet fleet(daemon);
    fleet.api().call("GET", "/api/health");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // idle: start-up is over
    Figures f;
    f.daemonIdleMiB = static_cast<double>(memoryOf(daemon.pid()).rssKiB) / 1024;
    for (int i = 0; i < kSessions; ++i) {
        checkInterrupted();
        fleet.start(fleet.createWorkspace(), {"sleep", "1000"});
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));  // hosts done with their start-up
    std::vector<pid_t> hosts;
    for (const auto& id : fleet.ids()) {
        hosts.push_back(fleet.hostPid(id));
        if (hosts.back() <= 0) throw std::runtime_error("no host pid for session " + id);
    }
    auto tree = processTree(hosts);
    if (tree.size() != 2 * hosts.size())
        throw std::runtime_error(std::to_string(tree.size()) + " processes in " +
                                 std::to_string(hosts.size()) + " sessions, expected 2 each");
    auto sessions = totalMemory(tree);
    f.daemonBusyMiB = static_cast<double>(memoryOf(daemon.pid()).rssKiB) / 1024;
    f.pssPerSessionKiB = static_cast<double>(sessions.pssKiB) / kSessions;
    f.rssPerSessionKiB = static_cast<double>(sessions.rssKiB) / kSessions;
    fleet.stopAll();
    return f;
}

Figures tmux() {
    auto tmuxRun = [](const std::vector<std::string>& args) { return runProgram(tmuxArgv(args)); };
    tmuxRun({"kill-server"});
    // Commands given as separate words are exec'd directly, without a shell, like our sessions.
    std::vector<std::string> args = {"new-session", "-d", "-s", "w4", "sleep", "1000"};
    for (int i = 1; i < kSessions; ++i)
        args.insert(args.end(), {";", "new-window", "-t", "w4", "sleep", "1000"});
    if (tmuxRun(args).exitCode != 0) throw std::runtime_error("cannot start tmux");
    Finally cleanup{[&] { tmuxRun({"kill-server"}); }};
    auto pid = tmuxRun({"display-message", "-p", "-t", "w4", "#{pid}"});
    pid_t server = std::stoi(pid.out);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    auto tree = processTree({server});
    if (static_cast<int>(tree.size()) != kSessions + 1)
        throw std::runtime_error("tmux runs " + std::to_string(tree.size()) + " processes");
    auto m = totalMemory(tree);
    Figures f;
    f.pssPerSessionKiB = static_cast<double>(m.pssKiB) / kSessions;
    f.rssPerSessionKiB = static_cast<double>(m.rssKiB) / kSessions;
    return f;
}

Result run(const RunOptions& options) {
    std::vector<double> idle, busy, pss, rss, tmuxPss, tmuxRss;
    for (int i = 0; i < options.repetitions; ++i) {
        auto o = ours();
        auto t = tmux();
        idle.push_back(o.daemonIdleMiB);
        busy.push_back(o.daemonBusyMiB);
        pss.push_back(o.pssPerSessionKiB);
        rss.push_back(o.rssPerSessionKiB);
        tmuxPss.push_back(t.pssPerSessionKiB);
        tmuxRss.push_back(t.rssPerSessionKiB);
    }
    Result r;
    r.id = "W4";
    r.workload = "memory: PSS per idle session (host + sleep), x100";
    r.unit = "KiB";
    r.ours = median(pss);
    r.anchor = median(tmuxPss);
    r.anchorName = "tmux server + 100 windows of sleep, PSS / 100";
    r.target = "<= 2 MiB PSS; idle <= 20 MiB";
    r.holds = r.ours <= 2048 && median(idle) <= 20;
    char note[320];
    std::snprintf(note, sizeof note,
                  "daemon RSS idle %.1f MiB, with 100 sessions %.1f MiB; RSS per session %.0f KiB "
                  "(tmux %.0f KiB); %d reps, fresh daemon and tmux server each",
                  median(idle), median(busy), median(rss), median(tmuxRss), options.repetitions);
    r.note = note;
    return r;
}

Register registration("W4", run);

}  // namespace
}  // namespace parawork::bench
