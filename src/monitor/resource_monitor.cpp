#include "monitor/resource_monitor.hpp"

#include <unistd.h>

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "monitor/resource_json.hpp"

namespace parawork::monitor {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kWarnAt = 0.9;         ///< limit_warning at 90 % of a limit
constexpr std::size_t kEndedKept = 64;  ///< ended sessions whose figures stay readable

const double kNsPerTick = 1e9 / static_cast<double>(::sysconf(_SC_CLK_TCK));
const std::uint64_t kPageBytes = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
const double kCpus = static_cast<double>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));

}  // namespace

struct ResourceMonitor::Tracked {
    SessionResources info;
    std::optional<SessionCgroup> cgroup;
    std::deque<ResourceSample> ring;
    pid_t rootPid = 0;
    bool rootIsHost = false;
    std::int64_t startedAtMs = 0;
    std::optional<std::chrono::steady_clock::time_point> preparedAt;
    std::vector<pid_t> members;  ///< as of the last sample
    CgroupReading reading;       ///< as of the last sample
    // CPU between samples: the cgroup's usage, else each process's ticks (a process that
    // exits takes its ticks with it; deltas per pid never go backwards).
    bool sampled = false;
    std::chrono::steady_clock::time_point sampledAt;
    std::optional<std::uint64_t> usageNs;
    std::map<pid_t, std::pair<std::uint64_t, std::uint64_t>> ticks;  ///< pid → {start, ticks}
    std::chrono::steady_clock::time_point pssAt;
    std::optional<std::chrono::steady_clock::time_point> cpuOverSince;
    std::set<std::string> warned;
};

ResourceMonitor::ResourceMonitor(MonitorOptions options, MonitorSink sink)
    : options_(std::move(options)),
      sink_(std::move(sink)),
      layout_(detectCgroupLayout(options_.cgroupName, options_.cgroups)) {
    spdlog::info("resource monitor: {} every {} ms", toString(layout_.mechanism),
                 options_.interval.count());
    if (options_.interval.count() > 0)
        thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

ResourceMonitor::~ResourceMonitor() {
    stop();
}

void ResourceMonitor::stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        wake_.notify_all();
        thread_.join();
    }
}

void ResourceMonitor::run(std::stop_token stop) {
    while (!stop.stop_requested()) {
        sampleNow();
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, stop, options_.interval, [] { return false; });
    }
}

std::vector<std::filesystem::path> ResourceMonitor::prepare(const std::string& sessionId,
                                                            const core::ResourceLimits& limits) {
    auto tracked = std::make_shared<Tracked>();
    tracked->info.sessionId = sessionId;
    tracked->info.limits = limits;
    tracked->preparedAt = std::chrono::steady_clock::now();
    std::vector<std::filesystem::path> files;
    if (layout_.mechanism != Mechanism::Proc || layout_.unified) {
        try {
            auto& cgroup = tracked->cgroup.emplace(layout_, sessionId, limits);
            files = cgroup.procsFiles();
            tracked->info.mechanism = layout_.mechanism;
            auto by = [](bool kernel) {
                return kernel ? Enforcement::Cgroup : Enforcement::Watchdog;
            };
            tracked->info.memoryEnforcement = by(cgroup.enforcesMemory());
            tracked->info.cpuEnforcement = by(cgroup.enforcesCpu());
            tracked->info.pidsEnforcement = by(cgroup.enforcesPids());
        } catch (const std::exception& e) {
            tracked->cgroup.reset();
            spdlog::warn("session {}: no cgroup ({}); limits are held by the watchdog", sessionId,
                         e.what());
        }
    }
    std::lock_guard lock(mutex_);
    tracked_[sessionId] = std::move(tracked);
    return files;
}

void ResourceMonitor::sessionRunning(const std::string& sessionId, const std::string& workspaceId,
                                     pid_t rootPid, bool rootIsHost, std::int64_t startedAtMs) {
    std::lock_guard lock(mutex_);
    auto& tracked = tracked_[sessionId];
    if (!tracked) {  // re-adopted after a restart: its limits were not kept, its cgroup was
        tracked = std::make_shared<Tracked>();
        tracked->info.sessionId = sessionId;
        if (SessionCgroup::exists(layout_, sessionId)) {
            try {
                tracked->cgroup.emplace(layout_, sessionId, core::ResourceLimits{});
                tracked->info.mechanism = layout_.mechanism;
            } catch (const std::exception& e) {
                spdlog::warn("session {}: cannot reopen its cgroup: {}", sessionId, e.what());
            }
        }
    }
    tracked->info.workspaceId = workspaceId;
    tracked->info.running = true;
    tracked->rootPid = rootPid;
    tracked->rootIsHost = rootIsHost;
    tracked->startedAtMs = startedAtMs;
    if (tracked->preparedAt)
        tracked->info.spawnMs = std::chrono::duration<double, std::milli>(
                                    std::chrono::steady_clock::now() - *tracked->preparedAt)
                                    .count();
}

void ResourceMonitor::sessionEnded(const std::string& sessionId) {
    std::optional<SessionCgroup> cgroup;
    std::optional<std::pair<double, double>> peaks;
    {
        std::lock_guard lock(mutex_);
        auto it = tracked_.find(sessionId);
        if (it == tracked_.end() || !it->second->info.running) return;
        Tracked& tracked = *it->second;
        tracked.info.running = false;
        cgroup = std::move(tracked.cgroup);
        tracked.cgroup.reset();
        if (tracked.sampled) peaks.emplace(tracked.info.peakMemoryMb, tracked.info.peakCpuPercent);
        std::size_t ended = 0;
        for (const auto& [id, t] : tracked_) ended += t->info.running ? 0 : 1;
        // The oldest ended sessions go first (ids are random: find the earliest started).
        while (ended-- > kEndedKept) {
            auto oldest = tracked_.end();
            for (auto i = tracked_.begin(); i != tracked_.end(); ++i)
                if (!i->second->info.running &&
                    (oldest == tracked_.end() ||
                     i->second->startedAtMs < oldest->second->startedAtMs))
                    oldest = i;
            tracked_.erase(oldest);
        }
    }
    if (cgroup) {
        // The kernel's own peak also covers what happened between samples, or before the first.
        if (auto bytes = cgroup->peakMemoryBytes()) {
            double mb = static_cast<double>(*bytes) / kMiB;
            if (!peaks) peaks.emplace(mb, 0.0);
            peaks->first = std::max(peaks->first, mb);
        }
        cgroup->remove();
    }
    if (peaks && sink_.recordPeaks) sink_.recordPeaks(sessionId, peaks->first, peaks->second);
}

std::optional<std::string> ResourceMonitor::endReason(const std::string& sessionId) {
    std::lock_guard lock(mutex_);
    auto it = tracked_.find(sessionId);
    if (it == tracked_.end()) return std::nullopt;
    Tracked& tracked = *it->second;
    if (tracked.info.limitReason.empty() && tracked.cgroup) {
        // The kernel may have acted since the last sample.
        auto reading = tracked.cgroup->read();
        if (tracked.info.limits.memoryBytes && reading.oomKills > 0)
            tracked.info.limitReason = "limit:memory";
        else if (tracked.info.limits.pids && reading.pidsRefused > 0)
            tracked.info.limitReason = "limit:pids";
    }
    if (tracked.info.limitReason.empty()) return std::nullopt;
    return tracked.info.limitReason;
}

std::optional<std::uint64_t> ResourceMonitor::measurePss(const Tracked& tracked) {
    std::optional<std::uint64_t> total;
    for (pid_t pid : tracked.members)
        if (auto pss = ProcessTable::pssBytes(pid)) total = total.value_or(0) + *pss;
    return total;
}

std::optional<SessionResources> ResourceMonitor::resources(const std::string& sessionId,
                                                           bool withPss) {
    std::lock_guard lock(mutex_);
    auto it = tracked_.find(sessionId);
    if (it == tracked_.end()) return std::nullopt;
    Tracked& tracked = *it->second;
    if (withPss && tracked.info.running) {
        tracked.info.lastPssBytes = measurePss(tracked);
        if (tracked.info.current) tracked.info.current->pssBytes = tracked.info.lastPssBytes;
    }
    SessionResources out = tracked.info;
    out.recent.assign(tracked.ring.begin(), tracked.ring.end());
    return out;
}

std::vector<SessionResources> ResourceMonitor::all() {
    std::lock_guard lock(mutex_);
    std::vector<SessionResources> out;
    for (const auto& [id, tracked] : tracked_) out.push_back(tracked->info);
    return out;
}

void ResourceMonitor::sampleNow() {
    std::vector<std::pair<std::string, std::string>> stops;   // session, reason
    std::vector<std::pair<std::string, std::string>> events;  // workspace, JSON
    {
        std::lock_guard lock(mutex_);
        auto now = std::chrono::steady_clock::now();
        auto nowMs = core::nowMs();
        table_.beginRound();
        bool walk = std::ranges::any_of(tracked_, [](const auto& item) {
            return item.second->info.running && !item.second->cgroup;
        });
        if (walk) table_.scanAll();
        for (auto& [id, tracked] : tracked_) {
            if (!tracked->info.running) continue;
            sample(*tracked, nowMs, now);
            if (tracked->info.limitReason.empty())
                if (auto reason = checkLimits(*tracked, now)) {
                    tracked->info.limitReason = *reason;
                    stops.emplace_back(id, *reason);
                }
        }
        table_.endRound();
        events.swap(pending_);
    }
    for (auto& [workspaceId, event] : events)
        if (sink_.publish) sink_.publish(workspaceId, std::move(event));
    for (const auto& [id, reason] : stops) {
        spdlog::info("session {}: {} reached, stopping it", id, reason);
        if (sink_.stop) sink_.stop(id, reason);
    }
}

void ResourceMonitor::sample(Tracked& t, std::int64_t nowMs,
                             std::chrono::steady_clock::time_point now) {
    if (t.cgroup) {
        t.members = t.cgroup->members();
        t.reading = t.cgroup->read();
    } else {
        t.members = table_.treeOf(t.rootPid);
        if (t.rootIsHost) t.members.erase(t.members.begin());
    }
    ResourceSample s;
    s.timestampMs = nowMs;
    std::uint64_t tickDelta = 0;
    std::map<pid_t, std::pair<std::uint64_t, std::uint64_t>> ticks;
    for (pid_t pid : t.members) {
        const ProcessStat* stat = table_.read(pid);
        if (stat == nullptr) continue;
        ++s.processes;
        s.threads += stat->threads;
        s.rssBytes += stat->rssPages * kPageBytes;
        auto before = t.ticks.find(pid);
        bool same = before != t.ticks.end() && before->second.first == stat->startTime;
        tickDelta += stat->cpuTicks - (same ? std::min(before->second.second, stat->cpuTicks) : 0);
        ticks[pid] = {stat->startTime, stat->cpuTicks};
        if (auto io = table_.io(pid)) {
            s.readBytes += io->read;
            s.writeBytes += io->written;
        }
    }
    t.ticks = std::move(ticks);
    double elapsedNs = std::chrono::duration<double, std::nano>(now - t.sampledAt).count();
    if (t.reading.cpuUsageNs) {
        if (t.sampled && t.usageNs && elapsedNs > 0)
            s.cpuPercent = static_cast<double>(*t.reading.cpuUsageNs -
                                               std::min(*t.usageNs, *t.reading.cpuUsageNs)) /
                           elapsedNs * 100;
        t.usageNs = t.reading.cpuUsageNs;
    } else if (t.sampled && elapsedNs > 0) {
        s.cpuPercent = static_cast<double>(tickDelta) * kNsPerTick / elapsedNs * 100;
    }
    s.machineCpuPercent = s.cpuPercent / kCpus;
    s.memoryBytes = t.reading.memoryBytes.value_or(s.rssBytes);
    if (!t.sampled || now - t.pssAt >= options_.pssInterval) {
        t.info.lastPssBytes = measurePss(t);
        s.pssBytes = t.info.lastPssBytes;
        t.pssAt = now;
    }
    t.sampled = true;
    t.sampledAt = now;

    t.ring.push_back(s);
    while (t.ring.size() > options_.ringSize) t.ring.pop_front();
    t.info.current = s;
    t.info.peakMemoryMb = std::max(t.info.peakMemoryMb, static_cast<double>(s.memoryBytes) / kMiB);
    t.info.peakCpuPercent = std::max(t.info.peakCpuPercent, s.cpuPercent);
    pending_.emplace_back(t.info.workspaceId, sampleEvent(t.info, s));
}

void ResourceMonitor::warn(Tracked& t, const char* limit, double used, double max) {
    if (used < max * kWarnAt || !t.warned.insert(limit).second) return;
    pending_.emplace_back(t.info.workspaceId, limitWarningEvent(t.info, limit, used, max));
}

std::optional<std::string> ResourceMonitor::checkLimits(Tracked& t,
                                                        std::chrono::steady_clock::time_point now) {
    const auto& limits = t.info.limits;
    const auto& s = *t.info.current;
    if (limits.timeoutMs) {
        auto ran = static_cast<double>(s.timestampMs - t.startedAtMs);
        if (ran >= static_cast<double>(*limits.timeoutMs)) return "limit:timeout";
        warn(t, "timeout", ran, static_cast<double>(*limits.timeoutMs));
    }
    if (limits.memoryBytes) {
        auto max = static_cast<double>(*limits.memoryBytes);
        bool kernel = t.info.memoryEnforcement == Enforcement::Cgroup;
        if (kernel ? t.reading.oomKills > 0 : static_cast<double>(s.memoryBytes) >= max)
            return "limit:memory";
        warn(t, "memory", static_cast<double>(s.memoryBytes), max);
    }
    if (limits.pids) {
        // Like the kernel's pids.max, every task counts: threads too.
        auto max = static_cast<double>(*limits.pids);
        auto tasks = static_cast<double>(t.reading.pids.value_or(s.threads));
        bool kernel = t.info.pidsEnforcement == Enforcement::Cgroup;
        if (kernel ? t.reading.pidsRefused > 0 : tasks >= max) return "limit:pids";
        warn(t, "pids", tasks, max);
    }
    if (limits.cpuPercent) {
        warn(t, "cpu", s.cpuPercent, *limits.cpuPercent);
        // The kernel holds a cgroup at its quota; the watchdog ends a tree that stays above.
        if (t.info.cpuEnforcement == Enforcement::Watchdog && s.cpuPercent > *limits.cpuPercent) {
            if (!t.cpuOverSince) t.cpuOverSince = now;
            if (now - *t.cpuOverSince >= options_.cpuGrace) return "limit:cpu";
        } else {
            t.cpuOverSince.reset();
        }
    }
    return std::nullopt;
}

}  // namespace parawork::monitor
