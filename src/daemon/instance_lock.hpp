// One daemon per home (STYLE §17): an flock(2) on <data>/daemon.lock, held for the daemon's
// lifetime. The kernel drops it when the process dies, so a crash never leaves a stale lock.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/unique_fd.hpp"

namespace parawork::daemon {

/// Another daemon holds the lock for this home.
class AlreadyRunning : public core::Error {
  public:
    AlreadyRunning(const std::string& message, std::optional<pid_t> pid)
        : core::Error(message), pid_(pid) {}
    /// The holder's pid, when it had written it.
    std::optional<pid_t> pid() const { return pid_; }

  private:
    std::optional<pid_t> pid_;
};

/// The exclusive lock of one home, released on destruction. Move-only.
class InstanceLock {
  public:
    /// Takes the lock without waiting and records our pid in the file. Throws AlreadyRunning
    /// ("another parawork daemon is already running for this home (pid N, lock <path>)") when
    /// it is held, core::Error when the file cannot be opened.
    static InstanceLock acquire(const std::filesystem::path& lockFile);

    /// The pid of the process holding the lock on `lockFile`, or nullopt when nobody holds it
    /// (or the holder has not yet written its pid). Never takes the lock for longer than a probe.
    static std::optional<pid_t> holderPid(const std::filesystem::path& lockFile);

    InstanceLock(InstanceLock&& other) noexcept;
    InstanceLock& operator=(InstanceLock&& other) noexcept;
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;
    ~InstanceLock();

    const std::filesystem::path& path() const { return path_; }

  private:
    InstanceLock(core::UniqueFd fd, std::filesystem::path path)
        : fd_(std::move(fd)), path_(std::move(path)) {}
    void release() noexcept;

    core::UniqueFd fd_;
    std::filesystem::path path_;
};

}  // namespace parawork::daemon
