#include "deps/install_state.hpp"

#include <fstream>
#include <iterator>

namespace parawork::deps {

namespace fs = std::filesystem;

std::optional<fs::file_time_type> modifiedAt(const fs::path& path) {
    std::error_code ec;
    auto time = fs::last_write_time(path, ec);
    if (ec) return std::nullopt;
    return time;
}

bool isFile(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

bool isDirectory(const fs::path& path) {
    std::error_code ec;
    return fs::is_directory(path, ec);
}

std::optional<std::string> firstFile(const fs::path& dir, const std::vector<std::string>& names) {
    for (const auto& name : names)
        if (isFile(dir / name)) return name;
    return std::nullopt;
}

std::optional<std::string> readSmallFile(const fs::path& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text(limit, '\0');
    in.read(text.data(), static_cast<std::streamsize>(limit));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

StateVerdict stampState(const StampCheck& check) {
    auto recordTime = modifiedAt(check.dir / check.record);
    if (!recordTime) return {InstallState::Missing, check.record + " does not exist"};
    for (const auto& source : check.sources) {
        auto sourceTime = modifiedAt(check.dir / source);
        if (sourceTime && *sourceTime > *recordTime)
            return {InstallState::Stale, source + " is newer than " + check.record};
    }
    return {InstallState::Installed, check.record + " is up to date"};
}

}  // namespace parawork::deps
