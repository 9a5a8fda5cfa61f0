#include "cli/resource_text.hpp"

#include <cstdio>

namespace parawork::cli {
namespace json = boost::json;

void addLimitOptions(CLI::App* cmd, LimitFlags& flags) {
    cmd->add_option("--memory", flags.memory, "Memory limit, e.g. 2G (parawork.toml: [limits])");
    cmd->add_option("--cpu", flags.cpu, "CPU limit: percent of one core (150%) or cores (1.5)");
    cmd->add_option("--timeout", flags.timeout, "Run time limit, e.g. 90s, 2h, 1h30m");
    cmd->add_option("--pids", flags.pids, "Limit of processes and threads");
}

json::object limitsBody(const LimitFlags& flags) {
    json::object limits;
    if (!flags.memory.empty()) limits["memory"] = flags.memory;
    if (!flags.cpu.empty()) limits["cpu"] = flags.cpu;
    if (!flags.timeout.empty()) limits["timeout"] = flags.timeout;
    if (flags.pids) limits["pids"] = *flags.pids;
    return limits;
}

std::optional<std::string> limitReasonText(const std::string& exitReason) {
    if (!exitReason.starts_with("limit:")) return std::nullopt;
    std::string what = exitReason.substr(6);
    std::string text = what == "timeout" ? "ran out of time" : what + " limit reached";
    return text + " (" + exitReason + ")";
}

std::string durationText(std::int64_t ms) {
    char buf[32];
    if (ms < 1000) {
        std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
    } else if (ms < 60'000) {
        std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000);
    } else if (ms < 3'600'000) {
        std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(ms / 60'000),
                      static_cast<long long>(ms / 1000 % 60));
    } else {
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(ms / 3'600'000),
                      static_cast<long long>(ms / 60'000 % 60));
    }
    return buf;
}

std::string startupText(const json::object& session) {
    auto at = [&](const char* name) -> std::optional<std::int64_t> {
        const auto* v = session.if_contains(name);
        if (!v || !v->is_number()) return std::nullopt;
        return v->to_number<std::int64_t>();
    };
    auto started = at("startedAt");
    if (!started) return "-";
    std::string out;
    if (auto first = at("firstOutputAt")) out = "output " + durationText(*first - *started);
    if (auto ready = at("readyAt"))
        out += (out.empty() ? "" : ", ") + std::string("ready ") + durationText(*ready - *started);
    return out.empty() ? "-" : out;
}

std::string shortBytes(double bytes) {
    const char* units[] = {"B", "K", "M", "G", "T"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, unit == 0 || bytes >= 100 ? "%.0f%s" : "%.1f%s", bytes,
                  units[unit]);
    return buf;
}

}  // namespace parawork::cli
