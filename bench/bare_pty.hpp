// The anchor of W2 and W3: a command in a bare PTY, read by this process directly — what a
// terminal gives with nothing in between (no host, no log, no daemon, no WebSocket). The
// terminal is set up like parawork-host's (the kernel's cooked defaults plus IUTF8 and
// OPOST|ONLCR), so both see the same bytes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::bench {

class BarePty {
  public:
    using Clock = std::chrono::steady_clock;

    /// forkpty()s argv (looked up in PATH) with a cols×rows window.
    explicit BarePty(const std::vector<std::string>& argv, int cols = 120, int rows = 30);
    /// Kills the child if it still runs (by its pid) and reaps it.
    ~BarePty();
    BarePty(const BarePty&) = delete;
    BarePty& operator=(const BarePty&) = delete;

    pid_t pid() const { return pid_; }
    /// Reads the master until EIO (the child and everything holding the terminal are gone);
    /// returns the bytes read and sets `lastByte` to when the last of them arrived.
    std::uint64_t drain(Clock::time_point& lastByte);
    void write(std::string_view bytes);
    /// Reads until `count` bytes arrived in total (returns them) or `timeout` passed (throws).
    std::string read(std::size_t count, std::chrono::milliseconds timeout);

  private:
    int master_ = -1;
    pid_t pid_ = -1;
};

}  // namespace parawork::bench
