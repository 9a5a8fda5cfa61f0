// attachSession: one poll() loop over the attach WebSocket, stdin and a self-pipe for signals,
// inside RAII guards for the terminal's settings and the signal dispositions, so that every way
// out — the end, the detach keys, a signal, an error, a dead daemon — restores the terminal.
#include "cli/attach.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <iostream>
#include <optional>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cli/context.hpp"
#include "cli/daemon_client.hpp"
#include "host/unique_fd.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;
using host::UniqueFd;

// ---- signals ----------------------------------------------------------------------------------

/// The self-pipe's write end and the last termination signal, for the handler (async-signal-safe:
/// it only stores and writes).
volatile sig_atomic_t gSignalPipe = -1;
volatile sig_atomic_t gTerminateSignal = 0;

constexpr std::array kRelayedSignals{SIGTERM, SIGINT, SIGHUP, SIGWINCH, SIGCONT};

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

/// Turns the signals attach cares about into bytes on a pipe that poll() watches (the self-pipe
/// trick), and ignores SIGPIPE; the previous dispositions come back on destruction. No
/// SA_RESTART: a write blocked on a stalled terminal returns EINTR, so a SIGTERM is never stuck.
class SignalRelay {
  public:
    SignalRelay() {
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
    ~SignalRelay() {
        for (std::size_t i = 0; i < kRelayedSignals.size(); ++i)
            ::sigaction(kRelayedSignals[i], &saved_[i], nullptr);
        ::sigaction(SIGPIPE, &savedPipe_, nullptr);
        gSignalPipe = -1;
    }
    SignalRelay(const SignalRelay&) = delete;
    SignalRelay& operator=(const SignalRelay&) = delete;

    int fd() const { return read_.get(); }
    /// The signals that arrived since the last call, in order.
    std::string take() {
        std::string got;
        char buf[64];
        ssize_t n;
        while ((n = ::read(read_.get(), buf, sizeof buf)) > 0) got.append(buf, std::size_t(n));
        return got;
    }

  private:
    UniqueFd read_, write_;
    std::array<struct sigaction, kRelayedSignals.size()> saved_{};
    struct sigaction savedPipe_ {};
};

// ---- the terminal -----------------------------------------------------------------------------

/// The controlling terminal in raw mode while this lives (nothing when stdin is not a terminal):
/// every key, Ctrl-C and Ctrl-Z included, goes to the session.
class RawTerminal {
  public:
    RawTerminal() {
        active_ = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved_) == 0;
        apply();
    }
    ~RawTerminal() {
        if (active_) set(saved_);
    }
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

    bool active() const { return active_; }
    /// (Again) raw mode: after SIGCONT the shell may have put its own settings back.
    void apply() {
        if (!active_) return;
        termios raw = saved_;
        ::cfmakeraw(&raw);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        if (!set(raw)) core::throwErrno("cannot put the terminal in raw mode");
    }

  private:
    static bool set(const termios& t) {
        int rc;
        while ((rc = ::tcsetattr(STDIN_FILENO, TCSADRAIN, &t)) != 0 && errno == EINTR) {
        }
        return rc == 0;
    }
    bool active_ = false;
    termios saved_{};
};

/// The window size of whichever of stdin and stdout is a terminal.
std::optional<winsize> windowSize() {
    for (int fd : {STDIN_FILENO, STDOUT_FILENO}) {
        winsize ws{};
        if (::isatty(fd) && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
            return ws;
    }
    return std::nullopt;
}

/// Whether the output left the terminal on the alternate screen, so that leaving the session
/// puts the person's own screen back. Follows DECSET/DECRST 1049, 1047 and 47, also when a
/// sequence is split between two messages.
class AltScreenTracker {
  public:
    void feed(std::string_view bytes) {
        std::string edge = tail_;
        edge.append(bytes.substr(0, std::min<std::size_t>(bytes.size(), kLongest)));
        // A sequence found in `bytes` comes after any that straddles the edge.
        if (auto last = lastToggle(bytes))
            on_ = *last;
        else if (auto straddling = lastToggle(edge))
            on_ = *straddling;
        tail_.append(bytes.substr(bytes.size() - std::min(bytes.size(), kLongest)));
        if (tail_.size() > kLongest) tail_.erase(0, tail_.size() - kLongest);
    }
    bool on() const { return on_; }

  private:
    static constexpr std::size_t kLongest = 8;  // "\x1b[?1049h"
    static std::optional<bool> lastToggle(std::string_view s) {
        std::optional<bool> last;
        for (auto at = s.find("\x1b[?"); at != std::string_view::npos;
             at = s.find("\x1b[?", at + 1)) {
            auto rest = s.substr(at + 3);
            for (std::string_view mode : {"1049", "1047", "47"}) {
                if (rest.substr(0, mode.size()) != mode || rest.size() <= mode.size()) continue;
                char final = rest[mode.size()];
                if (final == 'h' || final == 'l') last = final == 'h';
                break;
            }
        }
        return last;
    }
    std::string tail_;
    bool on_ = false;
};

/// Writes all of `bytes` to stdout; false when the terminal is gone or a termination signal
/// interrupted a blocked write.
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

// ---- the attachment ---------------------------------------------------------------------------

/// The output written between two looks at the keyboard and the signals.
constexpr std::size_t kOutputTurn = 256 * 1024;

struct Outcome {
    enum class Kind { Exited, Detached, Signalled, Lost } kind = Kind::Lost;
    int code = 0;
    std::string message;   ///< for Lost
    bool midLine = false;  ///< the output did not end with a newline
};

/// One attach: the loop over the socket, stdin and the signals. Lives inside the RawTerminal, so
/// its destructor's screen reset reaches the terminal before the settings are restored.
class Attachment {
  public:
    Attachment(api::WsClient& ws, SignalRelay& signals, RawTerminal& terminal,
               const AttachOptions& options)
        : ws_(ws),
          signals_(signals),
          terminal_(terminal),
          detachKeys_(terminal.active() && !options.detachKeys.empty()
                          ? std::optional<DetachKeyMatcher>(options.detachKeys)
                          : std::nullopt) {}
    ~Attachment() { resetScreen(); }
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;

    Outcome run() {
        auto outcome = pump();
        outcome.midLine = midLine_;
        return outcome;
    }

  private:
    Outcome pump() {
        try {
            sendWindowSize();
            for (;;) {
                // First what has arrived already: a send runs the client's I/O, which may have
                // read the next messages off the socket, where poll() no longer sees them.
                bool more = false;
                if (auto done = onSocket(more)) return *done;
                std::array<pollfd, 3> fds{{{ws_.nativeHandle(), POLLIN, 0},
                                           {signals_.fd(), POLLIN, 0},
                                           {stdinOpen_ ? STDIN_FILENO : -1, POLLIN, 0}}};
                // With output still waiting, only look at the keys and signals, do not wait.
                if (::poll(fds.data(), fds.size(), more ? 0 : -1) < 0) {
                    if (errno == EINTR) continue;
                    core::throwErrno("poll");
                }
                // Not only when fds[1] says so: a signal that interrupted this poll() has run
                // its handler after the poll looked at the pipe (SIGWINCH, then keys typed at
                // the new size: the resize must go first).
                if (auto done = onSignals()) return *done;
                if (fds[2].revents != 0)
                    if (auto done = onStdin()) return *done;
            }
        } catch (const api::ConnectError& e) {
            return {Outcome::Kind::Lost, kExitFailure, e.what()};
        }
    }

    /// Writes out what has arrived, up to kOutputTurn bytes (`more` then tells that there may be
    /// more): under a flood of output the keys (detach, Ctrl-C) and signals still get their turn.
    std::optional<Outcome> onSocket(bool& more) {
        std::size_t written = 0;
        while (auto message = ws_.read(std::chrono::milliseconds(0))) {
            if (!ws_.gotText()) {
                written += message->size();
                more = written >= kOutputTurn;
                altScreen_.feed(*message);
                wroteOutput_ = true;
                if (!message->empty()) midLine_ = message->back() != '\n';
                if (!writeOut(*message)) return terminalGone();
                if (more) return std::nullopt;
                continue;
            }
            boost::system::error_code ec;
            auto value = json::parse(*message, ec);
            const auto* msg = ec ? nullptr : value.if_object();
            const auto* type = msg ? msg->if_contains("type") : nullptr;
            if (!type || !type->is_string()) continue;
            if (*type == "exit") return Outcome{Outcome::Kind::Exited, exitCode(*msg), {}};
            if (*type == "truncated") {
                const auto* from = msg->if_contains("from");
                const auto* to = msg->if_contains("to");
                std::string note = "\r\n[parawork: this viewer fell behind; output " +
                                   (from ? json::serialize(*from) : "?") + "-" +
                                   (to ? json::serialize(*to) : "?") + " is no longer kept]\r\n";
                if (!writeOut(note)) return terminalGone();
            }
            // "snapshot": the binary message after it redraws the screen; nothing to do here.
        }
        return std::nullopt;
    }

    std::optional<Outcome> onStdin() {
        char buf[16384];
        ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return std::nullopt;
        if (n <= 0) {
            // End of input (a pipe, or a terminal hung up: EIO): keep following the output.
            stdinOpen_ = false;
            return std::nullopt;
        }
        std::string_view input(buf, std::size_t(n));
        std::string forward;
        bool detach = false;
        if (detachKeys_)
            detach = detachKeys_->feed(input, forward);
        else
            forward = input;
        if (!forward.empty()) ws_.sendBinary(forward);
        if (detach) return Outcome{Outcome::Kind::Detached, 0, {}};
        return std::nullopt;
    }

    std::optional<Outcome> onSignals() {
        for (char c : signals_.take()) {
            int signo = static_cast<unsigned char>(c);
            if (signo == SIGCONT) terminal_.apply();
            if (signo == SIGWINCH || signo == SIGCONT) sendWindowSize();
            if (signo != SIGWINCH && signo != SIGCONT)
                return Outcome{Outcome::Kind::Signalled, 128 + signo, {}};
        }
        return std::nullopt;
    }

    void sendWindowSize() {
        if (auto size = windowSize())
            ws_.sendText(json::serialize(
                json::object{{"type", "resize"}, {"cols", size->ws_col}, {"rows", size->ws_row}}));
    }

    Outcome terminalGone() const {
        if (gTerminateSignal) return {Outcome::Kind::Signalled, 128 + gTerminateSignal, {}};
        return {Outcome::Kind::Signalled, 128 + SIGHUP, {}};
    }

    static int exitCode(const json::object& msg) {
        const auto* code = msg.if_contains("exitCode");
        if (code && code->is_number()) return code->to_number<int>();
        const auto* signal = msg.if_contains("signal");
        if (signal && signal->is_number()) return 128 + signal->to_number<int>();
        return kExitFailure;
    }

    /// Undoes the modes a program in the session may have left on: the alternate screen, hidden
    /// cursor, colours, mouse reporting, bracketed paste, application keypad.
    void resetScreen() const {
        if (!wroteOutput_ || !::isatty(STDOUT_FILENO)) return;
        std::string reset = altScreen_.on() ? "\x1b[?1049l" : "";
        reset +=
            "\x1b[0m\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1l\x1b>";
        writeOut(reset);
    }

    api::WsClient& ws_;
    SignalRelay& signals_;
    RawTerminal& terminal_;
    std::optional<DetachKeyMatcher> detachKeys_;
    AltScreenTracker altScreen_;
    bool stdinOpen_ = true;
    bool wroteOutput_ = false;
    bool midLine_ = false;
};

api::WsClient connectAttach(const api::Endpoint& endpoint, const std::string& sessionId) {
    try {
        return api::WsClient::connect(endpoint, "/api/sessions/" + sessionId + "/attach");
    } catch (const api::WsRefused& e) {
        if (e.status == 404)
            throw CliError("session " + sessionId + " not found", "not_found",
                           "`parawork ps -a` lists the sessions");
        throw CliError(e.what(), errorCodeForStatus(e.status));
    } catch (const api::ConnectError& e) {
        throw CliError(std::string("cannot attach: ") + e.what(), "not_running",
                       "`parawork status` tells whether the daemon runs");
    }
}

}  // namespace

bool DetachKeyMatcher::feed(std::string_view input, std::string& forward) {
    for (char c : input) {
        if (matched_ == 0 && c != keys_[0]) {
            forward.push_back(c);
            continue;
        }
        // The longest end of (held bytes + c) that starts the keys stays held; the rest goes.
        std::string held = keys_.substr(0, matched_);
        held.push_back(c);
        std::size_t keep = std::min(held.size(), keys_.size());
        while (keep > 0 && keys_.compare(0, keep, held, held.size() - keep, keep) != 0) --keep;
        forward.append(held, 0, held.size() - keep);
        matched_ = keep;
        if (matched_ == keys_.size()) {
            matched_ = 0;
            return true;
        }
    }
    return false;
}

int attachSession(const api::Endpoint& endpoint, const std::string& sessionId,
                  const AttachOptions& options) {
    auto ws = connectAttach(endpoint, sessionId);
    Outcome outcome;
    {
        SignalRelay signals;
        RawTerminal terminal;
        Attachment attachment(ws, signals, terminal, options);
        outcome = attachment.run();
    }  // the screen reset, then the terminal's settings, then the signal dispositions
    // What we say starts on a line of its own, not after a prompt the session left.
    const char* newline = outcome.midLine ? "\n" : "";
    switch (outcome.kind) {
        case Outcome::Kind::Exited:
            return outcome.code;
        case Outcome::Kind::Detached:
        case Outcome::Kind::Signalled:
            if (!options.quietDetach && outcome.code != 128 + SIGHUP)
                std::cerr << newline << "[detached from " << sessionId << "]" << std::endl;
            return outcome.code;
        case Outcome::Kind::Lost:
            std::cerr << newline;
            break;
    }
    throw CliError(
        "lost the connection to the daemon while attached to " + sessionId + " (" +
            outcome.message + ")",
        "daemon_error",
        "the session may still run: `parawork status`, then `parawork attach " + sessionId + "`");
}

}  // namespace parawork::cli
