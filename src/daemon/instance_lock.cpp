// flock(2) rather than a pid file alone: the kernel releases it when the holder dies, so there is
// no stale-pid guessing. The pid written into the file is only for the error message.
#include "daemon/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <string>
#include <thread>

namespace parawork::daemon {
namespace {

/// The pid recorded in the lock file, if any.
std::optional<pid_t> readPid(int fd) {
    char buf[32];
    ssize_t n = ::pread(fd, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(buf, buf + n, pid);
    if (ec != std::errc() || pid <= 0) return std::nullopt;
    return pid;
}

/// flock without blocking; false when someone else holds a conflicting lock.
bool tryLock(int fd, int operation, const std::filesystem::path& path) {
    while (::flock(fd, operation | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) return false;
        if (errno != EINTR) core::throwErrno("cannot lock " + path.string());
    }
    return true;
}

core::UniqueFd openLockFile(const std::filesystem::path& path, int flags) {
    core::UniqueFd fd(::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd && errno != ENOENT) core::throwErrno("cannot open lock file " + path.string());
    return fd;
}

[[noreturn]] void throwAlreadyRunning(const std::filesystem::path& path, std::optional<pid_t> pid) {
    std::string who = pid ? "pid " + std::to_string(*pid) : "pid unknown";
    throw AlreadyRunning("another parawork daemon is already running for this home (" + who +
                             ", lock " + path.string() + ")",
                         pid);
}

}  // namespace

InstanceLock InstanceLock::acquire(const std::filesystem::path& lockFile) {
    core::UniqueFd fd = openLockFile(lockFile, O_RDWR | O_CREAT);
    if (!fd) core::throwErrno("cannot create lock file " + lockFile.string());
    // A holder writes its pid right after locking, and holderPid() probes for a moment:
    // a short retry tells those apart from a daemon that really runs.
    for (int attempt = 0;; ++attempt) {
        if (tryLock(fd.get(), LOCK_EX, lockFile)) break;
        auto pid = readPid(fd.get());
        if (pid || attempt == 10) throwAlreadyRunning(lockFile, pid);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    int raw = fd.get();
    InstanceLock lock(std::move(fd), lockFile);  // from here the destructor releases it
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(raw, 0) != 0 || ::pwrite(raw, pid.data(), pid.size(), 0) < 0)
        core::throwErrno("cannot write pid to lock file " + lockFile.string());
    return lock;
}

std::optional<pid_t> InstanceLock::holderPid(const std::filesystem::path& lockFile) {
    core::UniqueFd fd = openLockFile(lockFile, O_RDONLY);
    if (!fd) return std::nullopt;  // no file: nobody ever ran here
    if (tryLock(fd.get(), LOCK_SH, lockFile)) {
        ::flock(fd.get(), LOCK_UN);  // we got it, so nobody holds it
        return std::nullopt;
    }
    return readPid(fd.get());
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept = default;

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
    if (this != &other) {
        release();
        fd_ = std::move(other.fd_);
        path_ = std::move(other.path_);
    }
    return *this;
}

InstanceLock::~InstanceLock() {
    release();
}

void InstanceLock::release() noexcept {
    if (!fd_) return;
    // Clear the pid while still holding the lock, so nobody reads a stale one; the file itself
    // stays, because unlinking a lock file lets two processes lock different inodes.
    (void)::ftruncate(fd_.get(), 0);
    fd_.reset();  // closing the last descriptor drops the flock
}

}  // namespace parawork::daemon
