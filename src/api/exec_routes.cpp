#include "api/exec_routes.hpp"

#include <algorithm>
#include <atomic>
#include <memory>

#include <boost/json/object.hpp>

#include "api/body_fields.hpp"
#include "core/utf8_text.hpp"
#include "session/command_runner.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"

extern char** environ;

namespace parawork::api {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr std::size_t kMaxArgvBytes = 64u << 10;
constexpr std::size_t kMaxStdinBytes = 4u << 20;
constexpr long long kDefaultTimeoutMs = 60'000;
constexpr long long kMaxTimeoutMs = 600'000;

/// Counts the commands running now; a slot is held for the length of one run.
class ExecSlots {
  public:
    explicit ExecSlots(int limit) : limit_(limit) {}
    int limit() const { return limit_; }
    bool tryAcquire() {
        int running = running_.load();
        while (running < limit_)
            if (running_.compare_exchange_weak(running, running + 1)) return true;
        return false;
    }
    void release() { --running_; }

  private:
    const int limit_;
    std::atomic<int> running_{0};
};

bool hasNul(const std::string& text) {
    return text.find('\0') != std::string::npos;
}

std::vector<std::string> commandArgv(const Request& req) {
    auto argv = optionalStringArray(req.json, "command");
    if (!argv) throw BadRequest("command: required, an array of strings (the argv)");
    if (argv->empty() || argv->front().empty())
        throw BadRequest("command: must not be empty (its first item is the program)");
    std::size_t total = 0;
    for (const auto& arg : *argv) {
        if (hasNul(arg)) throw BadRequest("command: an argument contains a NUL character");
        total += arg.size() + 1;
    }
    if (total > kMaxArgvBytes)
        throw BadRequest("command: the arguments exceed " + std::to_string(kMaxArgvBytes) +
                         " bytes");
    return std::move(*argv);
}

/// The daemon's environment, then the session's identity, its workspace's and its start
/// environment, then the request's: later entries win.
std::vector<std::string> environmentFor(const core::Session& session,
                                        const WorkspaceEnvironment& workspaceEnvironment,
                                        const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string_view kv(*e);
        auto eq = kv.find('=');
        if (eq != std::string_view::npos) env[std::string(kv.substr(0, eq))] = kv.substr(eq + 1);
    }
    env["PARAWORK_SESSION_ID"] = session.id;
    env["PARAWORK_WORKSPACE_ID"] = session.workspaceId;
    if (workspaceEnvironment)
        for (auto& [k, v] : workspaceEnvironment(session.workspaceId)) env[k] = v;
    if (session.env)
        for (const auto& [k, v] : *session.env) env[k] = v;
    for (const auto& [k, v] : extra) {
        if (k.empty() || k.find('=') != std::string::npos || hasNul(k) || hasNul(v))
            throw BadRequest("env: " + k + ": names must be non-empty without '=' or NUL");
        env[k] = v;
    }
    std::vector<std::string> out;
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

json::value optionalNumber(const std::optional<int>& n) {
    return n ? json::value(*n) : json::value(nullptr);
}

Response exec(Request& req, store::Database& db, ExecSlots& slots,
              const WorkspaceEnvironment& workspaceEnvironment) {
    auto session = store::findSession(db, req.params["id"]);
    if (!session) return fail(404, "Session not found");
    session::CommandSpec spec;
    spec.argv = commandArgv(req);
    spec.timeout = std::chrono::milliseconds(
        optionalInteger(req.json, "timeoutMs", 1, kMaxTimeoutMs).value_or(kDefaultTimeoutMs));
    spec.stdinData = optionalString(req.json, "stdin", 0, kMaxStdinBytes);
    spec.env = environmentFor(
        *session, workspaceEnvironment,
        optionalStringMap(req.json, "env").value_or(std::map<std::string, std::string>{}));
    if (session->cwd) {
        spec.cwd = *session->cwd;
    } else {
        auto workspace = store::findWorkspace(db, session->workspaceId);
        if (!workspace) return fail(404, "Workspace not found");
        spec.cwd = workspace->path;
    }
    std::error_code ec;
    if (!fs::is_directory(spec.cwd, ec))
        return fail(400,
                    "The session's working directory " + spec.cwd.string() + " no longer exists");

    if (!slots.tryAcquire())
        return fail(429, "Too many commands running (at most " + std::to_string(slots.limit()) +
                             " at once); try again when one has finished");
    std::unique_ptr<ExecSlots, void (*)(ExecSlots*)> held(&slots,
                                                          [](ExecSlots* s) { s->release(); });
    try {
        auto result = session::runCommand(spec);
        return ok(json::object{{"stdout", core::toValidUtf8(result.out)},
                               {"stderr", core::toValidUtf8(result.err)},
                               {"exitCode", optionalNumber(result.exitCode)},
                               {"signal", optionalNumber(result.signal)},
                               {"timedOut", result.timedOut},
                               {"durationMs", result.duration.count()},
                               {"truncated", result.truncated}});
    } catch (const session::CommandError& e) {
        return fail(400, e.what());
    }
}

}  // namespace

void addExecRoutes(Router& router, store::Database& db, int workerThreads,
                   WorkspaceEnvironment workspaceEnvironment) {
    auto slots = std::make_shared<ExecSlots>(std::clamp(workerThreads - 1, 1, 4));
    router.add("POST", "/api/sessions/:id/exec",
               [&db, slots, environment = std::move(workspaceEnvironment)](Request& req) {
                   return exec(req, db, *slots, environment);
               });
}

}  // namespace parawork::api
