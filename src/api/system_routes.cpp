#include "api/system_routes.hpp"

#include "core/clock.hpp"

namespace parawork::api {

namespace json = boost::json;

void addSystemRoutes(Router& router, const SystemInfo& info) {
    router.add("GET", "/api/health", [&info](Request&) {
        auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - info.startedAt);
        return ok(json::object{{"status", "ok"},
                               {"timestamp", core::nowMs()},
                               {"version", info.version},
                               {"uptimeMs", uptime.count()}});
    });
    // The original frontend reads only data.apiKey; the rest keeps the original's shape.
    router.add("GET", "/api/config", [&info](Request&) {
        json::array origins;
        for (const auto& o : info.corsOrigins) origins.emplace_back(o);
        return ok(json::object{
            {"server",
             json::object{{"port", info.port.load()},
                          {"cors", json::object{{"enabled", true}, {"origins", origins}}}}},
            {"agents", json::object{}},
            {"features", json::object{{"gitIntegration", true}, {"autoCleanup", true}}},
            {"apiKey", info.token}});
    });
}

}  // namespace parawork::api
