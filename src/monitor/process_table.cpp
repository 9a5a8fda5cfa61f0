#include "monitor/process_table.hpp"

#include <dirent.h>

#include <charconv>
#include <string>

#include "core/parse_number.hpp"

namespace parawork::monitor {
namespace {

std::string procPath(pid_t pid, const char* file) {
    return "/proc/" + std::to_string(pid) + "/" + file;
}

}  // namespace

std::optional<ProcessStat> parseProcessStat(std::string_view text) {
    auto close = text.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    ProcessStat stat;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), stat.pid);
    if (ec != std::errc()) return std::nullopt;
    // Fields after the command name, counted from 0 = state (field 3 in proc(5)).
    std::uint64_t fields[22] = {};
    std::size_t index = 0, at = close + 2;
    while (index < 22 && at < text.size()) {
        std::size_t end = text.find(' ', at);
        if (end == std::string_view::npos) end = text.size();
        if (index > 0) {
            std::int64_t value = 0;
            std::from_chars(text.data() + at, text.data() + end, value);
            fields[index] = static_cast<std::uint64_t>(value < 0 ? 0 : value);
        }
        ++index;
        at = end + 1;
    }
    if (index < 22) return std::nullopt;
    stat.ppid = static_cast<pid_t>(fields[1]);
    stat.cpuTicks = fields[11] + fields[12];
    stat.threads = fields[17];
    stat.startTime = fields[19];
    stat.rssPages = fields[21];
    return stat;
}

void ProcessTable::beginRound() {
    ++round_;
    children_.clear();
}

ProcessTable::Entry* ProcessTable::load(pid_t pid) {
    auto [it, added] = entries_.try_emplace(pid);
    Entry& entry = it->second;
    if (entry.round == round_ && !added) return entry.fresh ? &entry : nullptr;
    entry.round = round_;
    entry.fresh = false;
    std::optional<ProcessStat> stat;
    if (!added && entry.stat.read(buffer_)) stat = parseProcessStat(buffer_);
    if (!stat || stat->startTime != entry.last.startTime) {
        // New, or the fd belongs to an exited process whose pid was reused: open again.
        entry.stat = KeptFile(procPath(pid, "stat"));
        entry.io = KeptFile();
        stat = entry.stat.read(buffer_) ? parseProcessStat(buffer_) : std::nullopt;
    }
    if (!stat) return nullptr;
    entry.last = *stat;
    entry.fresh = true;
    return &entry;
}

void ProcessTable::scanAll() {
    DIR* dir = ::opendir("/proc");
    if (dir == nullptr) return;
    while (dirent* d = ::readdir(dir)) {
        std::optional<pid_t> pid = core::parseNumber<pid_t>(d->d_name);
        if (!pid) continue;
        if (Entry* entry = load(*pid)) children_[entry->last.ppid].push_back(*pid);
    }
    ::closedir(dir);
}

std::vector<pid_t> ProcessTable::treeOf(pid_t root) const {
    std::vector<pid_t> tree{root};
    for (std::size_t i = 0; i < tree.size(); ++i)
        if (auto it = children_.find(tree[i]); it != children_.end())
            tree.insert(tree.end(), it->second.begin(), it->second.end());
    return tree;
}

const ProcessStat* ProcessTable::read(pid_t pid) {
    Entry* entry = load(pid);
    return entry ? &entry->last : nullptr;
}

std::optional<IoBytes> ProcessTable::io(pid_t pid) {
    auto it = entries_.find(pid);
    if (it == entries_.end() || !it->second.fresh) return std::nullopt;
    Entry& entry = it->second;
    if (!entry.io) entry.io = KeptFile(procPath(pid, "io"));
    if (!entry.io.read(buffer_)) return std::nullopt;
    return IoBytes{keyedValue(buffer_, "read_bytes").value_or(0),
                   keyedValue(buffer_, "write_bytes").value_or(0)};
}

void ProcessTable::endRound() {
    std::erase_if(entries_, [this](const auto& item) { return item.second.round != round_; });
}

std::optional<std::uint64_t> ProcessTable::pssBytes(pid_t pid) {
    std::string text;
    if (!KeptFile(procPath(pid, "smaps_rollup")).read(text)) return std::nullopt;
    auto kib = keyedValue(text, "Pss");
    return kib ? std::optional(*kib * 1024) : std::nullopt;
}

}  // namespace parawork::monitor
