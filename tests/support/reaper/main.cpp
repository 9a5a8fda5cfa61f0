// parawork-test-reaper: started by the harness (support/reaper.hpp) beside each daemon it starts.
// It waits on a pipe whose write end only the test process holds. A byte on it means the test
// ended its daemon and sessions itself; the end of the stream without one means the test process
// died (a crash, an abort, a failed ASSERT in a fixture's constructor): then the reaper kills the
// daemon, ends the session hosts of its home and removes a home the test owned.
//
//   parawork-test-reaper <home> <remove-home: 0|1>
//   fd 0: the pipe's read end; fd 3: a pidfd of the daemon (exact, whatever pids are reused)
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>

#include "support/leftover_hosts.hpp"

namespace {

constexpr int kDaemonPidfd = 3;
constexpr auto kHostPatience = std::chrono::seconds(10);
constexpr int kDaemonExitMs = 5000;

/// True when the harness released us (a byte), false when the test process is gone (EOF).
bool released() {
    char byte = 0;
    for (;;) {
        auto n = ::read(0, &byte, 1);
        if (n >= 0) return n == 1;
        if (errno != EINTR) return false;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    // Whatever else the test process left open (sockets, pipes) is not ours to keep open.
    ::syscall(SYS_close_range, kDaemonPidfd + 1, ~0U, 0);
    // A Ctrl-C in the test's terminal is for the test; we act once it is gone.
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    if (released()) return 0;

    std::filesystem::path home = argv[1];
    ::syscall(SYS_pidfd_send_signal, kDaemonPidfd, SIGKILL, nullptr, 0);
    pollfd exited{kDaemonPidfd, POLLIN, 0};
    ::poll(&exited, 1, kDaemonExitMs);
    parawork::test::endHostsUnderAndWait(home, kHostPatience);
    if (std::strcmp(argv[2], "1") == 0) {
        // A file written while the walk runs (a host's last words) fails it with "not empty":
        // walk again.
        std::error_code ec;
        for (int attempt = 0; attempt < 50; ++attempt) {
            std::filesystem::remove_all(home, ec);
            if (!ec || !std::filesystem::exists(home)) break;
            ::usleep(100 * 1000);
        }
    }
    return 0;
}
