// The parawork events of a user terminal (protocol §6.5, §8): the right panel's shell is a session
// of kind Terminal, and its viewers see `user_terminal_*` events instead of the agent's
// `terminal_data` / `session_completed`.
#pragma once

#include <optional>
#include <string>

namespace parawork::session {

/// `{"type":"user_terminal_started","data":{terminalId, workspaceId, pid}}`
std::string userTerminalStarted(const std::string& terminalId, const std::string& workspaceId,
                                int pid);

/// `{"type":"user_terminal_exited","data":{terminalId, workspaceId, exitCode, signal}}`:
/// exitCode is null when the shell was ended by a signal (then `signal`, our addition, says
/// which) or its host was lost.
std::string userTerminalExited(const std::string& terminalId, const std::string& workspaceId,
                               std::optional<int> exitCode, std::optional<int> signal);

}  // namespace parawork::session
