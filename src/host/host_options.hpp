// The command line of `parawork-host` (see docs/host-protocol.md, "Starting a host"), parsed into
// plain data so that it is unit-tested without starting anything.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/host_protocol.hpp"
#include "host/output_log.hpp"

namespace parawork::host {

/// Everything `parawork-host [options] -- CMD ARGS...` asks for.
struct HostOptions {
    std::filesystem::path sessionDir;
    WindowSize size;                           ///< --cols / --rows, 1..kMaxWindowCells
    std::optional<std::filesystem::path> cwd;  ///< --cwd; the caller's cwd when absent
    OutputLogLimits log;                       ///< --log-max-bytes, --log-segment-bytes
    std::chrono::milliseconds linger{2000};    ///< --linger-ms: serve the socket after exit
    std::vector<std::string> command;          ///< after "--"; never empty
    /// --cgroup FILE (repeatable): cgroup.procs files the command joins before it execs, so
    /// that its limits hold from its first instruction.
    std::vector<std::filesystem::path> cgroupProcFiles;
};

/// Parses the arguments after argv[0]. Throws core::Error with a message fit for stderr.
/// Sizes accept a K/M/G suffix (powers of 1024). Options take "--name value" or "--name=value".
HostOptions parseHostOptions(const std::vector<std::string_view>& args);

/// The usage text printed with argument errors.
std::string hostUsage();

}  // namespace parawork::host
