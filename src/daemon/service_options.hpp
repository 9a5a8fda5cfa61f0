// Each service's options, from the daemon's settings (config.hpp) and directories (paths.hpp):
// what `parawork serve` hands the file watcher, the port service, the resource monitor and the
// dependency service.
#pragma once

#include "daemon/config.hpp"
#include "daemon/paths.hpp"
#include "deps/dependency_detector.hpp"
#include "monitor/resource_monitor.hpp"
#include "ports/port_service.hpp"
#include "watch/file_watcher.hpp"

namespace parawork::daemon {

/// The file watcher never watches parawork's own directories: its database would record its
/// own writes.
watch::WatcherOptions watcherOptions(const Paths& paths);

/// Port blocks (validated: throws core::Error for a bad range), scanning and preview URLs.
ports::PortServiceConfig portServiceConfig(const Config& config);

monitor::MonitorOptions monitorOptions(const Config& config);

/// Where tools and package caches are looked for: the daemon's own environment.
deps::DetectOptions detectOptions();

}  // namespace parawork::daemon
