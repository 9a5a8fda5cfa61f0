// `parawork attach` and attached runs (issue 5 §3): the calling terminal becomes the session's
// terminal over the attach WebSocket (docs/api.md) — raw mode, the screen redrawn from the
// snapshot, live output, keystrokes and window size sent back — until the session ends or the
// detach keys are pressed. The terminal is restored on every way out.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "api/http_client.hpp"

namespace parawork::cli {

struct AttachOptions {
    std::string detachKeys = "\x1c\x1c";  ///< Ctrl-\ twice; empty: no detach keys
    bool quietDetach = false;             ///< no "[detached from <id>]"
    /// How long to wait for the daemon to come back when the connection is lost
    /// (reconnectTimeoutFromEnv() by default).
    std::chrono::milliseconds reconnectTimeout = std::chrono::seconds(30);
};

/// $PARAWORK_RECONNECT_TIMEOUT in whole seconds (0: give up at once), else 30 s. Throws
/// CliError (usage) for a value that is not a number of seconds.
std::chrono::milliseconds reconnectTimeoutFromEnv();

/// Attaches the calling terminal to the session: raw mode, the session's screen redrawn
/// (snapshot) on the terminal's alternate screen (stdout a terminal; left again at the end, so
/// the person's own screen comes back, as with tmux), then live output; stdin bytes go to the
/// session; the window size is sent at start and on SIGWINCH; the detach keys leave the session
/// running (returns 0 and prints "[detached from <short id>]" to stderr on a line of its own);
/// when the session ends returns its exit code (128+signal when killed). SIGTERM, SIGINT or
/// SIGHUP to the CLI leave the session running too and return 128+signal. When stdin is not a
/// terminal its termios are left alone, its bytes are forwarded as they are (no detach keys)
/// and its end only stops the input.
/// When the daemon goes away (a restart) attach keeps the terminal, says it is reconnecting
/// and tries its socket again — never starting a daemon — for up to `reconnectTimeout`; once
/// back it redraws the screen (stdout a terminal) or goes on from the byte offset it had
/// reached (no output lost or repeated).
/// Throws CliError (exit code 1) when the attach is refused or no daemon came back in time.
/// The terminal is restored on every exit path.
int attachSession(const api::Endpoint& endpoint, const std::string& sessionId,
                  const AttachOptions& options);

/// Finds the detach keys in the input stream, also when split across reads. Plain code.
class DetachKeyMatcher {
  public:
    explicit DetachKeyMatcher(std::string keys) : keys_(std::move(keys)) {}
    /// Appends to `forward` what goes to the session; returns true when the keys were typed
    /// (what follows them in `input` is dropped). A partial match is held back until the next
    /// byte tells whether it was one.
    bool feed(std::string_view input, std::string& forward);

  private:
    std::string keys_;
    std::size_t matched_ = 0;
};

}  // namespace parawork::cli
