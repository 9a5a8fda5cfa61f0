// The session's alternate-screen switches while attach owns the alternate screen (issue 17 §3).
// `attach` keeps the person's own screen safe the way tmux does: it enters the terminal's
// alternate screen when it starts and leaves it when it ends, so whatever the session draws —
// and the snapshot's clear — never touches the shell's screen. A terminal has one alternate
// screen, so the session's own switches (DECSET/DECRST 1049, 1047, 47: vim, less, top) must not
// reach it: leaving it would drop the session's drawing onto the person's screen. Plain code.
#pragma once

#include <string>
#include <string_view>

namespace parawork::cli {

class ScreenSwitches {
  public:
    /// `bytes` with the switches replaced: entering clears the screen (1049 saves the cursor
    /// first), leaving clears it (1049 then restores the cursor) and asks for a redraw of the
    /// session's main screen (takeRedraw). A switch split between two calls is held back until
    /// the next call completes it (at most 7 bytes).
    std::string filter(std::string_view bytes);
    /// Whether the session left its alternate screen since the last call (its main screen must
    /// be drawn again from a snapshot).
    bool takeRedraw();
    /// The bytes held back (a sequence the output ended in the middle of), now released.
    std::string flush();

  private:
    std::string held_;
    bool redraw_ = false;
};

}  // namespace parawork::cli
