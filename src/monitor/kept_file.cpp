#include "monitor/kept_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace parawork::monitor {

KeptFile::KeptFile(const std::filesystem::path& path)
    : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}

bool KeptFile::read(std::string& buffer) const {
    if (!fd_) return false;
    buffer.resize(4096);
    std::size_t used = 0;
    for (;;) {
        ssize_t n = ::pread(fd_.get(), buffer.data() + used, buffer.size() - used,
                            static_cast<off_t>(used));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        used += static_cast<std::size_t>(n);
        if (n == 0 || used < buffer.size()) break;
        buffer.resize(buffer.size() * 2);
    }
    buffer.resize(used);
    return used > 0;
}

std::optional<std::uint64_t> KeptFile::readNumber() const {
    std::string text;
    if (!read(text)) return std::nullopt;
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc()) return std::nullopt;
    return value;
}

std::optional<std::uint64_t> keyedValue(std::string_view text, std::string_view key) {
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(at, end - at);
        at = end + 1;
        if (!line.starts_with(key) || line.size() == key.size()) continue;
        std::string_view rest = line.substr(key.size());
        if (rest.front() == ':') rest.remove_prefix(1);
        if (rest.empty() || rest.front() != ' ') continue;
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        std::uint64_t value = 0;
        auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
        if (ec == std::errc()) return value;
    }
    return std::nullopt;
}

bool writeFile(const std::filesystem::path& path, std::string_view text) {
    core::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) return false;
    ssize_t n = ::write(fd.get(), text.data(), text.size());
    int err = errno;
    fd.reset();
    errno = err;
    return n == static_cast<ssize_t>(text.size());
}

}  // namespace parawork::monitor
