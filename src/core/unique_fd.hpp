// An owned file descriptor (STYLE §6): closed exactly once, by its owner, on every path. The one
// fd owner of the tree (STYLE §24): the host, the daemon's rooms and the CLI all use it.
#pragma once

#include <unistd.h>

#include <utility>

namespace parawork::core {

/// Owns one file descriptor; -1 means "none". Move-only.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

    /// Gives up ownership without closing.
    int release() { return std::exchange(fd_, -1); }

    /// Closes the owned descriptor (if any) and takes `fd`. close(2) errors are ignored: the
    /// descriptor is gone either way, and retrying on EINTR could close someone else's fd.
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

    /// Closes now and reports whether close(2) succeeded (a failed close can mean a lost write,
    /// which a file that must reach the disk cares about). The descriptor is gone either way.
    bool close() { return ::close(release()) == 0; }

  private:
    int fd_ = -1;
};

}  // namespace parawork::core
