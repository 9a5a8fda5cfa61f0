// `parawork serve`: wires the rooms together — paths, configuration, the instance lock, the
// store, the worker pool, the HTTP/WebSocket server — and runs the event loop until SIGTERM.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parawork::daemon {

struct ServeOptions {
    std::optional<std::filesystem::path> home;  ///< --home (beats PARAWORK_HOME)
    /// Flag overrides as (config key, value, flag name), applied after file and environment.
    std::vector<std::tuple<std::string, std::string, std::string>> overrides;
};

/// Runs the daemon in the foreground. Returns the process exit code; start-up errors are
/// printed to stderr as one clear line.
int serve(const ServeOptions& options);

}  // namespace parawork::daemon
