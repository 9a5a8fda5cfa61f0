// A /proc or cgroup file opened once and read again with pread on every sample: the platform
// notes measured 0.69 ms per 200 processes this way against 1.66 ms for open+read each time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::monitor {

class KeptFile {
  public:
    KeptFile() = default;
    /// Opens `path` read-only; an empty KeptFile when it cannot be opened.
    explicit KeptFile(const std::filesystem::path& path);
    ~KeptFile();
    KeptFile(KeptFile&& other) noexcept;
    KeptFile& operator=(KeptFile&& other) noexcept;
    KeptFile(const KeptFile&) = delete;
    KeptFile& operator=(const KeptFile&) = delete;

    explicit operator bool() const { return fd_ >= 0; }
    /// The whole file from offset 0 into `buffer`; false when it cannot be read (the process is
    /// gone, the cgroup removed).
    bool read(std::string& buffer) const;
    /// The file's first number ("123\n", "max\n" → nullopt).
    std::optional<std::uint64_t> readNumber() const;

  private:
    int fd_ = -1;
};

/// The value after `key ` on its own line of a "key value" file (memory.stat, cpu.stat,
/// memory.events, /proc/PID/io with "key: value").
std::optional<std::uint64_t> keyedValue(std::string_view text, std::string_view key);

/// Writes `text` to a cgroup or proc file; false (errno set) on failure.
bool writeFile(const std::filesystem::path& path, std::string_view text);

}  // namespace parawork::monitor
