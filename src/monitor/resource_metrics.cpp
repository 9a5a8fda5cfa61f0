#include "monitor/resource_metrics.hpp"

#include <functional>

namespace parawork::monitor {
namespace {

struct Gauge {
    const char* name;
    const char* help;
    std::function<std::optional<double>(const SessionResources&)> value;
};

template <class T>
std::optional<double> fromSample(const SessionResources& r, T ResourceSample::*field) {
    return r.current ? std::optional(static_cast<double>((*r.current).*field)) : std::nullopt;
}

template <class T>
std::optional<double> number(const std::optional<T>& value) {
    return value ? std::optional(static_cast<double>(*value)) : std::nullopt;
}

const std::vector<Gauge>& gauges() {
    static const std::vector<Gauge> list{
        {"parawork_session_cpu_percent", "CPU of the session's processes, percent of one core.",
         [](const auto& r) { return fromSample(r, &ResourceSample::cpuPercent); }},
        {"parawork_session_memory_bytes",
         "Memory of the session (its cgroup without page cache, else summed RSS).",
         [](const auto& r) { return fromSample(r, &ResourceSample::memoryBytes); }},
        {"parawork_session_rss_bytes", "Summed resident set size of the session's processes.",
         [](const auto& r) { return fromSample(r, &ResourceSample::rssBytes); }},
        {"parawork_session_pss_bytes", "Proportional set size, as last measured.",
         [](const auto& r) { return number(r.lastPssBytes); }},
        {"parawork_session_read_bytes", "Storage bytes read by the session's live processes.",
         [](const auto& r) { return fromSample(r, &ResourceSample::readBytes); }},
        {"parawork_session_write_bytes", "Storage bytes written by the session's live processes.",
         [](const auto& r) { return fromSample(r, &ResourceSample::writeBytes); }},
        {"parawork_session_processes", "Processes of the session.",
         [](const auto& r) { return fromSample(r, &ResourceSample::processes); }},
        {"parawork_session_threads", "Threads of the session.",
         [](const auto& r) { return fromSample(r, &ResourceSample::threads); }},
        {"parawork_session_peak_memory_megabytes", "Highest memory sampled, MiB.",
         [](const auto& r) { return std::optional(r.peakMemoryMb); }},
        {"parawork_session_memory_limit_bytes", "The session's memory limit.",
         [](const auto& r) { return number(r.limits.memoryBytes); }},
        {"parawork_session_cpu_limit_percent", "The session's CPU limit, percent of one core.",
         [](const auto& r) { return r.limits.cpuPercent; }},
        {"parawork_session_pids_limit", "The session's limit of tasks.",
         [](const auto& r) { return number(r.limits.pids); }},
    };
    return list;
}

}  // namespace

void writeMetrics(ResourceMonitor& monitor, core::PrometheusText& out) {
    out.family("parawork_resource_mechanism", "gauge",
               "How sessions are sampled and limited: cgroup-v2, cgroup-v1 or proc (watchdog).");
    out.sample("parawork_resource_mechanism",
               {{"mechanism", std::string(toString(monitor.mechanism()))}}, 1);
    auto sessions = monitor.all();
    std::erase_if(sessions, [](const SessionResources& r) { return !r.running; });
    for (const auto& gauge : gauges()) {
        out.family(gauge.name, "gauge", gauge.help);
        for (const auto& r : sessions)
            if (auto value = gauge.value(r))
                out.sample(gauge.name,
                           {{"session_id", r.sessionId}, {"workspace_id", r.workspaceId}}, *value);
    }
}

}  // namespace parawork::monitor
