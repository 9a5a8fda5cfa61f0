// An open directory (RAII over DIR*) that is read and stat'ed through its descriptor, so a
// listing works on the directory that was opened even if a path component is swapped for a
// symlink meanwhile. Opening never follows a symlink in the last component.
#pragma once

#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace parawork::files {

class DirectoryHandle {
  public:
    /// Opens `name` relative to the directory `at` (AT_FDCWD: relative to the working
    /// directory, or an absolute path). Returns nullopt with `*error` = errno on failure.
    static std::optional<DirectoryHandle> open(int at, const char* name, int* error);
    /// As open; throws std::system_error naming `path` on failure.
    static DirectoryHandle openPath(const std::filesystem::path& path);

    DirectoryHandle(DirectoryHandle&& other) noexcept : dir_(other.dir_) { other.dir_ = nullptr; }
    DirectoryHandle& operator=(DirectoryHandle&&) = delete;
    DirectoryHandle(const DirectoryHandle&) = delete;
    ~DirectoryHandle();

    int fd() const;
    /// The next entry other than "." and "..", or nullptr at the end. Throws std::system_error
    /// when the directory cannot be read.
    const dirent* next();
    /// lstat (follow = false) or stat of the entry `name`; nullopt when it fails.
    std::optional<struct stat> statEntry(const char* name, bool follow) const;
    /// True when the entry is a directory (not a symlink to one). Uses d_type when it is known.
    bool isDirectory(const dirent& entry) const;
    /// The entries below, "." and ".." excepted, counting at most `limit`; nullopt when the
    /// subdirectory `name` cannot be opened or read.
    std::optional<std::uint64_t> countEntries(const char* name, std::uint64_t limit) const;
    /// The path the kernel reports for this descriptor (/proc/self/fd), or nullopt when /proc
    /// is not available.
    std::optional<std::filesystem::path> realPath() const;

  private:
    explicit DirectoryHandle(DIR* dir) : dir_(dir) {}
    DIR* dir_;
};

/// mtime in milliseconds with the nanoseconds as a fraction, like Node's `mtimeMs`.
double mtimeMs(const struct stat& st);

}  // namespace parawork::files
