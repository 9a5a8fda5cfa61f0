// The user terminal endpoints (protocol §4.5, §8): one login shell per workspace for the right
// panel's Terminal tab. Unlike the original it runs in a session host like every other session
// (kind Terminal; its terminalId is the session id), so it survives a daemon restart, and the
// shell a client asks for must be a login shell listed in /etc/shells.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/router.hpp"
#include "workspace/workspace_service.hpp"

namespace parawork::api {

/// The shells of an /etc/shells text: one path a line, blank lines and `#` comments skipped
/// (as getusershell(3) reads it).
std::vector<std::string> parseLoginShells(std::string_view text);

/// The shells listed in `file`; none when it cannot be read.
std::vector<std::string> readLoginShells(const std::filesystem::path& file = "/etc/shells");

/// Why `shell` cannot run a user terminal, or nullopt: it must be an absolute path, listed
/// verbatim in `loginShells`, and an executable regular file.
std::optional<std::string> shellProblem(const std::string& shell,
                                        const std::vector<std::string>& loginShells);

/// The shell of a terminal whose request names none: `shellVariable` ($SHELL) when it passes
/// shellProblem, else /bin/bash.
std::string defaultShell(const char* shellVariable, const std::vector<std::string>& loginShells);

/// The rule of one terminal per workspace is `workspaces`' (workspace::WorkspaceService).
void addTerminalRoutes(Router& router, workspace::WorkspaceService& workspaces);

}  // namespace parawork::api
