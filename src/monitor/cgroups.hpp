// Per-session cgroups (issue 8; platform notes "The machine", "Limits and killing a tree").
// Detected once at start-up: cgroup v2 with the memory, cpu and pids controllers delegated to
// us; else v1 controllers we can write (this kind of machine: root, hybrid mounts); else none,
// and the monitor walks /proc and enforces limits with its watchdog. A v2 directory without
// controllers is still made when possible: it gives cgroup.kill and cpu.stat.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/resource_limits.hpp"
#include "monitor/kept_file.hpp"

namespace parawork::monitor {

enum class Mechanism { CgroupV2, CgroupV1, Proc };
/// "cgroup-v2", "cgroup-v1", "proc" (the /proc walk and the watchdog).
std::string_view toString(Mechanism mechanism);

/// Where this process's own cgroups are: each v1 controller's directory and the v2 one.
struct CgroupPlaces {
    std::map<std::string, std::filesystem::path> v1;  ///< controller name → directory
    std::optional<std::filesystem::path> unified;
};

/// Reads the texts of /proc/self/cgroup and /proc/self/mountinfo (pure, for tests).
CgroupPlaces findCgroupPlaces(std::string_view procCgroup, std::string_view mountInfo);

/// The directories under which session cgroups are made ("<own cgroup>/<group name>").
struct CgroupLayout {
    Mechanism mechanism = Mechanism::Proc;
    /// v1 controllers in use ("memory", "cpu", "cpuacct", "pids") → their parent directory.
    std::map<std::string, std::filesystem::path> v1;
    /// The v2 parent directory, with or without controllers.
    std::optional<std::filesystem::path> unified;
};

/// Probes this machine (creates the parent directories it will use, and removes the empty
/// session cgroups left in them by daemons that ended first). `groupName` names the parent
/// ("parawork"); nothing is made when `enabled` is false.
CgroupLayout detectCgroupLayout(const std::string& groupName, bool enabled = true);

/// What a session's cgroup says about it.
struct CgroupReading {
    std::optional<std::uint64_t> cpuUsageNs;
    std::optional<std::uint64_t> memoryBytes;  ///< usage without reclaimable page cache
    std::optional<std::uint64_t> pids;
    std::uint64_t oomKills = 0;     ///< the kernel killed a process at the memory limit
    std::uint64_t pidsRefused = 0;  ///< forks refused at the pids limit
};

/// One session's cgroup directories, made with its limits written. Removed by remove().
class SessionCgroup {
  public:
    /// Makes the directories under `layout` and writes `limits`. Throws core::Error naming the
    /// file that could not be written.
    SessionCgroup(const CgroupLayout& layout, const std::string& sessionId,
                  const core::ResourceLimits& limits);
    /// Whether the session's cgroup is there already (made before a daemon restart).
    static bool exists(const CgroupLayout& layout, const std::string& sessionId);
    SessionCgroup(SessionCgroup&&) = default;
    SessionCgroup& operator=(SessionCgroup&&) = default;

    /// The cgroup.procs files the command joins before it execs.
    std::vector<std::filesystem::path> procsFiles() const;
    /// Which limits the kernel enforces here.
    bool enforcesMemory() const { return memoryLimited_; }
    bool enforcesCpu() const { return cpuLimited_; }
    bool enforcesPids() const { return pidsLimited_; }
    CgroupReading read() const;
    /// The most memory the cgroup ever used, as the kernel counts it (v2 `memory.peak`, v1
    /// `memory.max_usage_in_bytes`): right even for a session killed before its first sample.
    std::optional<std::uint64_t> peakMemoryBytes() const;
    /// The processes in the cgroup (every member, escaped double-forks included).
    std::vector<pid_t> members() const;
    /// SIGKILLs every member (cgroup.kill when the v2 directory has it).
    void killAll() const;
    /// Kills what is left and removes the directories (waits up to ~1 s for the kernel to
    /// release them).
    void remove();

  private:
    std::vector<std::filesystem::path> dirs_;  ///< every directory made, deduplicated
    std::optional<std::filesystem::path> unified_;
    bool memoryLimited_ = false, cpuLimited_ = false, pidsLimited_ = false;
    bool v2Memory_ = false;
    KeptFile cpuUsage_, cpuStat_, memoryUsage_, memoryStat_, memoryEvents_, memoryPeak_,
        pidsCurrent_, pidsEvents_;
    /// Opened for each read: a v1 cgroup.procs kept open keeps listing what it listed first.
    std::filesystem::path procsFile_;
};

}  // namespace parawork::monitor
