// The calling terminal while `attach` runs: the signals it relays through a self-pipe, raw mode,
// the window size and a write that a termination signal can interrupt. RAII throughout, so that
// every way out of an attach restores the terminal and the signal dispositions.
#pragma once

#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/unique_fd.hpp"

namespace parawork::cli {

inline constexpr std::array kRelayedSignals{SIGTERM, SIGINT, SIGHUP, SIGWINCH, SIGCONT};

/// Turns the signals attach cares about into bytes on a pipe that poll() watches (the self-pipe
/// trick), and ignores SIGPIPE; the previous dispositions come back on destruction. No
/// SA_RESTART: a write blocked on a stalled terminal returns EINTR, so a SIGTERM is never stuck.
class SignalRelay {
  public:
    SignalRelay();
    ~SignalRelay();
    SignalRelay(const SignalRelay&) = delete;
    SignalRelay& operator=(const SignalRelay&) = delete;

    int fd() const { return read_.get(); }
    /// The signals that arrived since the last call, in order.
    std::string take();
    /// The last termination signal (SIGTERM, SIGINT, SIGHUP) that arrived, or 0.
    static int terminateSignal();

  private:
    core::UniqueFd read_, write_;
    std::array<struct sigaction, kRelayedSignals.size()> saved_{};
    struct sigaction savedPipe_ {};
};

/// The controlling terminal in raw mode while this lives (nothing when stdin is not a terminal):
/// every key, Ctrl-C and Ctrl-Z included, goes to the session.
class RawTerminal {
  public:
    RawTerminal();
    ~RawTerminal();
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

    bool active() const { return active_; }
    /// (Again) raw mode: after SIGCONT the shell may have put its own settings back.
    void apply();

  private:
    bool active_ = false;
    termios saved_{};
};

/// The window size of whichever of stdin and stdout is a terminal.
std::optional<winsize> windowSize();

/// Writes all of `bytes` to stdout; false when the terminal is gone or a termination signal
/// interrupted a blocked write.
bool writeOut(std::string_view bytes);

}  // namespace parawork::cli
