// Starts a `parawork-host` for a session (DESIGN §3): the host detaches itself and reports when
// its socket listens, so that a daemon crash or restart never takes the session with it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "host/host_protocol.hpp"

namespace parawork::session {

struct LaunchSpec {
    std::filesystem::path hostBinary;
    std::filesystem::path sessionDir;
    std::filesystem::path cwd;
    std::vector<std::string> argv;  ///< the command; never a shell string
    std::vector<std::string> env;   ///< "KEY=value": the command's whole environment
    host::WindowSize size{120, 30};
    std::uint64_t logMaxBytes = 64u << 20;
    /// cgroup.procs files the command joins before it execs (its limits).
    std::vector<std::filesystem::path> cgroupProcFiles;
};

struct Launched {
    int hostPid = 0;
    int childPid = 0;
};

/// Runs the host and waits until it is ready (its socket listens) or has failed. Throws
/// core::Error carrying the host's own message on failure. Blocks for a few milliseconds: call
/// it from a worker thread.
Launched launchHost(const LaunchSpec& spec);

}  // namespace parawork::session
