#include "files/directory_handle.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace parawork::files {

std::optional<DirectoryHandle> DirectoryHandle::open(int at, const char* name, int* error) {
    int fd = ::openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        *error = errno;
        return std::nullopt;
    }
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
        *error = errno;
        ::close(fd);
        return std::nullopt;
    }
    return DirectoryHandle(dir);
}

DirectoryHandle DirectoryHandle::openPath(const std::filesystem::path& path) {
    int error = 0;
    auto handle = open(AT_FDCWD, path.c_str(), &error);
    if (!handle) throw std::system_error(error, std::generic_category(), "open " + path.string());
    return std::move(*handle);
}

DirectoryHandle::~DirectoryHandle() {
    if (dir_ != nullptr) ::closedir(dir_);
}

int DirectoryHandle::fd() const {
    return ::dirfd(dir_);
}

const dirent* DirectoryHandle::next() {
    for (;;) {
        errno = 0;
        const dirent* entry = ::readdir(dir_);
        if (entry == nullptr) {
            if (errno != 0) throw std::system_error(errno, std::generic_category(), "readdir");
            return nullptr;
        }
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            return entry;
    }
}

std::optional<struct stat> DirectoryHandle::statEntry(const char* name, bool follow) const {
    struct stat st {};
    if (::fstatat(fd(), name, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
    return st;
}

bool DirectoryHandle::isDirectory(const dirent& entry) const {
    if (entry.d_type != DT_UNKNOWN) return entry.d_type == DT_DIR;
    auto st = statEntry(entry.d_name, false);
    return st && S_ISDIR(st->st_mode);
}

std::optional<std::uint64_t> DirectoryHandle::countEntries(const char* name,
                                                           std::uint64_t limit) const {
    int error = 0;
    auto sub = open(fd(), name, &error);
    if (!sub) return std::nullopt;
    std::uint64_t count = 0;
    try {
        while (count < limit && sub->next() != nullptr) ++count;
    } catch (const std::system_error&) {
        return std::nullopt;
    }
    return count;
}

std::optional<std::filesystem::path> DirectoryHandle::realPath() const {
    std::string link = "/proc/self/fd/" + std::to_string(fd());
    char buffer[4096];
    ssize_t n = ::readlink(link.c_str(), buffer, sizeof buffer);
    if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buffer) return std::nullopt;
    return std::filesystem::path(std::string(buffer, static_cast<std::size_t>(n)));
}

double mtimeMs(const struct stat& st) {
    return static_cast<double>(st.st_mtim.tv_sec) * 1000.0 +
           static_cast<double>(st.st_mtim.tv_nsec) / 1e6;
}

}  // namespace parawork::files
