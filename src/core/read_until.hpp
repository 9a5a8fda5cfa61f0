// The one bounded read of the tree (STYLE §8, §24): a descriptor (or a child's stdout and stderr
// side by side) read with poll(2) until its end, a deadline or a size limit, whichever comes
// first, and the reason it stopped. The child-process runners (git, the session host's launch,
// tool versions, commands) all read their children through it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/unique_fd.hpp"

namespace parawork::core {

/// Why reading one descriptor stopped.
enum class ReadStop {
    eof,        ///< the writer closed its end (or read(2) said 0)
    deadline,   ///< the deadline passed first
    limit,      ///< more than `limit` bytes came (only with PastLimit::stop)
    error,      ///< read(2) or poll(2) failed; ReadResult::error holds errno
    cancelled,  ///< the caller's `cancelled` said so
};

/// What to do with the bytes that come after the first `limit`.
enum class PastLimit {
    stop,  ///< stop reading that descriptor (ReadStop::limit); the rest stays unread
    drop,  ///< read on to the end and drop them: a child's pipe must be drained or it blocks
};

struct ReadResult {
    std::string data;  ///< what was read, at most `limit` bytes
    ReadStop stop = ReadStop::eof;
    bool truncated = false;   ///< more than `limit` bytes came
    int error = 0;            ///< errno, when stop == ReadStop::error
    bool pollFailed = false;  ///< the error came from poll(2), not from read(2)
};

/// Bytes for a child's stdin, written while its output is read, as the pipe takes them. The
/// descriptor is made non-blocking and closed when everything is written (the child sees EOF)
/// or the child closed its end (the rest is not wanted). SIGPIPE never ends the process.
struct Feed {
    UniqueFd fd;
    std::string_view left;
};

using ReadClock = std::chrono::steady_clock;

/// Reads `fd` until EOF, `deadline` or `limit` (see PastLimit). EINTR and EAGAIN are retried.
ReadResult readUntil(int fd, ReadClock::time_point deadline, std::size_t limit,
                     PastLimit pastLimit = PastLimit::stop);

/// Reads every descriptor of `fds` side by side until each has stopped (reading one to its end
/// first could leave a child blocked on writing another), at most `limit` bytes each, feeding
/// `feed` (if any) meanwhile. Results are in the order of `fds`; when the deadline passes or
/// poll(2) fails, every descriptor still open stops with that reason. `cancelled` (if any) is
/// asked every kCancelCheck at most: when it says true, every open descriptor stops with
/// ReadStop::cancelled. Either way, what the descriptors hold already is read first: output
/// written before a cancellation or the deadline is kept.
std::vector<ReadResult> readUntil(std::span<const int> fds, ReadClock::time_point deadline,
                                  std::size_t limit, PastLimit pastLimit, Feed* feed = nullptr,
                                  const std::function<bool()>& cancelled = {});

inline constexpr std::chrono::milliseconds kCancelCheck{100};

}  // namespace parawork::core
