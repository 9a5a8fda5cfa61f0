// Where parawork keeps its files (DESIGN §6.4): XDG base directories by default, everything under
// one directory with PARAWORK_HOME or --home (how tests stay isolated).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::daemon {

/// The directories of one parawork installation, all absolute.
struct Paths {
    std::filesystem::path configDir, dataDir, runtimeDir, worktreeBase;

    std::filesystem::path configFile() const { return configDir / "config.toml"; }
    std::filesystem::path databaseFile() const { return dataDir / "parawork.db"; }
    std::filesystem::path tokenFile() const { return dataDir / "token"; }
    std::filesystem::path lockFile() const { return dataDir / "daemon.lock"; }
    std::filesystem::path logFile() const { return dataDir / "logs" / "parawork.log"; }
    std::filesystem::path sessionsDir() const { return dataDir / "sessions"; }
    std::filesystem::path socketFile() const { return runtimeDir / "parawork.sock"; }
    /// daemon.json: pid, port and url of the running daemon, for the CLI.
    std::filesystem::path daemonInfoFile() const { return runtimeDir / "daemon.json"; }
};

/// Looks up an environment variable; nullopt when unset. A function so tests can fake it.
using GetEnv = std::function<std::optional<std::string>(std::string_view)>;

/// The real process environment (getenv).
GetEnv processEnv();

/// Resolves the directories. `home` (from --home) wins over PARAWORK_HOME; with a home:
/// config=<home>/config, data=<home>/data, runtime=<home>/run, worktrees=<home>/workspaces.
/// Without one: $XDG_CONFIG_HOME/parawork (else ~/.config/parawork), $XDG_DATA_HOME/parawork
/// (else ~/.local/share/parawork), $XDG_RUNTIME_DIR/parawork (else /tmp/parawork-<uid>), and
/// worktrees in ~/.parawork/workspaces. Relative XDG values are ignored, as the XDG spec says;
/// a relative home is made absolute against the current directory. Pure: touches no files.
/// Throws core::Error when HOME is needed but unset or relative.
Paths resolvePaths(std::optional<std::filesystem::path> home, const GetEnv& env);

/// Creates the config, data, sessions and logs directories (0700 when created) and the runtime
/// directory. The runtime directory holds the control socket, so it must be a real directory
/// owned by us with mode 0700: it is created so when missing and refused otherwise — never
/// chmod-ed, since we did not make it. Also refuses a socket path longer than sockaddr_un allows.
/// Every failure is a core::Error that names the path and says what to do.
void preparePaths(const Paths& paths);

}  // namespace parawork::daemon
