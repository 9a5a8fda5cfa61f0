// attachSession: one poll() loop over the attach WebSocket, stdin and a self-pipe for signals,
// inside RAII guards for the terminal's settings and the signal dispositions (attach_terminal),
// so that every way out — the end, the detach keys, a signal, an error, a daemon that does not
// come back — restores the terminal. The session's screen lives on the terminal's alternate
// screen (screen_switches.hpp); a lost daemon is waited for, and the attach goes on.
#include "cli/attach.hpp"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <charconv>
#include <iostream>
#include <optional>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cli/attach_terminal.hpp"
#include "cli/context.hpp"
#include "cli/daemon_client.hpp"
#include "cli/output.hpp"
#include "cli/screen_switches.hpp"
#include "daemon/paths.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

/// The output written between two looks at the keyboard and the signals.
constexpr std::size_t kOutputTurn = 256 * 1024;
/// How often a lost daemon's socket is tried again.
constexpr auto kRetryInterval = 200ms;

/// What leaving the session undoes: modes a program in it may have left on (colours, hidden
/// cursor, mouse reporting, bracketed paste, application cursor keys and keypad), then the
/// alternate screen attach entered, which brings the person's own screen back.
constexpr std::string_view kResetModes =
    "\x1b[0m\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1l\x1b>";
constexpr std::string_view kLeaveAltScreen = "\x1b[?1049l";

struct Outcome {
    enum class Kind { Exited, Detached, Signalled, Lost } kind = Kind::Lost;
    int code = 0;
    std::string message;     ///< for Lost
    bool midLine = false;    ///< the output did not end with a newline (on the person's screen)
    bool ownScreen = false;  ///< the session was drawn on the alternate screen, now left
};

api::WsClient connectAttach(const api::Endpoint& endpoint, const std::string& sessionId,
                            const std::string& query = {}) {
    return api::WsClient::connect(endpoint, "/api/sessions/" + sessionId + "/attach" + query, {},
                                  5s);
}

/// One attach: the loop over the socket, stdin and the signals. Lives inside the RawTerminal, so
/// its destructor's screen reset reaches the terminal before the settings are restored.
class Attachment {
  public:
    Attachment(api::WsClient ws, const api::Endpoint& endpoint, const std::string& sessionId,
               SignalRelay& signals, RawTerminal& terminal, const AttachOptions& options)
        : ws_(std::move(ws)),
          endpoint_(endpoint),
          sessionId_(sessionId),
          signals_(signals),
          terminal_(terminal),
          options_(options),
          detachKeys_(terminal.active() && !options.detachKeys.empty()
                          ? std::optional<DetachKeyMatcher>(options.detachKeys)
                          : std::nullopt) {}
    ~Attachment() {
        // A replay (no snapshot) was written on the person's screen: only the modes are reset.
        if (ownScreen_)
            writeOut(std::string(kResetModes) + std::string(kLeaveAltScreen));
        else if (wroteOutput_ && ::isatty(STDOUT_FILENO))
            writeOut(kResetModes);
    }
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;

    Outcome run() {
        auto outcome = pump();
        outcome.midLine = midLine_ && !ownScreen_;
        outcome.ownScreen = ownScreen_;
        return outcome;
    }

  private:
    Outcome pump() {
        guarded([&] {
            sendWindowSize();
            return std::optional<Outcome>();
        });
        for (;;) {
            bool more = false;
            if (ws_) {
                // First what has arrived already: a send runs the client's I/O, which may have
                // read the next messages off the socket, where poll() no longer sees them.
                if (auto done = guarded([&] { return onSocket(more); })) return *done;
                if (ws_ && !more && switches_.takeRedraw()) {
                    redraw();
                    continue;  // the new connection may hold messages poll() does not see
                }
            } else if (auto done = reconnect()) {
                return *done;
            } else if (ws_) {
                continue;  // reconnected: as above
            }
            std::array<pollfd, 3> fds{{{ws_ ? ws_->nativeHandle() : -1, POLLIN, 0},
                                       {signals_.fd(), POLLIN, 0},
                                       {stdinOpen_ ? STDIN_FILENO : -1, POLLIN, 0}}};
            // With output still waiting, only look at the keys and signals, do not wait; without
            // a daemon, wake up to try its socket again.
            int wait = more ? 0 : ws_ ? -1 : static_cast<int>(kRetryInterval.count());
            if (::poll(fds.data(), fds.size(), wait) < 0) {
                if (errno == EINTR) continue;
                core::throwErrno("poll");
            }
            // Not only when fds[1] says so: a signal that interrupted this poll() has run
            // its handler after the poll looked at the pipe (SIGWINCH, then keys typed at
            // the new size: the resize must go first).
            if (auto done = guarded([&] { return onSignals(); })) return *done;
            if (fds[2].revents != 0)
                if (auto done = guarded([&] { return onStdin(); })) return *done;
        }
    }

    /// Runs a step; a lost connection starts the wait for the daemon instead of ending.
    template <typename Step>
    std::optional<Outcome> guarded(Step step) {
        try {
            return step();
        } catch (const api::ConnectError& e) {
            lose(e.what());
            return std::nullopt;
        }
    }

    /// Writes out what has arrived, up to kOutputTurn bytes (`more` then tells that there may be
    /// more): under a flood of output the keys (detach, Ctrl-C) and signals still get their turn.
    std::optional<Outcome> onSocket(bool& more) {
        std::size_t written = 0;
        while (auto message = ws_->read(std::chrono::milliseconds(0))) {
            if (!ws_->gotText()) {
                written += message->size();
                more = written >= kOutputTurn;
                if (!onOutput(*message)) return terminalGone();
                if (more) return std::nullopt;
                continue;
            }
            boost::system::error_code ec;
            auto value = json::parse(*message, ec);
            const auto* msg = ec ? nullptr : value.if_object();
            const auto* type = msg ? msg->if_contains("type") : nullptr;
            if (!type || !type->is_string()) continue;
            if (*type == "exit") return Outcome{Outcome::Kind::Exited, exitCode(*msg), {}};
            if (*type == "snapshot") onSnapshot(*msg);
            if (*type == "truncated") {
                const auto* from = msg->if_contains("from");
                const auto* to = msg->if_contains("to");
                if (to && to->is_number()) offset_ = to->to_number<std::uint64_t>();
                std::string note = "\r\n[parawork: this viewer fell behind; output " +
                                   (from ? json::serialize(*from) : "?") + "-" +
                                   (to ? json::serialize(*to) : "?") + " is no longer kept]\r\n";
                if (!writeOut(note)) return terminalGone();
            }
        }
        return std::nullopt;
    }

    /// The binary message after it redraws the screen: on a terminal, on the alternate screen.
    void onSnapshot(const json::object& msg) {
        if (const auto* at = msg.if_contains("offset"); at && at->is_number())
            offset_ = at->to_number<std::uint64_t>();
        snapshotImageNext_ = true;
        if (!ownScreen_ && ::isatty(STDOUT_FILENO) && writeOut("\x1b[?1049h")) ownScreen_ = true;
    }

    bool onOutput(std::string_view bytes) {
        if (!std::exchange(snapshotImageNext_, false)) offset_ += bytes.size();
        wroteOutput_ = true;
        if (!ownScreen_) {
            if (!bytes.empty()) midLine_ = bytes.back() != '\n';
            return writeOut(bytes);
        }
        return writeOut(switches_.filter(bytes));
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
        // Keys typed while the daemon is away go nowhere: there is no session to type into.
        if (!forward.empty() && ws_) ws_->sendBinary(forward);
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
        if (!ws_) return;
        if (auto size = windowSize())
            ws_->sendText(json::serialize(
                json::object{{"type", "resize"}, {"cols", size->ws_col}, {"rows", size->ws_row}}));
    }

    // ---- the daemon going away and coming back ------------------------------------------------

    void lose(const std::string& why) {
        ws_.reset();
        snapshotImageNext_ = false;
        lostAt_ = std::chrono::steady_clock::now();
        lostWhy_ = why;
        say("the daemon went away; reconnecting… (" + std::to_string(timeoutSeconds()) +
            " s at most)");
    }

    /// One try at the daemon's socket (never starting a daemon: one that went away was stopped
    /// or is restarting; `parawork shutdown` must not be undone by a client).
    std::optional<Outcome> reconnect() {
        try {
            // On a terminal the snapshot redraws the screen exactly (and erases the status
            // line); elsewhere the bytes go on from where they stopped.
            ws_.emplace(connectAttach(endpoint_, sessionId_,
                                      ownScreen_ ? "" : "?offset=" + std::to_string(offset_)));
            lostAt_.reset();
            if (!ownScreen_) say("reconnected");
            sendWindowSize();
            return std::nullopt;
        } catch (const api::WsRefused& e) {
            ws_.reset();
            if (e.status == 404)
                return Outcome{Outcome::Kind::Lost, kExitFailure, "the session no longer exists"};
        } catch (const api::ConnectError&) {
            ws_.reset();
        }
        if (std::chrono::steady_clock::now() - *lostAt_ < options_.reconnectTimeout)
            return std::nullopt;
        return Outcome{
            Outcome::Kind::Lost, kExitFailure,
            lostWhy_ + "; no daemon came back within " + std::to_string(timeoutSeconds()) + " s"};
    }

    /// The session left its alternate screen: draw its main screen again from a snapshot.
    void redraw() {
        ws_.reset();
        switches_.flush();  // the rest of a switch from the old stream: the snapshot replaces it
        try {
            ws_.emplace(connectAttach(endpoint_, sessionId_));
            sendWindowSize();
        } catch (const api::ConnectError& e) {
            lose(e.what());
        }
    }

    /// A word from parawork itself: on the session's screen, the bottom line in reverse video
    /// (the next redraw erases it); else a line on stderr.
    void say(const std::string& text) {
        std::string line = "parawork: " + text;
        if (!ownScreen_) {
            std::cerr << (midLine_ ? "\r\n" : "") << line << (terminal_.active() ? "\r\n" : "\n")
                      << std::flush;
            midLine_ = false;
            return;
        }
        auto rows = windowSize() ? windowSize()->ws_row : 24;
        writeOut(
            "\x1b"
            "7\x1b[" +
            std::to_string(rows) + ";1H\x1b[2K\x1b[7m " + line +
            " \x1b[0m\x1b"
            "8");
    }

    long timeoutSeconds() const {
        return static_cast<long>(
            std::chrono::duration_cast<std::chrono::seconds>(options_.reconnectTimeout).count());
    }

    Outcome terminalGone() const {
        if (int signo = SignalRelay::terminateSignal())
            return {Outcome::Kind::Signalled, 128 + signo, {}};
        return {Outcome::Kind::Signalled, 128 + SIGHUP, {}};
    }

    static int exitCode(const json::object& msg) {
        const auto* code = msg.if_contains("exitCode");
        if (code && code->is_number()) return code->to_number<int>();
        const auto* signal = msg.if_contains("signal");
        if (signal && signal->is_number()) return 128 + signal->to_number<int>();
        return kExitFailure;
    }

    std::optional<api::WsClient> ws_;
    const api::Endpoint& endpoint_;
    const std::string& sessionId_;
    SignalRelay& signals_;
    RawTerminal& terminal_;
    const AttachOptions& options_;
    std::optional<DetachKeyMatcher> detachKeys_;
    ScreenSwitches switches_;
    bool ownScreen_ = false;          ///< we entered the alternate screen
    bool snapshotImageNext_ = false;  ///< the next binary message is the snapshot's image
    std::uint64_t offset_ = 0;        ///< the session's output offset after what was written
    std::optional<std::chrono::steady_clock::time_point> lostAt_;
    std::string lostWhy_;
    bool stdinOpen_ = true;
    bool wroteOutput_ = false;
    bool midLine_ = false;
};

api::WsClient firstConnection(const api::Endpoint& endpoint, const std::string& sessionId) {
    try {
        return connectAttach(endpoint, sessionId);
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

std::chrono::milliseconds reconnectTimeoutFromEnv() {
    auto text = daemon::processEnv()("PARAWORK_RECONNECT_TIMEOUT");
    if (!text || text->empty()) return std::chrono::seconds(30);
    long seconds = -1;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
    if (ec != std::errc() || end != text->data() + text->size() || seconds < 0 || seconds > 86400)
        throw CliError("PARAWORK_RECONNECT_TIMEOUT \"" + *text + "\": expected whole seconds",
                       "usage", "e.g. PARAWORK_RECONNECT_TIMEOUT=30 (0: do not wait)", kExitUsage);
    return std::chrono::seconds(seconds);
}

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
    auto ws = firstConnection(endpoint, sessionId);
    Outcome outcome;
    {
        SignalRelay signals;
        RawTerminal terminal;
        Attachment attachment(std::move(ws), endpoint, sessionId, signals, terminal, options);
        outcome = attachment.run();
    }  // the screen reset, then the terminal's settings, then the signal dispositions
    // What we say starts on a line of its own, not after a prompt the session left (after the
    // alternate screen the cursor is back where the command was typed, on a fresh line).
    const char* newline = outcome.midLine ? "\n" : "";
    auto shortName = shortId(sessionId);
    switch (outcome.kind) {
        case Outcome::Kind::Exited:
            // The session's last screen went with the alternate screen: say where it is.
            if (outcome.ownScreen && !options.quietDetach)
                std::cerr << "[" << shortName << " exited with code " << outcome.code
                          << "; `parawork logs " << shortName << "` shows its output]" << std::endl;
            return outcome.code;
        case Outcome::Kind::Detached:
        case Outcome::Kind::Signalled:
            if (!options.quietDetach && outcome.code != 128 + SIGHUP)
                std::cerr << newline << "[detached from " << shortName << "]" << std::endl;
            return outcome.code;
        case Outcome::Kind::Lost:
            std::cerr << newline;
            break;
    }
    throw CliError(
        "lost the connection to the daemon while attached to " + shortName + " (" +
            outcome.message + ")",
        "daemon_error",
        "the session may still run: `parawork status`, then `parawork attach " + shortName + "`");
}

}  // namespace parawork::cli
