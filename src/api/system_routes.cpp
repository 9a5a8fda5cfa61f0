#include "api/system_routes.hpp"

#include <unistd.h>

#include <cstdlib>

#include "core/clock.hpp"
#include "core/executables.hpp"

namespace parawork::api {

namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& item : items) out.emplace_back(item);
    return out;
}

}  // namespace

void addSystemRoutes(Router& router, const SystemInfo& info) {
    router.add("GET", "/api/health", [&info](Request&) {
        auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - info.startedAt);
        return ok(json::object{{"status", "ok"},
                               {"timestamp", core::nowMs()},
                               {"version", info.version},
                               {"uptimeMs", uptime.count()}});
    });
    // The original's {name, command, defaultArgs} per enabled agent, in profile order, plus
    // how the prompt is passed, the resume arguments and whether the command is installed.
    router.add("GET", "/api/agents", [&info](Request&) {
        const char* path = std::getenv("PATH");
        json::array out;
        for (const auto& agent : info.agents) {
            if (!agent.enabled) continue;
            out.push_back(json::object{
                {"name", agent.name},
                {"command", agent.command},
                {"defaultArgs", strings(agent.args)},
                {"promptMode", core::toString(agent.promptMode)},
                {"resumeArgs", strings(agent.resumeArgs)},
                {"installed",
                 core::findExecutable(agent.command, path ? path : "", "/").has_value()}});
        }
        return ok(std::move(out));
    });
    // The original frontend reads only data.apiKey; the rest keeps the original's shape.
    router.add("GET", "/api/config", [&info](Request&) {
        json::array origins;
        for (const auto& o : info.corsOrigins) origins.emplace_back(o);
        json::object agents;
        for (const auto& agent : info.agents)
            agents[agent.name] = json::object{{"enabled", agent.enabled},
                                              {"command", agent.command},
                                              {"defaultArgs", strings(agent.args)}};
        return ok(json::object{
            {"server",
             json::object{{"port", info.port.load()},
                          {"cors", json::object{{"enabled", true}, {"origins", origins}}}}},
            {"agents", std::move(agents)},
            {"features", json::object{{"gitIntegration", true}, {"autoCleanup", true}}},
            {"apiKey", info.token()}});
    });
    // Ours (`parawork shutdown`, `restart`): only over the unix socket, whose 0600 permissions
    // admit the daemon's own user; never a browser or a device. Sessions keep running in their
    // hosts and the next daemon adopts them.
    router.add("POST", "/api/daemon/shutdown", [&info](Request& req) {
        if (req.transport != Transport::Unix)
            return fail(403,
                        "Only the daemon's own user may stop it, over its unix socket "
                        "(`parawork shutdown`)");
        if (!info.shutdown) return fail(503, "This daemon cannot be stopped over the API");
        info.shutdown();
        return ok(json::object{{"stopping", true}, {"pid", ::getpid()}});
    });
}

}  // namespace parawork::api
