// Starting the session's command in a new PTY (what forkpty does, with the fork discipline of
// STYLE §16): every array the child needs is built before fork; between fork and exec the child
// makes only async-signal-safe calls. A command that cannot run writes
// "parawork: cannot run 'foo': <reason>" to the terminal and exits 127 (not found) or 126 (not
// executable, or the cwd is unusable).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/unique_fd.hpp"
#include "host/host_protocol.hpp"

namespace parawork::host {

/// What to run and where.
struct SpawnRequest {
    std::vector<std::string> argv;  ///< argv[0] is looked up in PATH unless it contains '/'
    std::vector<std::string> env;   ///< "NAME=value" entries, passed as they are
    std::filesystem::path cwd;
    WindowSize size;
    mode_t umask = 022;  ///< the child's umask (the host itself runs with 077)
    /// cgroup.procs files the child writes itself into before exec; it fails (126) if it cannot.
    std::vector<std::filesystem::path> cgroupProcFiles;
};

/// A started command.
struct PtyChild {
    core::UniqueFd master;  ///< non-blocking, close-on-exec
    pid_t pid = -1;
    core::UniqueFd pidfd;          ///< pollable exit notification (empty on kernels < 5.3)
    std::optional<int> execErrno;  ///< set when the command never ran (chdir or exec failed)
};

/// The host's environment for the command: `environ` as it is, plus TERM=xterm-256color when
/// TERM is unset.
std::vector<std::string> childEnvironment(char** environ);

/// Opens a PTY of `request.size` (cooked, OPOST|ONLCR, IUTF8), forks, and runs the command with
/// the slave as its controlling terminal and stdio. Waits (briefly) until the child has exec'd or
/// failed, so execErrno is known on return. Throws core::Error if the PTY or fork fails.
PtyChild spawnInPty(const SpawnRequest& request);

}  // namespace parawork::host
