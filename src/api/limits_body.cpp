#include "api/limits_body.hpp"

#include <boost/json/parse.hpp>

#include "api/body_fields.hpp"
#include "core/quantities.hpp"
#include "project/project_config.hpp"
#include "workspace/project_defaults.hpp"

namespace parawork::api {
namespace json = boost::json;
namespace {

constexpr std::int64_t kMaxPids = 4194304;  ///< the kernel's pid_max ceiling

/// A quantity written as a string ("2G", "150%", "2h"), parsed by `parse`.
template <class Parse>
auto quantity(const json::object& limits, const char* key, Parse parse, const char* expected)
    -> decltype(parse(std::string_view())) {
    const json::value* value = limits.if_contains(key);
    if (!value || value->is_null()) return std::nullopt;
    auto parsed = value->is_string() ? parse(std::string_view(value->as_string()))
                                     : decltype(parse(std::string_view()))();
    if (!parsed) throw BadRequest(std::string("limits.") + key + ": expected " + expected);
    return parsed;
}

}  // namespace

core::ResourceLimits requestLimits(const json::value& body) {
    const json::value* field = body.is_object() ? body.as_object().if_contains("limits") : nullptr;
    if (!field || field->is_null()) return {};
    if (!field->is_object()) throw BadRequest("limits: expected an object");
    const json::object& limits = field->as_object();
    for (const auto& item : limits)
        if (item.key() != "memory" && item.key() != "cpu" && item.key() != "timeout" &&
            item.key() != "pids")
            throw BadRequest("limits." + std::string(item.key()) +
                             ": unknown limit (expected memory, cpu, timeout or pids)");
    core::ResourceLimits out;
    out.memoryBytes = quantity(limits, "memory", core::parseBytes, "a size such as \"2G\"");
    out.cpuPercent =
        quantity(limits, "cpu", core::parseCpuPercent, "a CPU share such as \"150%\" or \"1.5\"");
    out.timeoutMs =
        quantity(limits, "timeout", core::parseDurationMs, "a duration such as \"2h\" or \"90s\"");
    if (const json::value* pids = limits.if_contains("pids"); pids && !pids->is_null()) {
        auto number = pids->is_int64() ? pids->as_int64() : pids->is_uint64() ? kMaxPids + 1 : 0;
        if (number < 1 || number > kMaxPids)
            throw BadRequest("limits.pids: expected a whole number from 1 to " +
                             std::to_string(kMaxPids));
        out.pids = number;
    }
    return out;
}

core::ResourceLimits sessionLimits(const json::value& body, store::Database& db,
                                   const std::string& workspaceId) {
    auto run = requestLimits(body);
    core::ResourceLimits fromProject;
    if (auto project = workspace::storedProjectConfig(db, workspaceId)) {
        const auto& limits = project->limits;
        fromProject = {limits.memoryBytes, limits.cpuPercent, limits.timeoutMs, limits.pids};
    }
    return fromProject.overriddenBy(run);
}

}  // namespace parawork::api
