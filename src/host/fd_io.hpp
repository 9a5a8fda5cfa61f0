// Blocking reads and writes on file descriptors that retry EINTR and short transfers, and the
// fcntl flags the host sets on every descriptor it owns.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace parawork::host {

/// Writes all of `bytes` to a blocking `fd`; throws core::Error("<what>: <errno>") on failure.
void writeAll(int fd, std::string_view bytes, std::string_view what);

/// Reads from `fd` until EOF or `limit` bytes; throws core::Error on failure.
std::string readUpTo(int fd, std::size_t limit, std::string_view what);

/// Reads up to `size` bytes at `offset` (pread), stopping early only at EOF. Returns the count.
std::size_t preadFull(int fd, char* buffer, std::size_t size, off_t offset, std::string_view what);

/// Sets O_NONBLOCK on `fd`; throws core::Error on failure.
void setNonBlocking(int fd);

}  // namespace parawork::host
