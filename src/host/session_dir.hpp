// The session directory a host owns (docs/host-protocol.md, "Files"): its socket, pid file, exit
// record, output log and diagnostics. One host per directory, enforced by a lock on host.pid.
#pragma once

#include <sys/types.h>

#include <filesystem>

#include "core/unique_fd.hpp"

namespace parawork::host {

/// The well-known paths inside a session directory.
struct SessionPaths {
    std::filesystem::path dir;

    std::filesystem::path socket() const { return dir / "host.sock"; }
    std::filesystem::path pidFile() const { return dir / "host.pid"; }
    std::filesystem::path exitFile() const { return dir / "exit.json"; }
    std::filesystem::path logDir() const { return dir / "log"; }
    std::filesystem::path hostLog() const { return dir / "host.log"; }
};

/// The exclusive claim on a session directory: an flock on host.pid, held for the host's life
/// (the descriptor is inherited across the detaching forks, so the lock follows the host).
class SessionDirLock {
  public:
    /// Creates `dir` (0700) or verifies it: a directory owned by us, tightened to 0700. Refuses a
    /// directory with an exit record (a finished session) or a running host. Throws core::Error.
    static SessionDirLock acquire(const std::filesystem::path& dir);

    /// Replaces host.pid's content with "<pid>\n".
    void writePid(pid_t pid);

  private:
    explicit SessionDirLock(core::UniqueFd fd) : fd_(std::move(fd)) {}
    core::UniqueFd fd_;
};

}  // namespace parawork::host
