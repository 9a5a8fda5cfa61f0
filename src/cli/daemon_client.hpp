// The CLI's connection to its daemon over the unix socket (no token needed: the socket's
// permissions are the authentication, DESIGN §7). When no daemon answers it starts one, like
// tmux and watchman do: the same binary, `serve`, detached in its own session, output appended
// to <data dir>/daemon.out. PARAWORK_NO_AUTOSTART=1 turns that off.
#pragma once

#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "api/http_client.hpp"
#include "daemon/paths.hpp"

namespace parawork::cli {

struct ConnectOptions {
    std::optional<std::filesystem::path> home;  ///< passed on to `serve --home`
    bool autostart = true;
    /// What to do when no daemon runs and `autostart` is off (the `not_running` error's hint).
    std::string notRunningHint = "start one with `parawork serve` (PARAWORK_NO_AUTOSTART=1 is set)";
    std::chrono::milliseconds startTimeout = std::chrono::seconds(10);
};

class DaemonClient {
  public:
    /// Connects to the daemon of `paths`, starting it when allowed. Throws CliError
    /// (`not_running`, `autostart_failed`) when there is none to talk to.
    static DaemonClient connect(const daemon::Paths& paths, const ConnectOptions& options);

    /// One API call; answers the envelope's `data` (null when absent). A refusal throws
    /// CliError with the daemon's message and a code from the status (errorCodeForStatus).
    boost::json::value call(const std::string& method, const std::string& target,
                            const std::optional<boost::json::object>& body = std::nullopt);
    boost::json::value get(const std::string& target) { return call("GET", target); }
    boost::json::value post(const std::string& target, const boost::json::object& body = {}) {
        return call("POST", target, body);
    }
    boost::json::value del(const std::string& target) { return call("DELETE", target); }

    const api::Endpoint& endpoint() const { return endpoint_; }
    /// True when this invocation started the daemon.
    bool started() const { return started_; }

  private:
    DaemonClient(api::Endpoint endpoint, bool started);
    api::Endpoint endpoint_;
    api::HttpClient http_;
    bool started_ = false;
};

/// not_found (404), invalid (400, 413, 415), conflict (409), forbidden (401, 403),
/// daemon_error (5xx and anything else).
std::string errorCodeForStatus(unsigned status);

}  // namespace parawork::cli
