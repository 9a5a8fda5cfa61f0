#include "core/read_until.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace parawork::core {
namespace {

constexpr std::size_t kChunk = 64 * 1024;  // one read(2); a pipe holds 64 KiB by default

/// One descriptor being read; `open` until it has stopped.
struct Stream {
    int fd;
    ReadResult result;
    bool open = true;

    void finish(ReadStop why, int err = 0) {
        result.stop = why;
        result.error = err;
        open = false;
    }

    void readSome(std::size_t limit, PastLimit pastLimit) {
        char buffer[kChunk];
        std::size_t room = limit - std::min(limit, result.data.size());
        // When stopping at the limit, take at most one byte past it: that byte tells that more
        // came, and the rest stays unread for whoever reads the descriptor next.
        std::size_t want = pastLimit == PastLimit::stop && room < kChunk ? room + 1 : kChunk;
        ssize_t n = ::read(fd, buffer, want);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
        if (n < 0) return finish(ReadStop::error, errno);
        if (n == 0) return finish(ReadStop::eof);
        auto got = static_cast<std::size_t>(n);
        result.data.append(buffer, std::min(room, got));
        if (got <= room) return;
        result.truncated = true;
        if (pastLimit == PastLimit::stop) finish(ReadStop::limit);
    }
};

/// Writes to a pipe whose reader may have gone without letting SIGPIPE end this process: the
/// signal is blocked for this thread and a pending one is consumed. Returns write(2)'s result.
ssize_t writeWithoutSigpipe(int fd, const char* data, std::size_t size) {
    sigset_t pipeSignal, previous;
    sigemptyset(&pipeSignal);
    sigaddset(&pipeSignal, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous);
    ssize_t n = ::write(fd, data, size);
    int saved = errno;
    if (n < 0 && errno == EPIPE) {
        timespec zero{};
        while (::sigtimedwait(&pipeSignal, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    errno = saved;
    return n;
}

void writeSome(Feed& feed) {
    ssize_t n = writeWithoutSigpipe(feed.fd.get(), feed.left.data(), feed.left.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n < 0) return feed.fd.reset();  // the child closed its stdin: the rest is not wanted
    feed.left.remove_prefix(static_cast<std::size_t>(n));
    if (feed.left.empty()) feed.fd.reset();  // end of input
}

void startFeed(Feed* feed) {
    if (feed == nullptr || !feed->fd) return;
    int fd = feed->fd.get();
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (feed->left.empty()) feed->fd.reset();
}

/// Reads what the streams hold already, without waiting: a cancellation or the deadline ends the
/// wait, not the output written before it. Bounded (a writer may keep writing).
void readWhatIsThere(std::vector<Stream>& streams, std::size_t limit, PastLimit pastLimit) {
    constexpr int kMaxReads = 64;
    for (auto& stream : streams) {
        for (int i = 0; i < kMaxReads && stream.open; ++i) {
            pollfd ready{stream.fd, POLLIN, 0};
            if (::poll(&ready, 1, 0) <= 0 || (ready.revents & (POLLIN | POLLHUP)) == 0) break;
            stream.readSome(limit, pastLimit);
        }
    }
}

void stopAll(std::vector<Stream>& streams, ReadStop why, int err = 0) {
    for (auto& stream : streams) {
        if (!stream.open) continue;
        stream.finish(why, err);
        stream.result.pollFailed = why == ReadStop::error;
    }
}

/// One poll(2) over the open streams and the feed; false when reading is over for all.
bool step(std::vector<Stream>& streams, ReadClock::time_point deadline, std::size_t limit,
          PastLimit pastLimit, Feed* feed, const std::function<bool()>& cancelled) {
    if (cancelled && cancelled()) {
        readWhatIsThere(streams, limit, pastLimit);
        stopAll(streams, ReadStop::cancelled);
        return false;
    }
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - ReadClock::now());
    if (left.count() <= 0) {
        readWhatIsThere(streams, limit, pastLimit);
        stopAll(streams, ReadStop::deadline);
        return false;
    }
    if (cancelled) left = std::min(left, kCancelCheck);
    std::vector<pollfd> fds;
    for (const auto& stream : streams) fds.push_back({stream.open ? stream.fd : -1, POLLIN, 0});
    bool feeding = feed != nullptr && feed->fd;
    fds.push_back({feeding ? feed->fd.get() : -1, POLLOUT, 0});
    int ready = ::poll(fds.data(), fds.size(),
                       static_cast<int>(std::min<long long>(left.count(), INT_MAX)));
    if (ready < 0 && errno != EINTR) {
        stopAll(streams, ReadStop::error, errno);
        return false;
    }
    if (ready <= 0) return true;
    for (std::size_t i = 0; i < streams.size(); ++i)
        if (streams[i].open && fds[i].revents != 0) streams[i].readSome(limit, pastLimit);
    short fed = fds.back().revents;
    if (fed & (POLLERR | POLLHUP))
        feed->fd.reset();
    else if (fed & POLLOUT)
        writeSome(*feed);
    return true;
}

}  // namespace

std::vector<ReadResult> readUntil(std::span<const int> fds, ReadClock::time_point deadline,
                                  std::size_t limit, PastLimit pastLimit, Feed* feed,
                                  const std::function<bool()>& cancelled) {
    std::vector<Stream> streams;
    for (int fd : fds) streams.push_back({fd, {}});
    startFeed(feed);
    auto anyOpen = [&] {
        return std::any_of(streams.begin(), streams.end(), [](const Stream& s) { return s.open; });
    };
    while (anyOpen() && step(streams, deadline, limit, pastLimit, feed, cancelled)) {
    }
    std::vector<ReadResult> results;
    for (auto& stream : streams) results.push_back(std::move(stream.result));
    return results;
}

ReadResult readUntil(int fd, ReadClock::time_point deadline, std::size_t limit,
                     PastLimit pastLimit) {
    const int fds[] = {fd};
    return std::move(readUntil(fds, deadline, limit, pastLimit).front());
}

}  // namespace parawork::core
