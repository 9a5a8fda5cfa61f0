// The screen worker and the host's handle on it (see screen_process.hpp).
#include "host/screen_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "core/error.hpp"
#include "host/fd_io.hpp"
#include "host/screen.hpp"

namespace parawork::host {
namespace {

using Clock = std::chrono::steady_clock;

/// The worker's end of the socket pair, at a fixed number after the fork closed the others.
constexpr int kWorkerFd = 3;

int msUntil(Clock::time_point deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::max<long long>(left, 0));
}

/// Waits until `fd` has one of `events`; false on timeout or error.
bool waitFor(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, msUntil(deadline));
        if (n > 0) return true;
        if (n == 0 || errno != EINTR) return false;
    }
}

std::optional<Frame> receiveFrame(int fd, Clock::time_point deadline) {
    FrameReader reader(kMaxReplyPayload);
    char buffer[16 * 1024];
    try {
        for (;;) {
            if (auto frame = reader.next()) return frame;
            if (!waitFor(fd, POLLIN, deadline)) return std::nullopt;
            ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n <= 0) return std::nullopt;  // the worker is gone
            reader.append(std::string_view(buffer, static_cast<std::size_t>(n)));
        }
    } catch (const ProtocolError&) {
        return std::nullopt;
    }
}

/// Leaves the forked child with only its socket and stderr (/dev/null when `quiet`; stdin and
/// stdout always), and a clean signal state.
void prepareWorker(int socketFd, pid_t parent, bool quiet) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
    ::prctl(PR_SET_NAME, "parawork-screen");
    if (socketFd != kWorkerFd && ::dup2(socketFd, kWorkerFd) < 0) ::_exit(1);
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0) ::_exit(1);
    for (int fd = 0; fd <= (quiet ? 2 : 1); ++fd)
        if (::dup2(null, fd) < 0) ::_exit(1);
    ::close_range(kWorkerFd + 1, ~0U, 0);  // the PTY master above all: the terminal is not ours
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // SIGHUP stays ignored: the host hangs up the session's leftovers, not its own worker.
}

// The largest screen's text fits one reply (STYLE §8): a cell is at most a base character and
// kMaxTextMarksPerCell marks of 4 bytes each; each line and the title carry a u32 length.
static_assert(19 + 4 + kMaxTextTitleBytes + 2 +
                  std::size_t{kMaxWindowCells} *
                      (4 + std::size_t{kMaxWindowCells} * 4 * (1 + kMaxTextMarksPerCell)) <=
              kMaxReplyPayload);

ScreenText textOf(const Screen& screen) {
    ScreenText text;
    text.offset = screen.pendingBytes();  // the caller turns it into a log offset
    text.size = {static_cast<std::uint16_t>(screen.cols()),
                 static_cast<std::uint16_t>(screen.rows())};
    text.cursorRow = static_cast<std::uint16_t>(screen.cursorRow());
    text.cursorCol = static_cast<std::uint16_t>(screen.cursorCol());
    text.cursorVisible = screen.cursorVisible();
    text.altScreen = screen.altScreen();
    text.title = screen.textTitle();
    text.lines = screen.textLines();
    return text;
}

/// Handles one request; returns the reply frame, empty for INPUT and RESIZE (not answered).
std::string workerReply(Screen& screen, const Frame& frame) {
    switch (static_cast<MessageType>(frame.type)) {
        case MessageType::Input:
            screen.feed(frame.payload);
            return {};
        case MessageType::Resize: {
            WindowSize size = decodeResize(frame.payload);
            screen.resize(size.cols, size.rows);
            return {};
        }
        case MessageType::Snapshot: {
            WindowSize size{static_cast<std::uint16_t>(screen.cols()),
                            static_cast<std::uint16_t>(screen.rows())};
            return encodeFrame(
                MessageType::SnapshotReply,
                encodeSnapshotReply({screen.pendingBytes(), size, screen.snapshot()}));
        }
        case MessageType::ScreenText:
            return encodeFrame(MessageType::ScreenTextReply, encodeScreenText(textOf(screen)));
        case MessageType::Status:
            return encodeFrame(
                MessageType::Ok,
                PayloadWriter().u8(screen.altScreen() ? 1 : 0).bytes(screen.title()).take());
        default:
            throw ProtocolError("screen worker: unexpected request");
    }
}

}  // namespace

void runScreenWorker(int fd, int cols, int rows) {
    try {
        Screen screen(cols, rows);
        FrameReader reader(kMaxRequestPayload);
        std::string buffer(64 * 1024, '\0');
        for (;;) {
            while (auto frame = reader.next()) {
                std::string reply = workerReply(screen, *frame);
                if (!reply.empty()) writeAll(fd, reply, "reply");
            }
            ssize_t n = ::read(fd, buffer.data(), buffer.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) ::_exit(0);  // the host closed its end (or is gone)
            reader.append(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parawork-screen: %s\n", e.what());
    }
    // _exit, never exit: this is a fork of the host, whose destructors and atexit handlers
    // (the socket file's unlink above all) belong to the host.
    ::_exit(1);
}

ScreenProcess::ScreenProcess(int cols, int rows, Start start)
    : cols_(std::max(cols, 1)), rows_(std::max(rows, 1)) {
    if (start != Start::OnFirstUse) this->start(start == Start::InStandby);
}

ScreenProcess::~ScreenProcess() {
    stop();
}

ScreenProcess::ScreenProcess(ScreenProcess&& other) noexcept
    : cols_(other.cols_),
      rows_(other.rows_),
      socket_(std::move(other.socket_)),
      pidfd_(std::move(other.pidfd_)),
      pid_(std::exchange(other.pid_, -1)),
      losses_(other.losses_),
      outbox_(std::move(other.outbox_)),
      lastProgress_(other.lastProgress_) {}

ScreenProcess& ScreenProcess::operator=(ScreenProcess&& other) noexcept {
    if (this != &other) {
        stop();
        cols_ = other.cols_;
        rows_ = other.rows_;
        socket_ = std::move(other.socket_);
        pidfd_ = std::move(other.pidfd_);
        pid_ = std::exchange(other.pid_, -1);
        losses_ = other.losses_;
        outbox_ = std::move(other.outbox_);
        lastProgress_ = other.lastProgress_;
    }
    return *this;
}

void ScreenProcess::start(bool quiet) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
        core::throwErrno("socketpair (screen worker)");
    core::UniqueFd mine(pair[0]), theirs(pair[1]);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) core::throwErrno("fork (screen worker)");
    if (pid == 0) {
        prepareWorker(theirs.get(), parent, quiet);
        runScreenWorker(kWorkerFd, cols_, rows_);
    }
    setNonBlocking(mine.get());
    socket_ = std::move(mine);
    pid_ = pid;
    pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

void ScreenProcess::stop() {
    outbox_.clear();
    socket_.reset();  // a healthy worker exits at EOF; a stuck one is killed
    if (pid_ <= 0) return;
    if (pidfd_) {
        ::syscall(SYS_pidfd_send_signal, pidfd_.get(), SIGKILL, nullptr, 0);
        siginfo_t info{};
        // ECHILD when the host's SIGCHLD reaping got it first: nothing left to wait for.
        while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd_.get()), &info,
                        WEXITED) < 0 &&
               errno == EINTR) {
        }
    }
    pidfd_.reset();
    pid_ = -1;
}

void ScreenProcess::lose(const char* why) {
    // Crashed, hung or unreachable: the screen is lost, never the session. A fresh worker takes
    // over with a blank screen; what was queued is not replayed (it may be what faulted).
    ++losses_;
    std::fprintf(stderr,
                 "parawork-host: the screen worker %s (%llu lost so far); the screen "
                 "starts blank\n",
                 why, static_cast<unsigned long long>(losses_));
    stop();
    ensureWorker();
}

bool ScreenProcess::ensureWorker() {
    if (socket_) return true;
    try {
        start();
        return true;
    } catch (const core::Error& e) {
        std::fprintf(stderr, "parawork-host: %s\n", e.what());  // retried at the next request
        return false;
    }
}

void ScreenProcess::flush() {
    while (socket_ && !outbox_.empty()) {
        ssize_t n = ::send(socket_.get(), outbox_.data(), outbox_.size(), MSG_NOSIGNAL);
        if (n > 0) {
            outbox_.erase(0, static_cast<std::size_t>(n));
            lastProgress_ = Clock::now();
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (Clock::now() - lastProgress_ > kWorkerReplyTimeout) lose("stopped taking output");
            return;
        } else {
            return lose("is gone");
        }
    }
}

void ScreenProcess::onPollEvents(short revents) {
    if (revents & (POLLHUP | POLLERR | POLLNVAL)) return lose("is gone");
    if (revents & POLLOUT) flush();
}

bool ScreenProcess::flushUntil(Clock::time_point deadline) {
    for (;;) {
        std::uint64_t before = losses_;
        flush();
        if (losses_ != before || !socket_) return false;
        if (outbox_.empty()) return true;
        if (!waitFor(socket_.get(), POLLOUT, deadline)) return false;
    }
}

std::optional<Frame> ScreenProcess::call(MessageType type, std::string_view payload) {
    auto deadline = Clock::now() + kWorkerReplyTimeout;
    if (!ensureWorker()) return std::nullopt;
    appendFrame(outbox_, type, payload);
    std::uint64_t before = losses_;
    if (flushUntil(deadline))
        if (auto reply = receiveFrame(socket_.get(), deadline)) return reply;
    // Found gone on the way: the fresh worker is not the one that failed to answer.
    if (losses_ == before) lose("did not answer");
    return std::nullopt;
}

void ScreenProcess::feed(std::string_view bytes) {
    if (!ensureWorker()) return;
    if (outbox_.empty()) lastProgress_ = Clock::now();
    for (std::size_t pos = 0; pos < bytes.size(); pos += kMaxRequestPayload)
        appendFrame(outbox_, MessageType::Input, bytes.substr(pos, kMaxRequestPayload));
    flush();
}

void ScreenProcess::resize(int cols, int rows) {
    WindowSize size = clampWindowSize(static_cast<std::uint32_t>(std::max(cols, 1)),
                                      static_cast<std::uint32_t>(std::max(rows, 1)));
    cols_ = size.cols;
    rows_ = size.rows;
    if (!ensureWorker()) return;
    if (outbox_.empty()) lastProgress_ = Clock::now();
    appendFrame(outbox_, MessageType::Resize, encodeResize(size));
    flush();
}

std::string ScreenProcess::modesToCarryOver() {
    auto reply = call(MessageType::Status, {});
    if (!reply) return {};
    PayloadReader in(reply->payload);
    std::string out = in.u8() != 0 ? "\x1b[?1049h" : "";
    std::string title;
    for (char c : in.rest())  // kept printable: it is replayed inside an OSC
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) title += c;
    if (!title.empty()) out += "\x1b]2;" + title + "\x07";
    return out;
}

void ScreenProcess::clear() {
    std::string modes = modesToCarryOver();
    stop();
    start();
    if (!modes.empty()) feed(modes);
}

ScreenPicture ScreenProcess::snapshot() {
    if (auto reply = call(MessageType::Snapshot, {})) {
        try {
            SnapshotReply decoded = decodeSnapshotReply(reply->payload);
            return {std::move(decoded.bytes), decoded.offset};
        } catch (const ProtocolError&) {
        }
    }
    return {Screen(cols_, rows_).snapshot(), 0};
}

std::optional<ScreenText> ScreenProcess::text() {
    auto reply = call(MessageType::ScreenText, {});
    if (!reply || static_cast<MessageType>(reply->type) != MessageType::ScreenTextReply)
        return std::nullopt;
    try {
        return decodeScreenText(reply->payload);
    } catch (const ProtocolError&) {
        return std::nullopt;
    }
}
}  // namespace parawork::host
