// The resource monitor (issue 8): one thread samples every running session once per interval
// (its cgroup where there is one, else its process tree under the host from /proc), keeps a ring
// of recent samples and the peaks, publishes `resource_sample` and `limit_warning` events, and
// ends a session that passes a limit the kernel does not enforce by itself (the watchdog), or
// whose cgroup reports the kernel acting on one (an OOM kill, a refused fork).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/resource_limits.hpp"
#include "monitor/cgroups.hpp"
#include "monitor/process_table.hpp"

namespace parawork::monitor {

struct ResourceSample {
    std::int64_t timestampMs = 0;
    double cpuPercent = 0;          ///< of one core (200 = two cores busy)
    double machineCpuPercent = 0;   ///< of the whole machine
    std::uint64_t memoryBytes = 0;  ///< the cgroup's usage without page cache, else summed RSS
    std::uint64_t rssBytes = 0;     ///< summed RSS (counts shared pages once per process)
    std::optional<std::uint64_t> pssBytes;        ///< measured every pssInterval, and on demand
    std::uint64_t readBytes = 0, writeBytes = 0;  ///< storage I/O of the live processes
    std::uint64_t processes = 0, threads = 0;
};

/// How a limit is held: by the kernel through the session's cgroup, or by the watchdog.
enum class Enforcement { Cgroup, Watchdog };

struct SessionResources {
    std::string sessionId, workspaceId;
    Mechanism mechanism = Mechanism::Proc;  ///< how this session is sampled
    core::ResourceLimits limits;
    Enforcement memoryEnforcement = Enforcement::Watchdog, cpuEnforcement = Enforcement::Watchdog,
                pidsEnforcement = Enforcement::Watchdog;
    std::optional<ResourceSample> current;
    std::vector<ResourceSample> recent;  ///< oldest first
    double peakMemoryMb = 0, peakCpuPercent = 0;
    std::optional<std::uint64_t> lastPssBytes;
    /// From the start request to the command running in its host (this daemon's starts only).
    std::optional<double> spawnMs;
    bool running = false;
    std::string limitReason;  ///< "limit:memory"... once a limit has ended it
};

struct MonitorOptions {
    std::chrono::milliseconds interval{1000};
    std::size_t ringSize = 120;
    std::chrono::milliseconds pssInterval{30000};
    /// The watchdog ends a session whose CPU stays above its limit this long.
    std::chrono::milliseconds cpuGrace{5000};
    bool cgroups = true;                  ///< false: always the /proc walk and the watchdog
    std::string cgroupName = "parawork";  ///< the parent directory of session cgroups
};

struct MonitorSink {
    /// A `{type, data}` event for the subscribers of a workspace.
    std::function<void(const std::string& workspaceId, std::string eventJson)> publish;
    /// Ends the session's whole tree (SIGTERM, SIGKILL after the grace), recording `reason`.
    std::function<void(const std::string& sessionId, const std::string& reason)> stop;
    /// Stores the peaks with the session once it has ended.
    std::function<void(const std::string& sessionId, double peakMemoryMb, double peakCpuPercent)>
        recordPeaks;
};

class ResourceMonitor {
  public:
    ResourceMonitor(MonitorOptions options, MonitorSink sink);
    ~ResourceMonitor();
    ResourceMonitor(const ResourceMonitor&) = delete;
    ResourceMonitor& operator=(const ResourceMonitor&) = delete;

    Mechanism mechanism() const { return layout_.mechanism; }
    /// Before a session's command starts: records its limits and makes its cgroup. Returns the
    /// cgroup.procs files the command must join before it execs (empty: no cgroup).
    std::vector<std::filesystem::path> prepare(const std::string& sessionId,
                                               const core::ResourceLimits& limits);
    /// The session runs (or was re-adopted): sampling starts. `rootPid` is its host (whose
    /// descendants are the session's processes) or, without one, the command.
    void sessionRunning(const std::string& sessionId, const std::string& workspaceId, pid_t rootPid,
                        bool rootIsHost, std::int64_t startedAtMs);
    /// The session has ended: sampling stops, the peaks are recorded, the cgroup is removed.
    void sessionEnded(const std::string& sessionId);
    /// The limit that ended the session ("limit:memory"...), or nullopt. Asked while the
    /// session's end is recorded, before sessionEnded.
    std::optional<std::string> endReason(const std::string& sessionId);
    /// What is known of a session (nullopt: not followed). `measurePss` reads PSS now.
    std::optional<SessionResources> resources(const std::string& sessionId, bool measurePss);
    /// Every followed session, without the rings.
    std::vector<SessionResources> all();
    /// Samples once now (tests and the bench drive it; the thread calls it every interval).
    void sampleNow();
    void stop();

  private:
    struct Tracked;
    void run(std::stop_token stop);
    void sample(Tracked& tracked, std::int64_t nowMs, std::chrono::steady_clock::time_point now);
    std::optional<std::string> checkLimits(Tracked& tracked,
                                           std::chrono::steady_clock::time_point now);
    void warn(Tracked& tracked, const char* limit, double used, double max);
    std::optional<std::uint64_t> measurePss(const Tracked& tracked);

    MonitorOptions options_;
    MonitorSink sink_;
    CgroupLayout layout_;
    std::mutex mutex_;  ///< guards tracked_ and table_
    std::condition_variable_any wake_;
    std::map<std::string, std::shared_ptr<Tracked>> tracked_;
    ProcessTable table_;
    std::vector<std::pair<std::string, std::string>> pending_;  ///< events: workspace, JSON
    std::jthread thread_;
};

}  // namespace parawork::monitor
