// Keeps the screen model off the PTY drain path (DESIGN §4.1, §4.3). The host hands every byte it
// appended to the log to the tracker, which only copies it into a bounded backlog; the loop feeds
// libvterm from the backlog in slices when it has nothing more urgent to do. When a flood
// outruns the parser the backlog overflows and the tracker SKIPS AHEAD: it starts a fresh screen
// from the recent tail of the output. The screen state always corresponds to a log offset.
// The screen itself lives in a worker process (screen_process.hpp): a fault there costs the
// screen, never the session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/screen_process.hpp"

namespace parawork::host {

/// Bounds of the screen backlog.
struct ScreenTrackerLimits {
    std::size_t maxBacklog = 1024 * 1024;  ///< unparsed bytes kept before skipping ahead
    std::size_t skipKeep = 64 * 1024;      ///< bytes of the tail replayed after a skip
};

/// The screen model plus the log offset it corresponds to.
class ScreenTracker {
  public:
    /// `worker`: a screen worker started in advance (a standby host's), resized to cols × rows;
    /// without one, a worker starts at the first output.
    ScreenTracker(int cols, int rows, std::uint64_t offset, ScreenTrackerLimits limits = {},
                  std::optional<ScreenProcess> worker = std::nullopt);

    /// Records bytes just appended to the log (they must follow the previous ones). Cheap: a copy
    /// into the backlog; on overflow the backlog keeps only its newest `skipKeep` bytes and the
    /// screen is marked for a reset (done lazily by catchUp, so a flood costs no parsing).
    void append(std::string_view bytes);

    /// Applies a pending skip (fresh screen at the start of the kept tail), then hands up to
    /// `budget` bytes of the backlog to the screen worker (none while it is congested). Returns
    /// the number handed over. catchUp(0) only settles a skip.
    std::size_t catchUp(std::size_t budget);

    /// True while bytes wait to be parsed.
    bool behind() const { return backlogPos_ < backlog_.size(); }
    /// Bytes waiting to be parsed (≤ maxBacklog).
    std::size_t backlogBytes() const { return backlog_.size() - backlogPos_; }

    /// The log offset the screen state corresponds to (everything before it is parsed).
    std::uint64_t offset() const { return offset_; }
    /// The log offset after the last byte appended.
    std::uint64_t endOffset() const { return backlogStart_ + backlogBytes(); }
    /// How many times the tracker skipped ahead.
    std::uint64_t skips() const { return skips_; }

    /// The screen as terminal bytes, and the log offset from which the output after it replays
    /// cleanly (never inside an escape sequence or a character). Settles a pending skip first.
    SnapshotReply snapshot();
    /// The screen as text with the log offset it corresponds to (as snapshot()); nullopt when
    /// the screen worker was lost answering.
    std::optional<ScreenText> text();
    void resize(int cols, int rows) { screen_.resize(cols, rows); }
    /// The worker's socket: always polled (a hang-up means the worker died), for POLLOUT too
    /// while screenHasOutbox(); what poll saw goes to onScreenEvents.
    int screenFd() const { return screen_.fd(); }
    bool screenHasOutbox() const { return screen_.hasOutbox(); }
    void onScreenEvents(short revents) { screen_.onPollEvents(revents); }
    /// True while the worker has all it can take: catchUp waits for it (no busy loop).
    bool screenCongested() const { return screen_.congested(); }
    /// Screen workers lost to faults or hangs.
    std::uint64_t screenLosses() const { return screen_.losses(); }
    pid_t screenPid() const { return screen_.pid(); }

  private:
    void compact();
    void resetToBacklog();

    ScreenProcess screen_;
    ScreenTrackerLimits limits_;
    std::string backlog_;
    std::size_t backlogPos_ = 0;
    std::uint64_t backlogStart_;  ///< log offset of backlog_[backlogPos_]
    std::uint64_t offset_;
    bool resetPending_ = false;
    std::uint64_t skips_ = 0;
};

}  // namespace parawork::host
