#include "cli/spinner.hpp"

#include <unistd.h>

#include <array>
#include <chrono>
#include <string_view>

namespace parawork::cli {
namespace {

constexpr std::array<std::string_view, 10> kFrames{"⠋", "⠙", "⠹", "⠸", "⠼",
                                                   "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr auto kFrameInterval = std::chrono::milliseconds(100);
/// Back to the start of the line, and clear it.
constexpr std::string_view kEraseLine = "\r\x1b[K";

void writeErr(std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
        if (n <= 0) return;  // a progress line is not worth an error
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace

bool Spinner::shown(const Globals& g) {
    return !g.json && ::isatty(STDERR_FILENO);
}

Spinner::Spinner(const Globals& g, std::string message) : message_(std::move(message)) {
    if (!shown(g)) return;
    draw(0);  // at once: a quick step still says what it did
    thread_ = std::jthread([this](std::stop_token stop) { spin(stop); });
}

Spinner::~Spinner() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    thread_.join();
    writeErr(kEraseLine);
}

void Spinner::draw(std::size_t frame) const {
    writeErr(std::string(kEraseLine) + std::string(kFrames[frame % kFrames.size()]) + " " +
             message_ + "…");
}

void Spinner::spin(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    for (std::size_t frame = 1;; ++frame) {
        // Sleeps one frame, or less when the stop comes.
        wake_.wait_for(lock, stop, kFrameInterval, [] { return false; });
        if (stop.stop_requested()) return;
        draw(frame);
    }
}

}  // namespace parawork::cli
