// What every CLI command shares: the global flags, the error type that carries a stable code,
// the lazily connected daemon client, and the one place where errors become output (stderr with
// a hint, or `{"error":…,"code":…}` with --json) and exit codes.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "core/error.hpp"
#include "daemon/paths.hpp"

namespace parawork::cli {

class DaemonClient;

/// Exit codes (docs/cli.md): any failure (the JSON `code` tells which), a usage error.
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// The global flags.
struct Globals {
    std::string home;
    bool json = false;
    std::optional<std::filesystem::path> homePath() const {
        return home.empty() ? std::nullopt : std::optional<std::filesystem::path>(home);
    }
};

/// A failure to report: `code` is stable for scripts (not_found, ambiguous, not_running, …);
/// `hint` says what to do next (human output only).
class CliError : public core::Error {
  public:
    CliError(const std::string& message, std::string code, std::string hint = {},
             int exitCode = kExitFailure)
        : core::Error(message), code(std::move(code)), hint(std::move(hint)), exitCode(exitCode) {}
    std::string code;
    std::string hint;
    int exitCode;
};

/// Per-invocation state handed to every command.
class Context {
  public:
    Context();
    ~Context();
    Globals globals;
    daemon::Paths paths() const;
    /// The daemon, connected on first use (starting it unless PARAWORK_NO_AUTOSTART=1).
    DaemonClient& client();

  private:
    std::unique_ptr<DaemonClient> client_;
};

/// False when PARAWORK_NO_AUTOSTART is set to anything but "" or "0".
bool autostartAllowed();

/// Runs a command body; a CliError (or any other exception) is printed as the output mode says
/// and turned into its exit code.
int runGuarded(const Context& ctx, const std::function<int()>& body);

/// Prints an error as --json or as "parawork: message" plus "hint: …" on stderr.
int printError(const Globals& g, const std::string& message, const std::string& code,
               const std::string& hint, int exitCode);

/// One JSON value on one line of stdout.
void printJson(const boost::json::value& value);

}  // namespace parawork::cli
