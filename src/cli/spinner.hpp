// A progress line for the long steps (a worktree being made, a session starting or stopping):
// "⠋ creating workspace x…" redrawn on stderr every 100 ms and erased when the step is over.
// Only when stderr is a terminal and the output is not --json: scripts and agents never see it.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "cli/context.hpp"

namespace parawork::cli {

class Spinner {
  public:
    /// Starts spinning (the first frame at once) when `shown(g)`; otherwise does nothing.
    Spinner(const Globals& g, std::string message);
    /// Stops and erases the line.
    ~Spinner();
    Spinner(const Spinner&) = delete;
    Spinner& operator=(const Spinner&) = delete;

    /// Whether a spinner would show: human output and stderr a terminal.
    static bool shown(const Globals& g);

  private:
    void draw(std::size_t frame) const;
    void spin(const std::stop_token& stop);
    std::string message_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;
};

}  // namespace parawork::cli
