// Going to the background the way daemons do (STYLE §17): the process the caller started stays
// in the foreground until the detached host reports readiness over a pipe, then prints
// {"pid":…,"childPid":…} and exits 0; or prints the start-up error and exits 1. In between, an
// intermediate child calls setsid() and forks again, so the host is in its own session, is not a
// session leader (it can never acquire a controlling terminal), and is not the caller's child.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string_view>

#include "core/unique_fd.hpp"

namespace parawork::host {

/// The detached host's end of the readiness pipe. Report exactly once.
class ReadinessReporter {
  public:
    explicit ReadinessReporter(core::UniqueFd pipe) : pipe_(std::move(pipe)) {}
    /// The host is listening: the foreground process prints the JSON line and exits 0.
    void ready(pid_t hostPid, pid_t childPid);
    /// Start-up failed: the foreground process prints `message` and exits 1.
    void failed(std::string_view message);

  private:
    core::UniqueFd pipe_;
};

/// Forks twice. Returns only in the detached grandchild. The foreground process waits up to
/// `readyTimeout` for the report, then exits with the outcome; the intermediate exits at once.
/// Throws core::Error if the first fork fails (nothing has been detached then).
ReadinessReporter detachFromCaller(std::chrono::milliseconds readyTimeout);

/// Makes sure descriptors 0, 1 and 2 are open (on /dev/null), so that no descriptor the host
/// opens later lands on them by accident.
void ensureStdioOpen();

/// Points stdin at /dev/null and stdout/stderr at `logFile` (appending), so the detached host
/// holds nothing of the caller's (a caller reading our stdout sees EOF when we detach).
void redirectStdio(const char* logFile);

}  // namespace parawork::host
