// The /proc side of sampling (platform notes "Resources"): every process's stat read through a
// kept-open fd with pread, one sweep per sample for all sessions together, so that finding a
// session's tree (no /proc/PID/task/TID/children on every kernel) costs one readdir.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "monitor/kept_file.hpp"

namespace parawork::monitor {

/// The fields of /proc/PID/stat the monitor uses.
struct ProcessStat {
    pid_t pid = 0;
    pid_t ppid = 0;
    std::uint64_t cpuTicks = 0;   ///< utime + stime, in clock ticks
    std::uint64_t startTime = 0;  ///< ticks after boot: tells a reused pid apart
    std::uint64_t threads = 0;
    std::uint64_t rssPages = 0;
};

/// Parses the text of /proc/PID/stat (the command name may hold spaces and parentheses).
std::optional<ProcessStat> parseProcessStat(std::string_view text);

struct IoBytes {
    std::uint64_t read = 0, written = 0;  ///< storage bytes (read_bytes, write_bytes)
};

class ProcessTable {
  public:
    /// Starts a sample: what is not read again before endRound() is forgotten (fds closed).
    void beginRound();
    /// Reads every process on the machine (one readdir of /proc), for treeOf().
    void scanAll();
    /// `root` and its descendants as of the last scanAll().
    std::vector<pid_t> treeOf(pid_t root) const;
    /// The stat of `pid`, read once per round; nullptr when it is gone.
    const ProcessStat* read(pid_t pid);
    /// /proc/PID/io of a process read this round; nullopt when unreadable.
    std::optional<IoBytes> io(pid_t pid);
    void endRound();
    /// Proportional set size from /proc/PID/smaps_rollup (expensive: on demand only).
    static std::optional<std::uint64_t> pssBytes(pid_t pid);
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        KeptFile stat, io;
        ProcessStat last;
        std::uint64_t round = 0;
        bool fresh = false;  ///< `last` was read this round
    };
    Entry* load(pid_t pid);

    std::unordered_map<pid_t, Entry> entries_;
    std::unordered_map<pid_t, std::vector<pid_t>> children_;
    std::uint64_t round_ = 0;
    std::string buffer_;
};

}  // namespace parawork::monitor
