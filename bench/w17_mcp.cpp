// W17: MCP over stdio (issue 21). An agent's MCP client talks to `parawork mcp`, which bridges to
// the daemon. Measured: from writing `tools/call session_run` (`printf hi` in a fresh workspace)
// on the bridge's stdin until `tools/call session_output` from offset 0 first answers a
// non-empty text — what an agent does to start a command and see its output. The anchor is W1
// (the same start through the REST API and the attach WebSocket), in the same run. The
// session_output call waits for the output (waitMs), as an agent should call it. W17b:
// `tools/list` over the daemon's unix socket, a kept-alive HTTP connection, the whole round trip
// (an upper bound of the server's time).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include <boost/json.hpp>

#include "api/http_client.hpp"
#include "bench_support.hpp"
#include "core/pipe.hpp"
#include "workload.hpp"

extern char** environ;

namespace parawork::bench {
namespace {

namespace json = boost::json;

/// `parawork --home H mcp` with its stdin and stdout ours: one JSON-RPC message per line.
class McpBridge {
  public:
    explicit McpBridge(const std::filesystem::path& home) {
        auto in = core::Pipe::open("bridge stdin");
        auto out = core::Pipe::open("bridge stdout");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in.read.get(), 0);
        posix_spawn_file_actions_adddup2(&actions, out.write.get(), 1);
        std::string binary = test::parawork(), homeArg = home.string();
        std::vector<char*> argv{binary.data(), const_cast<char*>("--home"), homeArg.data(),
                                const_cast<char*>("mcp"), nullptr};
        int rc = ::posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot start parawork mcp");
        stdin_ = std::move(in.write);
        stdout_ = std::move(out.read);
    }
    ~McpBridge() {
        stdin_.reset();  // EOF: the bridge ends once its calls are answered
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    McpBridge(const McpBridge&) = delete;
    McpBridge& operator=(const McpBridge&) = delete;

    /// Sends a request and reads lines until its answer.
    json::object call(const std::string& method, json::object params) {
        int id = ++lastId_;
        send(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
        for (;;) {
            json::value message = json::parse(readLine());
            const auto* answered = message.as_object().if_contains("id");
            if (!answered || answered->to_number<int>() != id) continue;  // a notification
            if (message.as_object().contains("error"))
                throw std::runtime_error(method + ": " + json::serialize(message));
            return message.at("result").as_object();
        }
    }
    void notify(const std::string& method) { send({{"jsonrpc", "2.0"}, {"method", method}}); }
    /// A tool's structuredContent (its error as an exception).
    json::object tool(const std::string& name, json::object arguments) {
        json::object result = call("tools/call", {{"name", name}, {"arguments", arguments}});
        if (result.contains("isError") && result.at("isError").as_bool())
            throw std::runtime_error(name + ": " + json::serialize(result));
        return result.at("structuredContent").as_object();
    }

  private:
    /// One message, one line on the bridge's stdin.
    void send(const json::object& message) {
        std::string line = json::serialize(message) + "\n";
        if (::write(stdin_.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            throw std::runtime_error("cannot write to parawork mcp");
    }

    std::string readLine() {
        for (;;) {
            if (auto end = buffer_.find('\n'); end != std::string::npos) {
                std::string line = buffer_.substr(0, end);
                buffer_.erase(0, end + 1);
                return line;
            }
            pollfd p{stdout_.get(), POLLIN, 0};
            if (::poll(&p, 1, 10000) <= 0) throw std::runtime_error("parawork mcp is silent");
            char chunk[65536];
            ssize_t n = ::read(stdout_.get(), chunk, sizeof chunk);
            if (n <= 0) throw std::runtime_error("parawork mcp ended");
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    pid_t pid_ = -1;
    core::UniqueFd stdin_, stdout_;
    std::string buffer_;
    int lastId_ = 0;
};

/// From session_run's call to the first output; `answeredMs`: when session_run answered.
double mcpStartMs(SessionFleet& fleet, McpBridge& bridge, double& answeredMs) {
    auto workspace = fleet.createWorkspace();
    auto start = Clock::now();
    json::object run = bridge.tool(
        "session_run", {{"workspaceId", workspace}, {"command", json::array{"printf", "hi"}}});
    answeredMs = millisecondsBetween(start, Clock::now());
    std::string id(run.at("session").at("id").as_string());
    for (;;) {
        json::object out =
            bridge.tool("session_output", {{"sessionId", id}, {"offset", 0}, {"waitMs", 10000}});
        if (!out.at("text").as_string().empty()) break;
        if (millisecondsBetween(start, Clock::now()) > 10000)
            throw std::runtime_error("no output through session_output");
    }
    return millisecondsBetween(start, Clock::now());
}

Result run(const RunOptions& options) {
    int starts = std::max(options.repetitions, 30);
    test::DaemonProcess daemon;
    SessionFleet fleet(daemon);
    McpBridge bridge(daemon.home());
    bridge.call("initialize", {{"protocolVersion", "2025-11-25"},
                               {"capabilities", json::object{}},
                               {"clientInfo", json::object{{"name", "w17"}, {"version", "1"}}}});
    bridge.notify("notifications/initialized");
    double answered = 0;
    mcpStartMs(fleet, bridge, answered);  // warm-up
    detachedStart(fleet, daemon.socketPath());
    std::vector<double> ours, anchor, answers;
    for (int i = 0; i < starts; ++i) {
        checkInterrupted();
        ours.push_back(mcpStartMs(fleet, bridge, answered));
        answers.push_back(answered);
        anchor.push_back(detachedStart(fleet, daemon.socketPath()).firstByteMs);
    }
    Result r;
    r.id = "W17";
    r.workload = "MCP over stdio: tools/call session_run to 1st byte via session_output";
    r.unit = "ms";
    r.ours = median(ours);
    r.oursP99 = percentile(ours, 99);
    r.anchor = median(anchor);
    r.anchorName = "W1 (REST start + attach WebSocket), same run";
    r.target = "p50 <= 15 ms";
    r.holds = r.ours <= 15;
    char note[256];
    std::snprintf(note, sizeof note,
                  "%d starts each, alternating; session_run answered after %.2f ms (median), "
                  "then one session_output with waitMs",
                  starts, median(answers));
    r.note = note;
    fleet.stopAll();
    return r;
}

Result runList(const RunOptions& options) {
    test::DaemonProcess daemon;
    api::HttpClient client(daemon.unixSocket());
    const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{)"
                             R"("io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                             R"("io.modelcontextprotocol/clientCapabilities":{}}}})";
    const api::Headers headers{{"Content-Type", "application/json"}};
    int calls = std::max(options.repetitions, 7) * 100;
    std::vector<double> samples;
    std::size_t tools = 0;
    for (int i = 0; i < calls; ++i) {
        auto start = Clock::now();
        auto reply = client.request("POST", "/mcp", headers, body);
        samples.push_back(millisecondsBetween(start, Clock::now()));
        if (reply.status != 200) throw std::runtime_error("tools/list: " + reply.body);
        if (i == 0) tools = json::parse(reply.body).at("result").at("tools").as_array().size();
    }
    Result r;
    r.id = "W17b";
    r.workload =
        "MCP tools/list (" + std::to_string(tools) + " tools), HTTP round trip on the unix socket";
    r.unit = "ms";
    r.ours = median(samples);
    r.oursP99 = percentile(samples, 99);
    r.target = "<= 1 ms server time";
    r.holds = r.ours <= 1;
    r.note = std::to_string(calls) +
             " calls on one kept-alive connection; the round trip bounds the server's time";
    return r;
}

Register registration("W17", run);
Register listing("W17", runList);

}  // namespace
}  // namespace parawork::bench
