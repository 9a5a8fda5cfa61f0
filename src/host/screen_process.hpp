// The screen model in a process of its own (issue: a byte sequence that faulted libvterm killed
// the host, and the PTY, the log and the agent with it). The host forks a worker that holds the
// Screen; it parses what the session printed and renders snapshots. A fault or a hang in the
// parser costs the worker and the screen only: the host notices (EOF or EPIPE, or no progress
// within kWorkerReplyTimeout), starts a fresh worker with a blank screen, and goes on draining
// the PTY.
//
// Output goes to the worker without waiting (DESIGN §4.1: nothing downstream may slow the drain):
// INPUT and RESIZE frames queue in a bounded outbox that the host's loop flushes when the socket
// is writable. SNAPSHOT → SNAPSHOT_REPLY(pending bytes, size, bytes) and STATUS → OK(u8 alternate
// screen, title) and SCREEN_TEXT → SCREEN_TEXT_REPLY are answered in order, so a snapshot shows
// everything fed before it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/unique_fd.hpp"
#include "host/host_protocol.hpp"

namespace parawork::host {

/// Longest a worker may take to answer, or to take more output (a 16 KiB slice parses in ~1 ms).
inline constexpr std::chrono::milliseconds kWorkerReplyTimeout{2000};
/// Output queued for the worker beyond which the screen counts as behind (the tracker waits).
inline constexpr std::size_t kMaxWorkerOutbox = 256 * 1024;

/// A rendered screen (Screen::snapshot) and the bytes fed that it does not show yet
/// (Screen::pendingBytes).
struct ScreenPicture {
    std::string bytes;
    std::uint64_t pendingBytes = 0;
};

/// A Screen behind a process boundary. Its owner must be single-threaded (it forks).
class ScreenProcess {
  public:
    enum class Start {
        Now,         ///< throws core::Error when the worker cannot be started
        OnFirstUse,  ///< at the first feed or request: off a session's start-up path
        /// Now, for a standby host (host_main.cpp): its stderr is still the pipe its caller
        /// reads to the end, so the worker's goes to /dev/null. Off the start-up path too, and
        /// the fork is done before the session's first output instead of right at it.
        InStandby,
    };
    ScreenProcess(int cols, int rows, Start start = Start::Now);
    ~ScreenProcess();
    ScreenProcess(ScreenProcess&& other) noexcept;
    ScreenProcess& operator=(ScreenProcess&& other) noexcept;
    ScreenProcess(const ScreenProcess&) = delete;
    ScreenProcess& operator=(const ScreenProcess&) = delete;

    /// Queues terminal output for parsing and sends what the socket takes now. A worker lost on
    /// the way is replaced by a blank screen.
    void feed(std::string_view bytes);
    void resize(int cols, int rows);
    /// Sends queued output the socket takes now; replaces a worker that took none for
    /// kWorkerReplyTimeout. Call when the socket is writable (POLLOUT on fd()).
    void flush();
    /// True while output waits to be sent; congested() while the outbox is full.
    bool hasOutbox() const { return !outbox_.empty(); }
    bool congested() const { return outbox_.size() >= kMaxWorkerOutbox; }
    /// The socket to poll: always for a hang-up (a worker that died is replaced at once, not at
    /// the next output), and for POLLOUT while hasOutbox(). Hand what poll saw to onPollEvents.
    int fd() const { return socket_.get(); }
    void onPollEvents(short revents);
    int cols() const { return cols_; }
    int rows() const { return rows_; }
    /// A fresh blank screen of the same size that keeps the title and the alternate screen.
    void clear();
    /// The screen now, or a blank screen when the worker was lost answering.
    ScreenPicture snapshot();
    /// The screen as text, its `offset` holding the bytes fed that it does not show yet
    /// (Screen::pendingBytes); nullopt when the worker was lost answering (it is replaced).
    std::optional<ScreenText> text();

    /// Workers lost so far (crashed, or stopped answering and killed).
    std::uint64_t losses() const { return losses_; }
    /// The current worker's pid (for tests, and for the host to spare it when it ends the
    /// session's leftover processes).
    pid_t pid() const { return pid_; }

  private:
    using Clock = std::chrono::steady_clock;
    void start(bool quiet = false);
    void stop();
    void lose(const char* why);
    /// Starts a worker if there is none (a restart may have failed); false if it cannot.
    bool ensureWorker();
    /// Sends the whole outbox, waiting up to `deadline`; false when the worker was lost.
    bool flushUntil(Clock::time_point deadline);
    /// One request and its reply; nullopt when the worker was lost (it is replaced).
    std::optional<Frame> call(MessageType type, std::string_view payload);
    /// The worker's title and alternate-screen mode as bytes that set them again.
    std::string modesToCarryOver();

    int cols_, rows_;
    core::UniqueFd socket_;
    core::UniqueFd pidfd_;
    pid_t pid_ = -1;
    std::uint64_t losses_ = 0;
    std::string outbox_;
    Clock::time_point lastProgress_{};  ///< when the worker last took bytes (or the outbox filled)
};

/// The worker's side: serves requests on `fd` until EOF. Runs in the forked child.
[[noreturn]] void runScreenWorker(int fd, int cols, int rows);

}  // namespace parawork::host
