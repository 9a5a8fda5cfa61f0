#include "deps/setup_plan.hpp"

#include <boost/json/parse.hpp>

namespace parawork::deps {

std::string shellQuote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string installScript(const DependencyReport& report) {
    std::string script;
    for (const auto& project : report.projects) {
        if (project.state == InstallState::Installed || project.installCommand.empty()) continue;
        std::string step = project.installCommand + " in " + project.directory;
        script += "printf '%s\\n' " + shellQuote("[parawork:stage] " + step) + "\n";
        script += "(cd " + shellQuote(project.directory) + " && " + project.installCommand +
                  ") || exit $?\n";
    }
    return script;
}

std::optional<SetupPlan> planSetup(const std::optional<project::ProjectConfig>& config,
                                   bool autoInstall,
                                   const std::function<DependencyReport()>& report) {
    SetupPlan plan;
    if (config && config->setupTimeoutMs)
        plan.timeout = std::chrono::milliseconds(*config->setupTimeoutMs);
    if (config && config->setupScript) {
        plan.script = *config->setupScript;
        plan.source = "parawork.toml";
        return plan;
    }
    if (!autoInstall) return std::nullopt;
    plan.script = installScript(report());
    plan.source = "autoInstallDependencies";
    if (plan.script.empty()) return std::nullopt;
    return plan;
}

std::chrono::milliseconds setupTimeoutOf(const core::Workspace& workspace) {
    if (!workspace.projectConfigJson) return kDefaultSetupTimeout;
    boost::system::error_code ec;
    auto json = boost::json::parse(*workspace.projectConfigJson, ec);
    if (ec) return kDefaultSetupTimeout;
    try {
        auto timeout = project::projectConfigFromJson(json).setupTimeoutMs;
        return timeout ? std::chrono::milliseconds(*timeout) : kDefaultSetupTimeout;
    } catch (const std::exception&) {
        return kDefaultSetupTimeout;
    }
}

}  // namespace parawork::deps
