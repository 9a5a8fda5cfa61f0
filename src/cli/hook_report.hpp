// What an agent's hook runs (issue 19): one hook event — its JSON on stdin, or as the last
// argument (Codex's notify) — posted to the daemon for the session in PARAWORK_SESSION_ID. Never
// blocks the agent (2 s to read, 2 s to post), never starts a daemon, prints nothing on stdout and
// always exits 0; why a call was refused goes to stderr only with PARAWORK_HOOK_DEBUG set (agents
// draw hook output over their screens). Shared by the `parawork hook` verb and `parawork-hook`,
// the small binary agents run (it skips the CLI's and the daemon's libraries: a hook call is
// mostly process start).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace parawork::cli {

/// Reads the event (the last of `args`, else stdin) and posts it to the daemon at `socket`.
/// Returns 0, always.
int reportHook(const std::filesystem::path& socket, const std::vector<std::string>& args);

/// parawork-hook's arguments: `--socket PATH` sets `socket`; other flags are ignored (an agent
/// may add its own); the rest are returned in order.
std::vector<std::string> positionalArguments(int argc, char** argv, std::filesystem::path& socket);

}  // namespace parawork::cli
