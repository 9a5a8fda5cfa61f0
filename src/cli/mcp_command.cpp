// `parawork mcp`: parawork's MCP server over stdio (`claude mcp add parawork -- parawork mcp`).
// It is a bridge, the server itself is the daemon's (/mcp, docs/mcp.md): each line read from
// stdin (one JSON-RPC message) goes to the daemon over the unix socket, started like the CLI
// starts it, and what comes back — progress notifications, then the answer — goes to stdout one
// message per line. Messages run side by side (a session_wait must not hold up a ping); a
// daemon that restarted meanwhile is reached again, and a 2025 client's MCP session is opened
// again with its own initialize, so the client never notices.
//
// `parawork mcp config [AGENT]` prints what each agent's configuration needs to use it.
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_client.hpp"
#include "core/ids.hpp"
#include "core/secrets.hpp"

namespace parawork::cli {
namespace {

namespace json = boost::json;

/// Calls answered at once at most; a client sending more waits for one to end.
constexpr std::size_t kMaxInFlight = 64;
/// Longer than the longest tool call (session_wait and exec are bounded by 10 minutes).
constexpr auto kCallTimeout = std::chrono::minutes(11);

class StdioBridge {
  public:
    /// `socket`: the daemon's socket, given to agents that daemon starts (config
    /// mcp.offer_to_agents): that daemon, never one the bridge would start or find by itself.
    StdioBridge(Context& ctx, std::filesystem::path socket)
        : ctx_(ctx), socket_(std::move(socket)), scope_(core::randomHex(16)) {
        const char* session = std::getenv("PARAWORK_SESSION_ID");
        if (session && core::isUuid(session)) callerSession_ = session;
    }

    int run() {
        if (socket_.empty())
            endpoint_ = ctx_.client().endpoint();
        else
            endpoint_.unixSocket = socket_;
        std::vector<std::thread> calls;
        for (std::string line; std::getline(std::cin, line);) {
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            waitForRoom();
            if (opensSession(line)) {  // what follows needs its session: answer it first
                forward(line);
                std::lock_guard lock(mutex_);
                --inFlight_;
                continue;
            }
            calls.emplace_back([this, line = std::move(line)] {
                forward(line);
                std::lock_guard lock(mutex_);
                --inFlight_;
                room_.notify_one();
            });
        }
        // stdin closed: the client is done, but a message it sent last still gets its answer.
        for (auto& call : calls) call.join();
        return 0;
    }

  private:
    void waitForRoom() {
        std::unique_lock lock(mutex_);
        room_.wait(lock, [this] { return inFlight_ < kMaxInFlight; });
        ++inFlight_;
    }

    api::Headers headers() {
        api::Headers h{{"Content-Type", "application/json"},
                       {"Accept", "application/json, text/event-stream"},
                       {"X-Parawork-Mcp-Scope", scope_}};
        if (callerSession_) h.emplace_back("X-Parawork-Session", *callerSession_);
        std::lock_guard lock(mutex_);
        if (!mcpSession_.empty()) h.emplace_back("Mcp-Session-Id", mcpSession_);
        return h;
    }

    /// One POST to the daemon; a daemon that could not be reached is started (or found) again
    /// once. A call whose answer was lost on the way (the daemon died while it ran) is not sent
    /// again: it may have been done (a session started), so the client hears of the failure and
    /// decides. An answer that comes as Server-Sent Events (progress, then the answer) is written
    /// to stdout event by event as it arrives, and the reply's body stays empty.
    api::HttpReply post(const std::string& body) {
        try {
            return postOnce(body);
        } catch (const api::AnswerLostError&) {
            throw;
        } catch (const api::ConnectError&) {
            if (!socket_.empty()) throw;  // that daemon is gone: this call fails, the next tries
            ConnectOptions options;
            options.home = ctx_.globals.homePath();
            options.autostart = autostartAllowed();
            endpoint_ = DaemonClient::connect(ctx_.paths(), options).endpoint();
            return postOnce(body);
        }
    }

    api::HttpReply postOnce(const std::string& body) {
        std::string json;
        std::string events;  ///< SSE text not yet ended by a blank line
        auto reader = [&](const api::HttpReply& head, std::string_view bytes) {
            if (!head.header("content-type").starts_with("text/event-stream")) {
                json += bytes;
                return;
            }
            events += bytes;
            for (std::size_t end; (end = events.find("\n\n")) != std::string::npos;) {
                writeEvent(std::string_view(events).substr(0, end));
                events.erase(0, end + 2);
            }
        };
        api::HttpReply reply = api::HttpClient(endpoint_, kCallTimeout)
                                   .request("POST", "/mcp", headers(), body, reader);
        reply.body = std::move(json);
        return reply;
    }

    /// One SSE event: its data lines (joined by newlines, as SSE says) are one message.
    void writeEvent(std::string_view event) {
        std::string data;
        bool any = false;
        while (!event.empty()) {
            std::size_t end = event.find('\n');
            std::string_view line = event.substr(0, end);
            if (line.starts_with("data:")) {
                line.remove_prefix(line.starts_with("data: ") ? 6 : 5);
                if (any) data += '\n';
                data += line;
                any = true;
            }
            if (end == std::string_view::npos) break;
            event.remove_prefix(end + 1);
        }
        if (any) writeLine(data);
    }

    void forward(const std::string& line) {
        std::optional<json::value> id;
        std::string method;
        boost::system::error_code ec;
        json::value parsed = json::parse(line, ec);
        if (!ec && parsed.is_object()) {
            if (const auto* i = parsed.as_object().if_contains("id")) id = *i;
            if (const auto* m = parsed.as_object().if_contains("method"); m && m->is_string())
                method = m->as_string();
        }
        try {
            api::HttpReply reply = post(line);
            // A 404 for initialize itself is the daemon's own answer, not a lost session.
            if (reply.status == 404 && method != "initialize" && reopenSession())
                reply = post(line);
            if (method == "initialize") rememberInitialize(line, reply);
            write(reply);
        } catch (const std::exception& e) {
            if (id && !id->is_null())
                writeLine(json::serialize(json::object{
                    {"jsonrpc", "2.0"},
                    {"id", *id},
                    {"error",
                     json::object{
                         {"code", -32603},
                         {"message", std::string("parawork daemon unavailable: ") + e.what()}}}}));
        }
    }

    static bool opensSession(const std::string& line) {
        return line.find("\"initialize\"") != std::string::npos;  // cheap; forward() parses
    }

    void rememberInitialize(const std::string& line, const api::HttpReply& reply) {
        std::string session = reply.header("mcp-session-id");
        if (session.empty()) return;
        std::lock_guard lock(mutex_);
        mcpSession_ = session;
        initialize_ = line;
    }

    /// The daemon forgot the MCP session (it restarted): initialize again as the client did.
    bool reopenSession() {
        std::string initialize;
        {
            std::lock_guard lock(mutex_);
            if (initialize_.empty()) return false;
            initialize = initialize_;
            mcpSession_.clear();
        }
        api::HttpReply reply = post(initialize);
        std::string session = reply.header("mcp-session-id");
        if (reply.status != 200 || session.empty()) return false;
        {
            std::lock_guard lock(mutex_);
            mcpSession_ = session;
        }
        post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
        return true;
    }

    /// A JSON answer on stdout (events went out as they came, see postOnce).
    void write(const api::HttpReply& reply) {
        if (!reply.body.empty()) writeLine(reply.body);  // none: 202, or an event stream
    }

    void writeLine(const std::string& message) {
        std::lock_guard lock(outMutex_);
        std::cout << message << '\n' << std::flush;
    }

    Context& ctx_;
    std::filesystem::path socket_;
    api::Endpoint endpoint_;
    std::string scope_;
    std::optional<std::string> callerSession_;
    std::mutex mutex_;
    std::condition_variable room_;
    std::size_t inFlight_ = 0;
    std::string mcpSession_;  ///< a 2025 client's, once initialized
    std::string initialize_;  ///< its initialize message, to open the session again
    std::mutex outMutex_;
};

std::string selfPath() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("parawork") : self.string();
}

/// What each agent's configuration needs to start `parawork mcp`.
std::string configFor(const std::string& agent, const std::string& self) {
    std::string command = json::serialize(json::value(self));
    if (agent == "claude")
        return "# Claude Code: run this once (or put the JSON in the project's .mcp.json)\n"
               "claude mcp add parawork -- " +
               self +
               " mcp\n\n"
               "{\"mcpServers\": {\"parawork\": {\"command\": " +
               command + ", \"args\": [\"mcp\"]}}}\n";
    if (agent == "codex")
        return "# Codex: in ~/.codex/config.toml\n[mcp_servers.parawork]\ncommand = " + command +
               "\nargs = [\"mcp\"]\n";
    if (agent == "gemini")
        return "# Gemini CLI: in ~/.gemini/settings.json (or the project's .gemini/settings.json)\n"
               "{\"mcpServers\": {\"parawork\": {\"command\": " +
               command + ", \"args\": [\"mcp\"]}}}\n";
    // opencode
    return "# OpenCode: in opencode.json (the project's, or ~/.config/opencode/opencode.json)\n"
           "{\"mcp\": {\"parawork\": {\"type\": \"local\", \"command\": [" +
           command + ", \"mcp\"], \"enabled\": true}}}\n";
}

}  // namespace

void addMcpCommand(CLI::App& app, Context& ctx) {
    auto* mcp = app.add_subcommand(
        "mcp", "Serve parawork's MCP tools over stdio (for an agent's MCP configuration)");
    auto* config = mcp->add_subcommand("config", "Print what an agent's configuration needs");
    auto agent = std::make_shared<std::string>();
    config->add_option("agent", *agent, "claude, codex, gemini or opencode (default: all)")
        ->check(CLI::IsMember({"claude", "codex", "gemini", "opencode"}));
    handle(config, ctx, [agent] {
        std::string self = selfPath();
        if (!agent->empty()) {
            std::cout << configFor(*agent, self);
            return 0;
        }
        for (const char* each : {"claude", "codex", "gemini", "opencode"})
            std::cout << configFor(each, self) << "\n";
        return 0;
    });
    auto socket = std::make_shared<std::string>();
    mcp->add_option("--socket", *socket,
                    "The daemon's unix socket (default: this home's; never started by the bridge)");
    handle(mcp, ctx, [&ctx, config, socket] {
        if (config->parsed()) return 0;  // `mcp config` did the work
        return StdioBridge(ctx, *socket).run();
    });
}

}  // namespace parawork::cli
