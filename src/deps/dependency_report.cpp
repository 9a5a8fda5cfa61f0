#include "deps/dependency_report.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>

namespace parawork::deps {
namespace {

namespace json = boost::json;
// json::value_from gives null for an empty std::optional (Boost.JSON >= 1.81, our floor).

json::object projectJson(const Project& p) {
    json::array tools;
    for (const auto& tool : p.tools) tools.emplace_back(tool);
    return json::object{{"ecosystem", p.ecosystem},
                        {"language", p.language},
                        {"directory", p.directory},
                        {"manifest", p.manifest},
                        {"lockfile", json::value_from(p.lockfile)},
                        {"state", installStateName(p.state)},
                        {"reason", p.reason},
                        {"installCommand", p.installCommand},
                        {"tools", std::move(tools)}};
}

json::object toolJson(const ToolStatus& t) {
    json::value hint = nullptr;
    if (t.hint) hint = json::object{{"wanted", t.hint->wanted}, {"source", t.hint->source}};
    return json::object{{"name", t.name},
                        {"found", t.found},
                        {"path", t.found ? json::value(t.path) : json::value(nullptr)},
                        {"version", json::value_from(t.version)},
                        {"problem", json::value_from(t.problem)},
                        {"hint", std::move(hint)},
                        {"satisfied", json::value_from(t.satisfied)}};
}

}  // namespace

std::string_view installStateName(InstallState state) {
    switch (state) {
        case InstallState::Installed:
            return "installed";
        case InstallState::Missing:
            return "missing";
        case InstallState::Stale:
            return "stale";
        case InstallState::Unknown:
            return "unknown";
    }
    return "unknown";
}

std::string_view overallStateName(const DependencyReport& report) {
    if (report.projects.empty()) return "none";
    // The worst state wins: one missing project means the workspace is not ready.
    for (InstallState worst : {InstallState::Missing, InstallState::Stale, InstallState::Unknown})
        for (const auto& p : report.projects)
            if (p.state == worst) return installStateName(worst);
    return installStateName(InstallState::Installed);
}

json::value toJson(const DependencyReport& report) {
    json::array projects, tools;
    for (const auto& p : report.projects) projects.push_back(projectJson(p));
    for (const auto& t : report.tools) tools.push_back(toolJson(t));
    return json::object{{"status", overallStateName(report)},
                        {"projects", std::move(projects)},
                        {"tools", std::move(tools)},
                        {"truncated", report.truncated}};
}

}  // namespace parawork::deps
