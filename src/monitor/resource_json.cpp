#include "monitor/resource_json.hpp"

#include <boost/json/serialize.hpp>

#include "core/clock.hpp"

namespace parawork::monitor {
namespace json = boost::json;
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

template <class T>
json::value orNull(const std::optional<T>& value) {
    return value ? json::value(*value) : json::value(nullptr);
}

std::string_view toString(Enforcement enforcement) {
    return enforcement == Enforcement::Cgroup ? "cgroup" : "watchdog";
}

std::string event(std::string_view type, json::object data) {
    return json::serialize(json::object{{"type", type}, {"data", std::move(data)}});
}

}  // namespace

json::object toJson(const ResourceSample& s) {
    return json::object{{"timestamp", s.timestampMs},
                        {"cpuPercent", s.cpuPercent},
                        {"machineCpuPercent", s.machineCpuPercent},
                        {"memoryBytes", s.memoryBytes},
                        {"memoryMb", static_cast<double>(s.memoryBytes) / kMiB},
                        {"rssBytes", s.rssBytes},
                        {"pssBytes", orNull(s.pssBytes)},
                        {"readBytes", s.readBytes},
                        {"writeBytes", s.writeBytes},
                        {"processes", s.processes},
                        {"threads", s.threads}};
}

json::object limitsJson(const SessionResources& r) {
    const auto& l = r.limits;
    json::object enforcement;
    if (l.memoryBytes) enforcement["memory"] = toString(r.memoryEnforcement);
    if (l.cpuPercent) enforcement["cpu"] = toString(r.cpuEnforcement);
    if (l.pids) enforcement["pids"] = toString(r.pidsEnforcement);
    if (l.timeoutMs) enforcement["timeout"] = "watchdog";
    return json::object{{"memoryBytes", orNull(l.memoryBytes)},
                        {"cpuPercent", orNull(l.cpuPercent)},
                        {"timeoutMs", orNull(l.timeoutMs)},
                        {"pids", orNull(l.pids)},
                        {"enforcement", std::move(enforcement)}};
}

json::object toJson(const SessionResources& r, bool withRecent) {
    json::object out{
        {"sessionId", r.sessionId},
        {"workspaceId", r.workspaceId},
        {"mechanism", toString(r.mechanism)},
        {"running", r.running},
        {"current", r.current ? json::value(toJson(*r.current)) : json::value()},
        {"peakMemoryMb", r.peakMemoryMb},
        {"peakCpuPercent", r.peakCpuPercent},
        {"lastPssBytes", orNull(r.lastPssBytes)},
        {"spawnMs", orNull(r.spawnMs)},
        {"limits", limitsJson(r)},
        {"limitReason", r.limitReason.empty() ? json::value(nullptr) : json::value(r.limitReason)}};
    if (withRecent) {
        json::array recent;
        for (const auto& s : r.recent) recent.push_back(toJson(s));
        out["recent"] = std::move(recent);
    }
    return out;
}

json::object overviewJson(ResourceMonitor& monitor) {
    json::array sessions;
    for (const auto& r : monitor.all()) sessions.push_back(toJson(r, false));
    return json::object{{"mechanism", toString(monitor.mechanism())},
                        {"sessions", std::move(sessions)}};
}

std::string sampleEvent(const SessionResources& r, const ResourceSample& sample) {
    auto data = toJson(sample);
    data["sessionId"] = r.sessionId;
    data["workspaceId"] = r.workspaceId;
    return event("resource_sample", std::move(data));
}

std::string limitWarningEvent(const SessionResources& r, const std::string& limit, double used,
                              double max) {
    return event("limit_warning", {{"sessionId", r.sessionId},
                                   {"workspaceId", r.workspaceId},
                                   {"limit", limit},
                                   {"used", used},
                                   {"max", max},
                                   {"percent", max > 0 ? used / max * 100 : 0.0},
                                   {"timestamp", core::nowMs()}});
}

}  // namespace parawork::monitor
