// Session hosts a test left behind. Hosts outlive their daemon by design (a daemon restart must
// not end the sessions), so a test that ends — or crashes — ends the ones of its own home.
// Plain C++ (no parawork room): the reaper process (reaper/main.cpp) builds it too.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <vector>

namespace parawork::test {

/// The session hosts running for a daemon home (`parawork-host --dir <home>/data/sessions/…`).
std::vector<pid_t> hostsUnder(const std::filesystem::path& home);

/// Ends the session hosts under `home`: TERM twice ends the session's command (TERM, then KILL
/// to its group), and the host exits after.
void endHostsUnder(const std::filesystem::path& home);

/// endHostsUnder, then waits until they are gone; whatever still runs after `patience` gets
/// SIGKILL. Returns true when none is left.
bool endHostsUnderAndWait(const std::filesystem::path& home, std::chrono::milliseconds patience);

}  // namespace parawork::test
