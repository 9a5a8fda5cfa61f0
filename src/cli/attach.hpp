// `parawork attach` and attached runs (issue 5 §3): the calling terminal becomes the session's
// terminal over the attach WebSocket (docs/api.md) — raw mode, the screen redrawn from the
// snapshot, live output, keystrokes and window size sent back — until the session ends or the
// detach keys are pressed. The terminal is restored on every way out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/http_client.hpp"

namespace parawork::cli {

struct AttachOptions {
    std::string detachKeys = "\x1c\x1c";  ///< Ctrl-\ twice; empty: no detach keys
    bool quietDetach = false;             ///< no "[detached from <id>]"
};

/// Attaches the calling terminal to the session: raw mode, the session's screen redrawn
/// (snapshot), then live output; stdin bytes go to the session; the window size is sent at
/// start and on SIGWINCH; the detach keys leave the session running (returns 0 and prints
/// "[detached from <id>]" to stderr); when the session ends returns its exit code (128+signal
/// when killed). SIGTERM, SIGINT or SIGHUP to the CLI leave the session running too and return
/// 128+signal. When stdin is not a terminal its termios are left alone, its bytes are forwarded
/// as they are (no detach keys) and its end only stops the input.
/// Throws CliError (exit code 1) when the attach is refused or the daemon goes away mid-attach.
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
