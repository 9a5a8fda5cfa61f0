// The host's descendants after the session is over. The host is a child subreaper, so every
// orphaned process of the session is re-parented to it; these functions find and end them
// (platform notes: "child subreaper + killpg + kill children until ECHILD" leaves no survivor).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <vector>

namespace parawork::host {

/// The direct children of `pid` (from /proc/<pid>/task/<pid>/children, or a /proc scan when the
/// kernel lacks that file).
std::vector<pid_t> childrenOf(pid_t pid);

/// Sends `signo` to each child of this process but `spare` (the host's own screen worker) and to
/// the process group it leads, if any. Returns how many children there were.
std::size_t signalChildren(int signo, pid_t spare);

/// SIGKILLs children and reaps them, round after round (killing a parent hands its children to
/// us), until none is left or `budget` has passed. Returns how many are left (unkillable ones,
/// e.g. in uninterruptible sleep).
std::size_t killAllChildren(std::chrono::milliseconds budget, pid_t spare);

}  // namespace parawork::host
