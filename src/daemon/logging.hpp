// The daemon's log: spdlog to stderr and to a size-rotated file in the data directory.
#pragma once

#include <filesystem>
#include <string>

namespace parawork::daemon {

/// Installs the default logger. `level` is one of trace debug info warn error off.
void setupLogging(const std::filesystem::path& logFile, const std::string& level);

}  // namespace parawork::daemon
