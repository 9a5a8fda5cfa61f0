#include "monitor/cgroups.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.hpp"

namespace parawork::monitor {
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kCpuPeriodUs = 100000;

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t at = 0;
    for (;;) {
        std::size_t end = text.find(separator, at);
        parts.push_back(text.substr(at, end == std::string_view::npos ? end : end - at));
        if (end == std::string_view::npos) return parts;
        at = end + 1;
    }
}

std::string readText(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// `path` (as /proc/self/cgroup names it) inside a hierarchy mounted at `mountPoint` whose
/// mount shows `root` of the hierarchy.
fs::path placeIn(std::string_view mountPoint, std::string_view root, std::string_view path) {
    if (root != "/" && path.starts_with(root)) path.remove_prefix(root.size());
    while (path.starts_with('/')) path.remove_prefix(1);
    return path.empty() ? fs::path(mountPoint) : fs::path(mountPoint) / path;
}

bool ensureDirectory(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    return fs::is_directory(dir, ec);
}

/// Whether `dir` can enable the memory, cpu and pids controllers for its children.
bool delegatesControllers(const fs::path& dir) {
    auto controllers = split(readText(dir / "cgroup.controllers"), ' ');
    for (std::string_view wanted : {"memory", "cpu", "pids"}) {
        bool found = false;
        for (auto c : controllers) found = found || c == wanted || c == std::string(wanted) + "\n";
        if (!found) return false;
    }
    return true;
}

std::string numberText(double value) {
    return std::to_string(static_cast<std::uint64_t>(value));
}

std::vector<pid_t> parsePids(std::string_view text) {
    std::vector<pid_t> pids;
    for (auto line : split(text, '\n')) {
        pid_t pid = 0;
        auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), pid);
        if (ec == std::errc() && pid > 0) pids.push_back(pid);
    }
    return pids;
}

void writeLimit(const fs::path& file, const std::string& value) {
    if (!writeFile(file, value))
        core::throwErrno("cannot set the limit " + file.string() + " to " + value);
}

/// Session cgroups whose processes are all gone and whose daemon never removed them (it was
/// stopped while they ran, or killed): empty ones older than a minute go. The kernel refuses
/// to remove a cgroup that still has members, and a new one is joined within milliseconds.
void removeAbandoned(const fs::path& parent) {
    std::error_code ec;
    auto now = fs::file_time_type::clock::now();
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
        std::error_code statError;
        if (!entry.is_directory(statError)) continue;
        auto written = fs::last_write_time(entry.path(), statError);
        if (!statError && now - written > std::chrono::minutes(1)) ::rmdir(entry.path().c_str());
    }
}

}  // namespace

std::string_view toString(Mechanism mechanism) {
    switch (mechanism) {
        case Mechanism::CgroupV2:
            return "cgroup-v2";
        case Mechanism::CgroupV1:
            return "cgroup-v1";
        case Mechanism::Proc:
            break;
    }
    return "proc";
}

CgroupPlaces findCgroupPlaces(std::string_view procCgroup, std::string_view mountInfo) {
    std::map<std::string, std::string> ownPaths;  // controller ("" for v2) → cgroup path
    for (auto line : split(procCgroup, '\n')) {
        auto fields = split(line, ':');
        if (fields.size() < 3) continue;
        std::string_view path = line.substr(fields[0].size() + fields[1].size() + 2);
        if (fields[1].empty()) ownPaths[""] = std::string(path);
        for (auto controller : split(fields[1], ','))
            if (!controller.empty() && !controller.starts_with("name="))
                ownPaths[std::string(controller)] = std::string(path);
    }
    CgroupPlaces places;
    for (auto line : split(mountInfo, '\n')) {
        auto fields = split(line, ' ');
        std::size_t dash = 0;
        while (dash < fields.size() && fields[dash] != "-") ++dash;
        if (fields.size() < 5 || dash + 3 >= fields.size()) continue;
        std::string_view root = fields[3], mountPoint = fields[4], type = fields[dash + 1];
        if (type == "cgroup2") {
            if (auto it = ownPaths.find(""); it != ownPaths.end())
                places.unified = placeIn(mountPoint, root, it->second);
        } else if (type == "cgroup") {
            for (auto option : split(fields[dash + 3], ','))
                if (auto it = ownPaths.find(std::string(option)); it != ownPaths.end())
                    places.v1[it->first] = placeIn(mountPoint, root, it->second);
        }
    }
    return places;
}

CgroupLayout detectCgroupLayout(const std::string& groupName, bool enabled) {
    CgroupLayout layout;
    if (!enabled) return layout;
    auto places = findCgroupPlaces(readText("/proc/self/cgroup"), readText("/proc/self/mountinfo"));
    if (places.unified && ensureDirectory(*places.unified / groupName)) {
        fs::path parent = *places.unified / groupName;
        layout.unified = parent;
        // Our own cgroup must pass the controllers down (allowed at the root, or when it was
        // delegated with them enabled), then our parent directory to each session's.
        if (delegatesControllers(*places.unified)) {
            writeFile(*places.unified / "cgroup.subtree_control", "+memory +cpu +pids");
            if (delegatesControllers(parent) &&
                writeFile(parent / "cgroup.subtree_control", "+memory +cpu +pids")) {
                layout.mechanism = Mechanism::CgroupV2;
                removeAbandoned(parent);
                return layout;
            }
        }
    }
    for (const char* controller : {"memory", "cpu", "cpuacct", "pids"}) {
        auto it = places.v1.find(controller);
        if (it != places.v1.end() && ensureDirectory(it->second / groupName))
            layout.v1[controller] = it->second / groupName;
    }
    if (layout.v1.contains("memory") && layout.v1.contains("cpu") && layout.v1.contains("pids"))
        layout.mechanism = Mechanism::CgroupV1;
    else
        layout.v1.clear();
    for (const auto& [controller, parent] : layout.v1) removeAbandoned(parent);
    if (layout.unified) removeAbandoned(*layout.unified);
    return layout;
}

SessionCgroup::SessionCgroup(const CgroupLayout& layout, const std::string& sessionId,
                             const core::ResourceLimits& limits) {
    auto make = [&](const fs::path& parent) {
        fs::path dir = parent / sessionId;
        std::error_code ec;
        if (!fs::create_directory(dir, ec) && ec)
            throw core::Error("cannot create the cgroup " + dir.string() + ": " + ec.message());
        bool known = false;
        for (const auto& d : dirs_) known = known || d == dir;
        if (!known) dirs_.push_back(dir);
        return dir;
    };
    try {
        if (layout.unified) {
            fs::path dir = make(*layout.unified);
            unified_ = dir;
            cpuStat_ = KeptFile(dir / "cpu.stat");
            procsFile_ = dir / "cgroup.procs";
        }
        if (layout.mechanism == Mechanism::CgroupV2) {
            const fs::path& dir = *unified_;
            v2Memory_ = true;
            if (limits.memoryBytes) {
                writeLimit(dir / "memory.max", std::to_string(*limits.memoryBytes));
                writeFile(dir / "memory.swap.max", "0");  // absent without swap accounting
            }
            if (limits.cpuPercent)
                writeLimit(dir / "cpu.max", numberText(*limits.cpuPercent * kCpuPeriodUs / 100) +
                                                " " + std::to_string(kCpuPeriodUs));
            if (limits.pids) writeLimit(dir / "pids.max", std::to_string(*limits.pids));
            memoryUsage_ = KeptFile(dir / "memory.current");
            memoryPeak_ = KeptFile(dir / "memory.peak");  // kernel >= 5.19
            memoryStat_ = KeptFile(dir / "memory.stat");
            memoryEvents_ = KeptFile(dir / "memory.events");
            pidsCurrent_ = KeptFile(dir / "pids.current");
            pidsEvents_ = KeptFile(dir / "pids.events");
        } else if (layout.mechanism == Mechanism::CgroupV1) {
            fs::path memory = make(layout.v1.at("memory"));
            if (limits.memoryBytes) {
                writeLimit(memory / "memory.limit_in_bytes", std::to_string(*limits.memoryBytes));
                // With swap accounting the limit covers swap too; without it the file is absent.
                writeFile(memory / "memory.memsw.limit_in_bytes",
                          std::to_string(*limits.memoryBytes));
            }
            memoryUsage_ = KeptFile(memory / "memory.usage_in_bytes");
            memoryPeak_ = KeptFile(memory / "memory.max_usage_in_bytes");
            memoryStat_ = KeptFile(memory / "memory.stat");
            memoryEvents_ = KeptFile(memory / "memory.oom_control");
            fs::path cpu = make(layout.v1.at("cpu"));
            if (limits.cpuPercent) {
                writeLimit(cpu / "cpu.cfs_period_us", std::to_string(kCpuPeriodUs));
                writeLimit(cpu / "cpu.cfs_quota_us",
                           numberText(*limits.cpuPercent * kCpuPeriodUs / 100));
            }
            if (auto acct = layout.v1.find("cpuacct"); acct != layout.v1.end())
                cpuUsage_ = KeptFile(make(acct->second) / "cpuacct.usage");
            fs::path pids = make(layout.v1.at("pids"));
            if (limits.pids) writeLimit(pids / "pids.max", std::to_string(*limits.pids));
            pidsCurrent_ = KeptFile(pids / "pids.current");
            pidsEvents_ = KeptFile(pids / "pids.events");
            procsFile_ = pids / "cgroup.procs";
        }
    } catch (...) {
        remove();
        throw;
    }
    bool controllers = layout.mechanism != Mechanism::Proc;
    memoryLimited_ = controllers && limits.memoryBytes.has_value();
    cpuLimited_ = controllers && limits.cpuPercent.has_value();
    pidsLimited_ = controllers && limits.pids.has_value();
}

bool SessionCgroup::exists(const CgroupLayout& layout, const std::string& sessionId) {
    std::error_code ec;
    if (layout.mechanism == Mechanism::CgroupV1)
        return fs::is_directory(layout.v1.at("pids") / sessionId, ec);
    return layout.unified && fs::is_directory(*layout.unified / sessionId, ec);
}

std::vector<fs::path> SessionCgroup::procsFiles() const {
    std::vector<fs::path> files;
    for (const auto& dir : dirs_) files.push_back(dir / "cgroup.procs");
    return files;
}

CgroupReading SessionCgroup::read() const {
    CgroupReading reading;
    std::string text;
    if (cpuUsage_) {
        reading.cpuUsageNs = cpuUsage_.readNumber();
    } else if (cpuStat_.read(text)) {
        if (auto usec = keyedValue(text, "usage_usec")) reading.cpuUsageNs = *usec * 1000;
    }
    if (auto usage = memoryUsage_.readNumber()) {
        std::uint64_t inactive = 0;
        if (memoryStat_.read(text))
            inactive =
                keyedValue(text, v2Memory_ ? "inactive_file" : "total_inactive_file").value_or(0);
        reading.memoryBytes = *usage - std::min(inactive, *usage);
    }
    if (memoryEvents_.read(text)) reading.oomKills = keyedValue(text, "oom_kill").value_or(0);
    reading.pids = pidsCurrent_.readNumber();
    if (pidsEvents_.read(text)) reading.pidsRefused = keyedValue(text, "max").value_or(0);
    return reading;
}

std::optional<std::uint64_t> SessionCgroup::peakMemoryBytes() const {
    return memoryPeak_.readNumber();
}

std::vector<pid_t> SessionCgroup::members() const {
    return procsFile_.empty() ? std::vector<pid_t>{} : parsePids(readText(procsFile_));
}

void SessionCgroup::killAll() const {
    if (unified_ && writeFile(*unified_ / "cgroup.kill", "1")) return;
    for (pid_t pid : members()) ::kill(pid, SIGKILL);
}

void SessionCgroup::remove() {
    for (KeptFile* file : {&cpuUsage_, &cpuStat_, &memoryUsage_, &memoryStat_, &memoryEvents_,
                           &pidsCurrent_, &pidsEvents_})
        *file = KeptFile();
    for (int round = 0; round < 100 && !dirs_.empty(); ++round) {
        if (round > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::erase_if(dirs_, [](const fs::path& dir) {
            if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return true;
            if (errno == EBUSY)  // members left (killed ones the kernel has not released yet)
                for (pid_t pid : parsePids(readText(dir / "cgroup.procs"))) ::kill(pid, SIGKILL);
            return false;
        });
    }
}

}  // namespace parawork::monitor
