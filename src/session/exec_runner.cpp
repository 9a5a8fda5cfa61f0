#include "session/exec_runner.hpp"

#include <memory>

#include "core/utf8_text.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"

extern char** environ;

namespace parawork::session {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

[[noreturn]] void refuse(const std::string& why) {
    throw core::ServiceError(400, why);
}

bool hasNul(const std::string& text) {
    return text.find('\0') != std::string::npos;
}

void checkArgv(const std::vector<std::string>& argv) {
    if (argv.empty() || argv.front().empty())
        refuse("command: must not be empty (its first item is the program)");
    std::size_t total = 0;
    for (const auto& arg : argv) {
        if (hasNul(arg)) refuse("command: an argument contains a NUL character");
        total += arg.size() + 1;
    }
    if (total > kMaxExecArgvBytes)
        refuse("command: the arguments exceed " + std::to_string(kMaxExecArgvBytes) + " bytes");
}

/// The daemon's environment, then `identity`, the workspace's and `own` (the session's start
/// environment), then the request's: later entries win.
std::vector<std::string> environmentFor(const std::map<std::string, std::string>& identity,
                                        const std::map<std::string, std::string>& workspace,
                                        const std::map<std::string, std::string>& own,
                                        const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string_view kv(*e);
        auto eq = kv.find('=');
        if (eq != std::string_view::npos) env[std::string(kv.substr(0, eq))] = kv.substr(eq + 1);
    }
    for (const auto* layer : {&identity, &workspace, &own})
        for (const auto& [k, v] : *layer) env[k] = v;
    for (const auto& [k, v] : extra) {
        if (k.empty() || k.find('=') != std::string::npos || hasNul(k) || hasNul(v))
            refuse("env: " + k + ": names must be non-empty without '=' or NUL");
        env[k] = v;
    }
    std::vector<std::string> out;
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

json::value optionalNumber(const std::optional<int>& n) {
    return n ? json::value(*n) : json::value(nullptr);
}

CommandSpec specOf(const ExecRequest& request) {
    checkArgv(request.argv);
    if (request.stdinData && request.stdinData->size() > kMaxExecStdinBytes)
        refuse("stdin: at most " + std::to_string(kMaxExecStdinBytes) + " bytes");
    CommandSpec spec;
    spec.argv = request.argv;
    spec.timeout = request.timeout;
    spec.cancelled = request.cancelled;
    spec.stdinData = request.stdinData;
    return spec;
}

}  // namespace

ExecRunner::ExecRunner(store::Database& db, int maxRunning,
                       WorkspaceEnvironment workspaceEnvironment)
    : db_(db), limit_(maxRunning), workspaceEnvironment_(std::move(workspaceEnvironment)) {}

CommandResult ExecRunner::inSession(const std::string& sessionId, const ExecRequest& request) {
    auto session = store::findSession(db_, sessionId);
    if (!session) throw core::ServiceError(404, "Session not found");
    CommandSpec spec = specOf(request);
    std::map<std::string, std::string> workspaceEnv;
    if (workspaceEnvironment_) workspaceEnv = workspaceEnvironment_(session->workspaceId);
    spec.env = environmentFor(
        {{"PARAWORK_SESSION_ID", session->id}, {"PARAWORK_WORKSPACE_ID", session->workspaceId}},
        workspaceEnv, session->env.value_or(std::map<std::string, std::string>{}), request.env);
    if (session->cwd) {
        spec.cwd = *session->cwd;
    } else {
        auto workspace = store::findWorkspace(db_, session->workspaceId);
        if (!workspace) throw core::ServiceError(404, "Workspace not found");
        spec.cwd = workspace->path;
    }
    std::error_code ec;
    if (!fs::is_directory(spec.cwd, ec))
        refuse("The session's working directory " + spec.cwd.string() + " no longer exists");
    return run(std::move(spec));
}

CommandResult ExecRunner::inWorkspace(const std::string& workspaceId, const ExecRequest& request) {
    auto workspace = store::findWorkspace(db_, workspaceId);
    if (!workspace) throw core::ServiceError(404, "Workspace not found");
    CommandSpec spec = specOf(request);
    std::map<std::string, std::string> workspaceEnv;
    if (workspaceEnvironment_) workspaceEnv = workspaceEnvironment_(workspaceId);
    spec.env =
        environmentFor({{"PARAWORK_WORKSPACE_ID", workspaceId}}, workspaceEnv, {}, request.env);
    spec.cwd = workspace->path;
    std::error_code ec;
    if (!fs::is_directory(spec.cwd, ec))
        refuse("The workspace's directory " + spec.cwd.string() + " no longer exists");
    return run(std::move(spec));
}

CommandResult ExecRunner::run(CommandSpec spec) {
    int running = running_.load();
    do {
        if (running >= limit_)
            throw core::ServiceError(429, "Too many commands running (at most " +
                                              std::to_string(limit_) +
                                              " at once); try again when one has finished");
    } while (!running_.compare_exchange_weak(running, running + 1));
    std::unique_ptr<std::atomic<int>, void (*)(std::atomic<int>*)> held(
        &running_, [](std::atomic<int>* n) { --*n; });
    try {
        return runCommand(spec);
    } catch (const CommandError& e) {
        throw core::ServiceError(400, e.what());
    }
}

json::object toJson(const CommandResult& result) {
    return json::object{{"stdout", core::toValidUtf8(result.out)},
                        {"stderr", core::toValidUtf8(result.err)},
                        {"exitCode", optionalNumber(result.exitCode)},
                        {"signal", optionalNumber(result.signal)},
                        {"timedOut", result.timedOut},
                        {"durationMs", result.duration.count()},
                        {"truncated", result.truncated}};
}

}  // namespace parawork::session
