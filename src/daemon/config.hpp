// The daemon's settings. One table (config.cpp) describes every setting — its key, environment
// variable, type, range and one-line doc — and drives the config.toml parser, environment and
// flag overrides, validation and the generated defaults file (STYLE §18: commands are data).
// Precedence: defaults < config.toml < PARAWORK_* environment < command-line flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agents.hpp"
#include "daemon/paths.hpp"

namespace parawork::daemon {

/// Effective settings. The member initialisers are the defaults; docs/configuration.md and
/// `parawork config defaults` describe each one.
struct Config {
    std::string host = "127.0.0.1";
    /// server.port as set (file, environment, flag): that port or none. Unset, kDefaultPort,
    /// which moves on to the next free port when another program has it (a dev server on 3000).
    std::optional<std::uint16_t> port;
    static constexpr std::uint16_t kDefaultPort = 3000;
    std::uint16_t listenPort() const { return port.value_or(kDefaultPort); }
    /// Extra Host header names accepted besides localhost, 127.0.0.1 and [::1].
    std::vector<std::string> allowedHosts;
    /// Extra Origins accepted, none by default: a page served there drives the daemon with the
    /// browser's login cookie (`serve` warns while any is set).
    std::vector<std::string> allowedOrigins;
    /// TLS certificate chain and private key (PEM); both or neither.
    std::optional<std::string> tlsCert;
    std::optional<std::string> tlsKey;
    /// A reverse proxy terminates TLS: X-Forwarded-* are believed from trustedProxies only.
    bool behindProxy = false;
    std::vector<std::string> trustedProxies{"127.0.0.1", "::1"};
    /// Plain HTTP on a non-loopback address, knowingly.
    bool insecure = false;
    /// Where people reach the UI ("https://parawork.example.com"): login links and the
    /// preview login redirect. Unset: derived from the listening address and preview.domain.
    std::optional<std::string> publicUrl;
    std::size_t maxBodyBytes = 1 << 20;
    std::size_t maxWsMessageBytes = 1 << 20;
    std::size_t maxWsSubscriptions = 50;
    int wsPingIntervalSec = 30;
    /// Time to receive a request's head, from the connection or the first byte after the
    /// previous request. A real client sends its head at once; a slow one only holds a socket.
    int requestHeadTimeoutMs = 15000;
    std::string logLevel = "info";  ///< trace debug info warn error off
    /// Overrides Paths::worktreeBase; absolute (a leading "~/" is expanded from HOME).
    std::optional<std::string> worktreeBase;
    std::size_t sessionLogMaxBytes = 64u << 20;
    int stopGraceMs = 5000;
    int workerThreads = 2;
    std::string branchPrefix = "parawork/";
    bool deleteBranchOnRemove = true;
    /// How a workspace merges back when neither the request nor parawork.toml says: ff, merge
    /// or squash; none: fast-forward when possible, else a merge commit.
    std::optional<std::string> mergeMode;
    /// Roots of the file APIs; empty means the user's home directory.
    std::vector<std::string> allowedRoots;
    int portsFirst = 20000;
    int portsLast = 32767;
    int portsBlockSize = 10;
    int portScanIntervalMs = 100;
    std::string previewDomain = "localhost";
    /// The port in preview URLs; 0: the daemon's own (set 443 behind a proxy on 443).
    int previewPublicPort = 0;
    int resourceSampleIntervalMs = 1000;
    bool resourceCgroups = true;
    /// Run the detected install commands as a new worktree's setup when parawork.toml has none.
    bool autoInstallDependencies = false;
    /// MCP calls from inside a session reach only that session's workspace (issue 21 §4).
    bool mcpConfineToWorkspace = false;
    /// Agents parawork starts get its MCP server for their session (issue 21 §5).
    bool mcpOfferToAgents = false;
    /// Outgoing notifications when an agent waits, finishes its turn or ends (issue 19): a
    /// command (argv) and/or a webhook; both empty: none. docs/configuration.md.
    std::vector<std::string> notifyCommand;
    std::optional<std::string> notifyWebhook;
    std::string notifyFormat = "json";  ///< the webhook's body: json, ntfy or slack
    int notifyTimeoutMs = 10000;        ///< each command or webhook call, then it is killed
    /// The agent profiles: the built-in ones as changed and extended by [agents.<name>].
    std::vector<core::AgentProfile> agents = core::builtinAgents();

    bool operator==(const Config&) const = default;
};

/// Reads `file` (missing = all defaults), then applies PARAWORK_* overrides from `env`.
/// Anything wrong in the file — a syntax error, an unknown key, a wrong type, a value out of
/// range — is a core::Error of the form "<file>:<line>:<column>: <key>: <problem>"; a bad
/// environment value is an Error naming the variable. Never falls back to defaults silently.
Config loadConfig(const std::filesystem::path& file, const GetEnv& env);

/// Sets one setting from text, as given on the command line. `key` is the dotted config key
/// (e.g. "server.port"); `source` names where the value came from (e.g. "--port") in errors.
/// Lists are comma-separated; a leading "~/" in a path is expanded from the process's HOME.
/// Throws core::Error for an unknown key or an invalid value, leaving `config` unchanged.
void applyOverride(Config& config, std::string_view key, std::string_view value,
                   std::string_view source);

/// Refuses settings that would expose the daemon carelessly: a non-loopback address with plain
/// HTTP unless `server.insecure`, half a TLS pair, a proxy mode without trusted proxies.
/// Throws core::Error explaining what to do.
void checkNetworkExposure(const Config& config);

/// The warning `serve` gives at start while server.allowed_origins is not empty: which
/// origins, and why that is risky. nullopt when none is allowed.
std::optional<std::string> allowedOriginsWarning(const Config& config);

/// Whether `host` (a server.host value) is a loopback address ("localhost", 127.0.0.0/8, ::1).
bool isLoopbackAddress(std::string_view host);

/// The environment variable that overrides `key`: PARAWORK_ + key upper-cased, '.' -> '_'
/// ("server.port" -> "PARAWORK_SERVER_PORT").
std::string envVarFor(std::string_view key);

/// A complete config.toml, generated from the settings table: every setting with its doc,
/// environment variable and default value. `parawork config defaults` prints it.
std::string defaultConfigToml();

}  // namespace parawork::daemon
