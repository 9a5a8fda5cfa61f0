// A /proc or cgroup file opened once and read again with pread on every sample: the platform
// notes measured 0.69 ms per 200 processes this way against 1.66 ms for open+read each time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/unique_fd.hpp"

namespace parawork::monitor {

class KeptFile {
  public:
    KeptFile() = default;
    /// Opens `path` read-only; an empty KeptFile when it cannot be opened.
    explicit KeptFile(const std::filesystem::path& path);

    explicit operator bool() const { return static_cast<bool>(fd_); }
    /// The whole file from offset 0 into `buffer`; false when it cannot be read (the process is
    /// gone, the cgroup removed).
    bool read(std::string& buffer) const;
    /// The file's first number ("123\n", "max\n" → nullopt).
    std::optional<std::uint64_t> readNumber() const;

  private:
    core::UniqueFd fd_;
};

/// The value after `key ` on its own line of a "key value" file (memory.stat, cpu.stat,
/// memory.events, /proc/PID/io with "key: value").
std::optional<std::uint64_t> keyedValue(std::string_view text, std::string_view key);

/// Writes `text` to a cgroup or proc file; false (errno set) on failure.
bool writeFile(const std::filesystem::path& path, std::string_view text);

}  // namespace parawork::monitor
