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

/// Where the detached host reports its start: exactly once.
class ReadinessReporter {
  public:
    /// To the foreground process, through the readiness pipe (detachFromCaller).
    static ReadinessReporter toForeground(core::UniqueFd pipe) {
        return ReadinessReporter(std::move(pipe), {});
    }
    /// Straight to the caller (a standby host): the JSON line on `out`, the reason on `err`.
    static ReadinessReporter toCaller(core::UniqueFd out, core::UniqueFd err) {
        return ReadinessReporter(std::move(out), std::move(err));
    }
    /// The host is listening: {"pid":…,"childPid":…} reaches the caller.
    void ready(pid_t hostPid, pid_t childPid);
    /// Start-up failed: "parawork-host: <message>" reaches the caller.
    void failed(std::string_view message);

  private:
    ReadinessReporter(core::UniqueFd out, core::UniqueFd err)
        : out_(std::move(out)), err_(std::move(err)) {}
    core::UniqueFd out_;  ///< the readiness pipe, or the caller's stdout
    core::UniqueFd err_;  ///< empty for the readiness pipe
};

/// Forks twice. Returns only in the detached grandchild. The foreground process waits up to
/// `readyTimeout` for the report, then exits with the outcome; the intermediate exits at once.
/// Throws core::Error if the first fork fails (nothing has been detached then).
ReadinessReporter detachFromCaller(std::chrono::milliseconds readyTimeout);

/// Forks twice like detachFromCaller, but the foreground process exits 0 at once (once the
/// intermediate has): for a standby host, whose caller reaps it and talks to the detached
/// grandchild through the descriptors it inherited. Returns only in the grandchild.
void detachNow();

/// Makes sure descriptors 0, 1 and 2 are open (on /dev/null), so that no descriptor the host
/// opens later lands on them by accident.
void ensureStdioOpen();

/// Points stdin at /dev/null and stdout/stderr at `logFile` (appending), so the detached host
/// holds nothing of the caller's (a caller reading our stdout sees EOF when we detach).
void redirectStdio(const char* logFile);

}  // namespace parawork::host
