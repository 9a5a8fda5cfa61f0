// Blocking I/O helpers for the host's descriptors (see fd_io.hpp).
#include "host/fd_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/error.hpp"

namespace parawork::host {

void writeAll(int fd, std::string_view bytes, std::string_view what) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            core::throwErrno(what);
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string readUpTo(int fd, std::size_t limit, std::string_view what) {
    std::string out;
    char buffer[4096];
    while (out.size() < limit) {
        std::size_t want = std::min(sizeof buffer, limit - out.size());
        ssize_t n = ::read(fd, buffer, want);
        if (n < 0) {
            if (errno == EINTR) continue;
            core::throwErrno(what);
        }
        if (n == 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

std::size_t preadFull(int fd, char* buffer, std::size_t size, off_t offset, std::string_view what) {
    std::size_t done = 0;
    while (done < size) {
        ssize_t n = ::pread(fd, buffer + done, size - done, offset + static_cast<off_t>(done));
        if (n < 0) {
            if (errno == EINTR) continue;
            core::throwErrno(what);
        }
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    return done;
}

void setNonBlocking(int fd) {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        core::throwErrno("fcntl O_NONBLOCK");
}

}  // namespace parawork::host
