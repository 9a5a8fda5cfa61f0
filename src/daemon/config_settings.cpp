// The settings table and everything it drives. Adding a setting = one row in settings() plus a
// member in Config; parsing (config_toml.cpp), environment and flag overrides, validation and
// the generated config.toml follow from the row.
#include "daemon/config_settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>
#include <type_traits>
#include <utility>

#include <boost/asio/ip/address.hpp>

#include "core/agents.hpp"
#include "core/error.hpp"

namespace parawork::daemon {
namespace config_table {
namespace {

namespace fs = std::filesystem;

template <auto Member>
using MemberType = std::remove_cvref_t<decltype(std::declval<Config&>().*Member)>;

template <auto Member>
Setting integer(std::string_view key, std::int64_t min, std::int64_t max, std::string_view doc,
                std::string_view unsetExample = {}) {
    using Type = MemberType<Member>;
    return {key,
            Kind::Integer,
            doc,
            min,
            max,
            nullptr,
            [](Config& c, Value&& v) {
                if constexpr (requires { typename Type::value_type; })
                    c.*Member = static_cast<typename Type::value_type>(std::get<std::int64_t>(v));
                else
                    c.*Member = static_cast<Type>(std::get<std::int64_t>(v));
            },
            [](const Config& c) -> std::optional<Value> {
                if constexpr (requires { typename Type::value_type; }) {
                    if (!(c.*Member)) return std::nullopt;
                    return static_cast<std::int64_t>(*(c.*Member));
                } else {
                    return static_cast<std::int64_t>(c.*Member);
                }
            },
            unsetExample};
}

template <auto Member>
Setting text(std::string_view key, TextCheck check, std::string_view doc,
             std::string_view unsetExample = {}) {
    return {key,
            Kind::Text,
            doc,
            0,
            0,
            check,
            [](Config& c, Value&& v) { c.*Member = std::get<std::string>(std::move(v)); },
            [](const Config& c) -> std::optional<Value> {
                if constexpr (std::is_same_v<MemberType<Member>, std::string>)
                    return c.*Member;
                else if (c.*Member)
                    return *(c.*Member);
                else
                    return std::nullopt;
            },
            unsetExample};
}

template <auto Member>
Setting textList(std::string_view key, TextCheck check, std::string_view doc) {
    return {
        key,
        Kind::TextList,
        doc,
        0,
        0,
        check,
        [](Config& c, Value&& v) { c.*Member = std::get<std::vector<std::string>>(std::move(v)); },
        [](const Config& c) -> std::optional<Value> { return c.*Member; },
        {}};
}

template <auto Member>
Setting boolean(std::string_view key, std::string_view doc) {
    return {key,
            Kind::Boolean,
            doc,
            0,
            0,
            nullptr,
            [](Config& c, Value&& v) { c.*Member = std::get<bool>(v); },
            [](const Config& c) -> std::optional<Value> { return c.*Member; },
            {}};
}

bool hasSpace(const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c <= ' ' || c == 127; });
}

std::string checkHost(std::string& v, const GetEnv&) {
    return v.empty() || hasSpace(v) || v.find('/') != std::string::npos
               ? "expected a host name or IP address such as \"127.0.0.1\""
               : "";
}

std::string checkOrigin(std::string& v, const GetEnv&) {
    // An Origin header is scheme://host[:port] with no path; anything else would never match.
    auto scheme = v.find("://");
    bool ok = (v.starts_with("http://") || v.starts_with("https://")) && !hasSpace(v) &&
              v.size() > scheme + 3 && v.find('/', scheme + 3) == std::string::npos;
    return ok ? "" : "expected origins like \"http://localhost:5173\" (scheme://host[:port])";
}

std::string checkIpAddress(std::string& v, const GetEnv&) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(v, ec);
    return ec ? "expected an IP address such as \"127.0.0.1\"" : "";
}

std::string checkLogLevel(std::string& v, const GetEnv&) {
    static constexpr std::string_view kLevels[] = {"trace", "debug", "info",
                                                   "warn",  "error", "off"};
    return std::find(std::begin(kLevels), std::end(kLevels), v) != std::end(kLevels)
               ? ""
               : "expected one of trace, debug, info, warn, error, off";
}

std::string checkAbsolutePath(std::string& v, const GetEnv& env) {
    if (v.starts_with("~/")) {
        auto home = env("HOME");
        if (!home || !fs::path(*home).is_absolute())
            return "expected an absolute path (HOME is unset, so ~/ cannot be expanded)";
        v = (fs::path(*home) / v.substr(2)).lexically_normal().string();
    }
    return fs::path(v).is_absolute() ? "" : "expected an absolute path or one starting with ~/";
}

std::string checkBranchPrefix(std::string& v, const GetEnv&) {
    // The full branch name (prefix + slug) is validated with git's rules when it is used.
    bool ok = !hasSpace(v) && !v.starts_with('-') && !v.starts_with('/') &&
              v.find("..") == std::string::npos && v.size() <= 64;
    return ok ? "" : "expected a branch-name prefix such as \"parawork/\"";
}

std::string checkNotEmpty(std::string& v, const GetEnv&) {
    return v.empty() ? "expected a non-empty string" : "";
}

std::string checkWebhookUrl(std::string& v, const GetEnv&) {
    bool ok = (v.starts_with("http://") || v.starts_with("https://")) && !hasSpace(v) &&
              v.size() <= 2000 && v.find("://") + 3 < v.size();
    return ok ? "" : "expected an http:// or https:// URL such as \"https://ntfy.sh/my-topic\"";
}

std::string checkNotifyFormat(std::string& v, const GetEnv&) {
    return v == "json" || v == "ntfy" || v == "slack" ? "" : "expected json, ntfy or slack";
}

std::string checkMergeMode(std::string& v, const GetEnv&) {
    return v == "ff" || v == "merge" || v == "squash" ? "" : "expected ff, merge or squash";
}

std::string checkPreviewDomain(std::string& v, const GetEnv&) {
    bool ok = !v.empty() && v.size() <= 200 && v.front() != '.' && v.back() != '.' &&
              std::all_of(v.begin(), v.end(),
                          [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; });
    return ok ? "" : "expected a domain name such as \"localhost\"";
}

constexpr std::int64_t kGiB = kMiB << 10;

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

namespace {

/// The network edge: [server] and [limits].
std::vector<Setting> serverSettings() {
    return {
        text<&Config::host>("server.host", checkHost,
                            "Address to listen on. Loopback by default; other addresses expose "
                            "the API to the network (the token is always required over TCP)."),
        integer<&Config::port>("server.port", 0, 65535,
                               "TCP port of the web UI and API; 0 picks a free port. Unset: 3000, "
                               "or the next free port up to 3019 when another program has 3000.",
                               "3000"),
        textList<&Config::allowedHosts>(
            "server.allowed_hosts", checkHost,
            "Host header names accepted besides localhost, 127.0.0.1 and [::1] "
            "(protection against DNS rebinding)."),
        textList<&Config::allowedOrigins>(
            "server.allowed_origins", checkOrigin,
            "Browser Origins allowed besides the daemon's own (CSRF and cross-site WebSocket "
            "protection, CORS); none by default. A page served there can drive the daemon "
            "with your login cookie."),
        text<&Config::tlsCert>(
            "server.tls_cert", checkAbsolutePath,
            "TLS certificate chain (PEM). With server.tls_key, HTTP, WebSockets and previews are "
            "served over TLS on server.port.",
            "/etc/parawork/cert.pem"),
        text<&Config::tlsKey>("server.tls_key", checkAbsolutePath,
                              "TLS private key (PEM) of server.tls_cert; not readable by others.",
                              "/etc/parawork/key.pem"),
        boolean<&Config::behindProxy>(
            "server.behind_proxy",
            "A reverse proxy terminates TLS in front of the daemon: X-Forwarded-For/-Proto are "
            "believed from server.trusted_proxies only."),
        textList<&Config::trustedProxies>(
            "server.trusted_proxies", checkIpAddress,
            "Addresses of the reverse proxies whose X-Forwarded-* headers are believed."),
        boolean<&Config::insecure>(
            "server.insecure",
            "Allow plain HTTP on a non-loopback address (only inside a network you trust, e.g. "
            "WireGuard or Tailscale)."),
        text<&Config::publicUrl>(
            "server.public_url", checkOrigin,
            "Where people reach the UI, for login links and preview logins (default: from the "
            "listening address, and the preview domain for preview logins).",
            "https://parawork.example.com"),
        integer<&Config::workerThreads>(
            "server.worker_threads", 1, 64,
            "Threads for blocking work: git, SQLite, filesystem scans."),
        integer<&Config::wsPingIntervalSec>("server.ws_ping_interval_sec", 1, 3600,
                                            "Seconds between WebSocket pings to each client."),
        integer<&Config::maxBodyBytes>("limits.max_body_bytes", 1, 256 * kMiB,
                                       "Largest HTTP request body accepted, in bytes."),
        integer<&Config::maxWsMessageBytes>("limits.max_ws_message_bytes", 1, 256 * kMiB,
                                            "Largest WebSocket message accepted, in bytes."),
        integer<&Config::maxWsSubscriptions>(
            "limits.max_ws_subscriptions", 1, 10000,
            "Workspaces one WebSocket connection may subscribe to."),
        integer<&Config::requestHeadTimeoutMs>(
            "limits.request_head_timeout_ms", 100, 600000,
            "Milliseconds a client gets to send a request's head (from connecting, or from its "
            "first byte on a kept-alive connection); slower connections are closed."),
    };
}

/// What the daemon does: [log], [sessions], [paths], [git], [files], [ports], [preview],
/// [resources], [deps].
std::vector<Setting> workSettings() {
    return {
        text<&Config::logLevel>("log.level", checkLogLevel,
                                "Daemon log level: trace, debug, info, warn, error or off."),
        integer<&Config::sessionLogMaxBytes>(
            "sessions.log_max_bytes", 1, 1024 * kGiB,
            "Output kept per session, in bytes; the oldest output is dropped beyond it."),
        integer<&Config::stopGraceMs>(
            "sessions.stop_grace_ms", 0, 600000,
            "Milliseconds a stopped session gets after SIGTERM before SIGKILL."),
        text<&Config::worktreeBase>(
            "paths.worktree_base", checkAbsolutePath,
            "Directory for new git worktrees (default: ~/.parawork/workspaces, or "
            "<home>/workspaces with PARAWORK_HOME).",
            "/absolute/path/to/worktrees"),
        text<&Config::branchPrefix>(
            "git.branch_prefix", checkBranchPrefix,
            "Prefix of the branch each new workspace gets (\"parawork/\" gives parawork/<slug>)."),
        boolean<&Config::deleteBranchOnRemove>(
            "git.delete_branch_on_remove",
            "Delete a workspace's branch when the workspace is deleted (its worktree always "
            "goes)."),
        text<&Config::mergeMode>(
            "git.merge_mode", checkMergeMode,
            "How a workspace merges into its base when neither the request nor the "
            "repository's parawork.toml says: ff, merge or squash (default: fast-forward when "
            "possible, else a merge commit).",
            "squash"),
        textList<&Config::allowedRoots>(
            "files.allowed_roots", checkAbsolutePath,
            "Directories the file browser, repositories and workspaces may use (default: the "
            "user's home directory)."),
        integer<&Config::portsFirst>(
            "ports.first", 1024, 65535,
            "First port of the range workspace port blocks are carved from (PORT, "
            "PARAWORK_PORTS)."),
        integer<&Config::portsLast>("ports.last", 1024, 65535,
                                    "Last port of that range (below Linux's ephemeral ports)."),
        integer<&Config::portsBlockSize>("ports.block_size", 1, 1000,
                                         "Ports in each workspace's block."),
        integer<&Config::portScanIntervalMs>(
            "ports.scan_interval_ms", 20, 10000,
            "Milliseconds between scans for the ports sessions listen on (a netlink dump, "
            "~31 us)."),
        text<&Config::previewDomain>(
            "preview.domain", checkPreviewDomain,
            "Domain of preview origins: http://<port>-<workspace>.<domain>:<server.port>/. "
            "Browsers resolve *.localhost to this machine by themselves."),
        integer<&Config::previewPublicPort>(
            "preview.public_port", 0, 65535,
            "Port in preview URLs; 0 means server.port (set 443 behind a proxy listening on "
            "443)."),
        integer<&Config::resourceSampleIntervalMs>(
            "resources.sample_interval_ms", 100, 60000,
            "Milliseconds between samples of each running session's CPU, memory, I/O and "
            "processes."),
        boolean<&Config::resourceCgroups>(
            "resources.cgroups",
            "Give each session a cgroup where the machine allows it (limits held by the kernel); "
            "false: the /proc walk and the watchdog only."),
        boolean<&Config::autoInstallDependencies>(
            "deps.auto_install",
            "Install a new worktree's detected dependencies (npm ci, uv sync, ...) in a setup "
            "session before its agent starts, when its parawork.toml has no [setup] script."),
        boolean<&Config::mcpConfineToWorkspace>(
            "mcp.confine_to_workspace",
            "An agent calling parawork's MCP tools from inside a session reaches only that "
            "session's workspace and its sessions (docs/mcp.md, \"Who calls\")."),
        boolean<&Config::mcpOfferToAgents>(
            "mcp.offer_to_agents",
            "Agents parawork starts get parawork's MCP server for their session, given on their "
            "command line (Claude Code, Codex; docs/mcp.md, \"Agents parawork starts\"): their "
            "own configuration stays as it is."),
        textList<&Config::notifyCommand>(
            "notify.command", checkNotEmpty,
            "A command (argv, no shell) run when an agent waits for you, finishes its turn or "
            "ends: the event as JSON on stdin, PARAWORK_SESSION_ID, PARAWORK_STATE, "
            "PARAWORK_REASON, PARAWORK_WORKSPACE in its environment. E.g. [\"notify-send\", "
            "\"parawork\"]."),
        text<&Config::notifyWebhook>(
            "notify.webhook", checkWebhookUrl,
            "A URL POSTed on the same events (sent with curl; http or https).",
            "https://ntfy.sh/my-topic"),
        text<&Config::notifyFormat>(
            "notify.format", checkNotifyFormat,
            "The webhook's body: json (the event), ntfy (a text line and a Title header) or "
            "slack ({\"text\": ...}, Slack-compatible)."),
        integer<&Config::notifyTimeoutMs>(
            "notify.timeout_ms", 100, 120000,
            "Milliseconds each notification command or webhook call may take before it is "
            "killed."),
    };
}

}  // namespace

const std::vector<Setting>& settings() {
    static const std::vector<Setting> table = [] {
        std::vector<Setting> all = serverSettings();
        std::vector<Setting> rest = workSettings();
        all.insert(all.end(), rest.begin(), rest.end());
        return all;
    }();
    return table;
}

const Setting* findSetting(std::string_view key) {
    for (const Setting& s : settings())
        if (s.key == key) return &s;
    return nullptr;
}

std::string_view sectionOf(std::string_view key) {
    return key.substr(0, key.find('.'));
}
std::string_view leafOf(std::string_view key) {
    return key.substr(key.find('.') + 1);
}

bool isSection(std::string_view name) {
    return std::any_of(settings().begin(), settings().end(),
                       [&](const Setting& s) { return sectionOf(s.key) == name; });
}

std::string suggestion(std::string_view unknown) {
    std::string_view best;
    std::size_t bestDistance = 3;
    for (const Setting& s : settings()) {
        for (std::string_view candidate : {s.key, sectionOf(s.key)}) {
            std::size_t d = leafOf(s.key) == unknown || leafOf(s.key) == leafOf(unknown)
                                ? 1
                                : editDistance(unknown, candidate);
            if (d < bestDistance) best = candidate, bestDistance = d;
        }
    }
    return best.empty() ? "" : " (did you mean " + std::string(best) + "?)";
}

std::string quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

std::string expectation(const Setting& s) {
    switch (s.kind) {
        case Kind::Integer:
            return "expected an integer " + std::to_string(s.min) + "-" + std::to_string(s.max);
        case Kind::Text:
            return "expected a string";
        case Kind::TextList:
            return "expected an array of strings";
        case Kind::Boolean:
            return "expected true or false";
    }
    return "";
}

[[noreturn]] void fail(std::string_view where, std::string_view key, std::string_view problem) {
    throw core::Error(std::string(where) + ": " + std::string(key) + ": " + std::string(problem));
}

void assign(Config& config, const Setting& s, Value value, const GetEnv& env,
            std::string_view where, const std::string& got) {
    if (auto* n = std::get_if<std::int64_t>(&value); n && (*n < s.min || *n > s.max))
        fail(where, s.key, expectation(s) + ", got " + got);
    if (auto* t = std::get_if<std::string>(&value)) {
        if (std::string problem = s.check(*t, env); !problem.empty())
            fail(where, s.key, problem + ", got " + got);
    }
    if (auto* list = std::get_if<std::vector<std::string>>(&value)) {
        for (std::string& item : *list) {
            std::string shown = quote(item);
            if (std::string problem = s.check(item, env); !problem.empty())
                fail(where, s.key, problem + ", got " + shown);
        }
    }
    s.set(config, std::move(value));
}

std::string sectionList() {
    std::string out;
    for (const Setting& s : settings()) {
        std::string section(sectionOf(s.key));
        if (out.find("[" + section + "]") == std::string::npos)
            out += (out.empty() ? "[" : ", [") + section + "]";
    }
    return out;
}

}  // namespace config_table

namespace {

using namespace config_table;

/// Text from the environment or a flag. Lists are comma-separated; blanks around items dropped.
void assignText(Config& config, const Setting& s, std::string_view text, const GetEnv& env,
                std::string_view where) {
    std::string got = quote(text);
    if (s.kind == Kind::Integer) {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size())
            fail(where, s.key, expectation(s) + ", got " + got);
        return assign(config, s, n, env, where, got);
    }
    if (s.kind == Kind::Text) return assign(config, s, std::string(text), env, where, got);
    if (s.kind == Kind::Boolean) {
        if (text == "true" || text == "1") return assign(config, s, true, env, where, got);
        if (text == "false" || text == "0") return assign(config, s, false, env, where, got);
        fail(where, s.key, expectation(s) + ", got " + got);
    }
    std::vector<std::string> items;
    std::istringstream in{std::string(text)};
    for (std::string item; std::getline(in, item, ',');) {
        auto first = item.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        items.push_back(item.substr(first, item.find_last_not_of(" \t") - first + 1));
    }
    assign(config, s, std::move(items), env, where, got);
}

}  // namespace

std::string envVarFor(std::string_view key) {
    std::string name = "PARAWORK_";
    for (char c : key)
        name.push_back(c == '.' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    return name;
}

Config loadConfig(const std::filesystem::path& file, const GetEnv& env) {
    Config config;
    applyFile(config, file, env);
    for (const Setting& s : settings()) {
        std::string var = envVarFor(s.key);
        if (auto value = env(var))
            assignText(config, s, *value, env, "environment variable " + var);
    }
    return config;
}

void applyOverride(Config& config, std::string_view key, std::string_view value,
                   std::string_view source) {
    const Setting* s = findSetting(key);
    if (s == nullptr) fail(source, key, "unknown setting" + suggestion(key));
    assignText(config, *s, value, processEnv(), source);
}

}  // namespace parawork::daemon
