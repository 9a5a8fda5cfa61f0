#include "daemon/service_options.hpp"

#include "daemon/ui_urls.hpp"
#include "ports/port_blocks.hpp"

namespace parawork::daemon {

watch::WatcherOptions watcherOptions(const Paths& paths) {
    watch::WatcherOptions options;
    options.excludedPaths = {paths.dataDir, paths.configDir, paths.runtimeDir};
    return options;
}

ports::PortServiceConfig portServiceConfig(const Config& config) {
    ports::PortServiceConfig ports;
    ports.blocks = {static_cast<std::uint16_t>(config.portsFirst),
                    static_cast<std::uint16_t>(config.portsLast),
                    static_cast<std::uint16_t>(config.portsBlockSize)};
    ports::validate(ports.blocks);
    ports.scanInterval = std::chrono::milliseconds(config.portScanIntervalMs);
    ports.previewDomain = config.previewDomain;
    ports.previewPublicPort = static_cast<std::uint16_t>(config.previewPublicPort);
    ports.previewScheme = publicScheme(config);
    return ports;
}

monitor::MonitorOptions monitorOptions(const Config& config) {
    monitor::MonitorOptions options;
    options.interval = std::chrono::milliseconds(config.resourceSampleIntervalMs);
    options.cgroups = config.resourceCgroups;
    return options;
}

deps::DetectOptions detectOptions() {
    deps::DetectOptions options;
    options.pathVariable = processEnv()("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
    options.caches =
        deps::cacheDirsFrom([env = processEnv()](const std::string& name) { return env(name); });
    return options;
}

}  // namespace parawork::daemon
