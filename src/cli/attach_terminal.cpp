#include "cli/attach_terminal.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "core/error.hpp"

namespace parawork::cli {
namespace {

/// The self-pipe's write end and the last termination signal, for the handler (async-signal-safe:
/// it only stores and writes).
volatile sig_atomic_t gSignalPipe = -1;
volatile sig_atomic_t gTerminateSignal = 0;

extern "C" void relaySignal(int signo) {
    int saved = errno;
    if (signo != SIGWINCH && signo != SIGCONT) gTerminateSignal = signo;
    auto byte = static_cast<unsigned char>(signo);
    if (gSignalPipe >= 0) {
        ssize_t ignored = ::write(gSignalPipe, &byte, 1);  // a full pipe wakes the loop anyway
        (void)ignored;
    }
    errno = saved;
}

bool setTerminal(const termios& t) {
    int rc;
    while ((rc = ::tcsetattr(STDIN_FILENO, TCSADRAIN, &t)) != 0 && errno == EINTR) {
    }
    return rc == 0;
}

}  // namespace

SignalRelay::SignalRelay() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) core::throwErrno("pipe2");
    read_.reset(fds[0]);
    write_.reset(fds[1]);
    gTerminateSignal = 0;
    gSignalPipe = write_.get();
    struct sigaction sa {};
    sa.sa_handler = relaySignal;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < kRelayedSignals.size(); ++i)
        ::sigaction(kRelayedSignals[i], &sa, &saved_[i]);
    sa.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &sa, &savedPipe_);
}

SignalRelay::~SignalRelay() {
    for (std::size_t i = 0; i < kRelayedSignals.size(); ++i)
        ::sigaction(kRelayedSignals[i], &saved_[i], nullptr);
    ::sigaction(SIGPIPE, &savedPipe_, nullptr);
    gSignalPipe = -1;
}

std::string SignalRelay::take() {
    std::string got;
    char buf[64];
    ssize_t n;
    while ((n = ::read(read_.get(), buf, sizeof buf)) > 0) got.append(buf, std::size_t(n));
    return got;
}

int SignalRelay::terminateSignal() {
    return gTerminateSignal;
}

RawTerminal::RawTerminal() {
    active_ = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved_) == 0;
    apply();
}

RawTerminal::~RawTerminal() {
    if (active_) setTerminal(saved_);
}

void RawTerminal::apply() {
    if (!active_) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (!setTerminal(raw)) core::throwErrno("cannot put the terminal in raw mode");
}

std::optional<winsize> windowSize() {
    for (int fd : {STDIN_FILENO, STDOUT_FILENO}) {
        winsize ws{};
        if (::isatty(fd) && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
            return ws;
    }
    return std::nullopt;
}

bool writeOut(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(STDOUT_FILENO, bytes.data(), bytes.size());
        if (n >= 0) {
            bytes.remove_prefix(std::size_t(n));
        } else if (errno == EINTR) {
            if (gTerminateSignal) return false;
        } else if (errno == EAGAIN) {
            pollfd out{STDOUT_FILENO, POLLOUT, 0};
            ::poll(&out, 1, -1);
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace parawork::cli
