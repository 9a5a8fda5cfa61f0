// What runs in a new workspace before its agent starts (issue 9): the repository's
// parawork.toml [setup] script, or — when autoInstallDependencies is on — the install commands
// of the projects whose dependencies are not installed. It runs as a visible session of kind
// `setup` (started by workspace/setup_gate.hpp), under coreutils' `timeout` so that a hung
// install ends by itself (exit 124).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/entities.hpp"
#include "deps/dependency_report.hpp"
#include "project/project_config.hpp"

namespace parawork::deps {

inline constexpr std::chrono::milliseconds kDefaultSetupTimeout = std::chrono::minutes(10);
/// Exit status of `timeout` when the time ran out.
inline constexpr int kSetupTimedOutExit = 124;

struct SetupPlan {
    std::string script;  ///< run by /bin/sh -c
    std::chrono::milliseconds timeout = kDefaultSetupTimeout;
    std::string source;  ///< "parawork.toml" or "autoInstallDependencies"
};

/// The setup for a new workspace: the config's script when it has one; else, with
/// `autoInstall`, the install script of `report` (nullopt when everything is installed); else
/// nullopt. `report` is only read when needed.
std::optional<SetupPlan> planSetup(const std::optional<project::ProjectConfig>& config,
                                   bool autoInstall,
                                   const std::function<DependencyReport()>& report);

/// A shell script that installs every project that is not installed, each in its directory,
/// announcing each step as a `[parawork:stage]` marker; it stops at the first failure. Empty
/// when there is nothing to install.
std::string installScript(const DependencyReport& report);

/// How long the setup of `workspace` may take: its parawork.toml's [setup] timeout, else the
/// default.
std::chrono::milliseconds setupTimeoutOf(const core::Workspace& workspace);

/// `text` quoted for /bin/sh.
std::string shellQuote(const std::string& text);

}  // namespace parawork::deps
