#include "files/system_dirs.hpp"

#include <array>
#include <string_view>

#include "files/path_text.hpp"

namespace parawork::files {
namespace {

namespace fs = std::filesystem;

// Lower case: the original compares the lower-cased normalized path. Its three Windows folders
// can never match an absolute POSIX path and are left out.
constexpr std::array<std::string_view, 11> kBrowseDirs = {"/etc",  "/var", "/usr",           "/bin",
                                                          "/sbin", "/lib", "/boot",          "/dev",
                                                          "/proc", "/sys", "/system/library"};
constexpr std::array<std::string_view, 14> kProjectDirs = {
    "/etc", "/var",  "/usr", "/bin",  "/sbin",   "/lib",     "/boot",
    "/dev", "/proc", "/sys", "/root", "/system", "/library", "/applications"};

/// `path` is below `systemDir` and no root holding `path` lies inside `systemDir`.
bool bannedBy(const fs::path& path, const fs::path& lowered, std::string_view systemDir,
              const Roots& roots) {
    fs::path dir(systemDir);
    if (!isBelow(lowered, dir)) return false;
    for (const auto& root : roots.dirs)
        if (isBelow(fs::path(lowerAscii(root.string())), dir) && isBelow(path, root)) return false;
    return true;
}

}  // namespace

bool isBelow(const fs::path& path, const fs::path& dir) {
    auto p = path.begin();
    for (auto d = dir.begin(); d != dir.end(); ++d) {
        if (d->empty()) continue;  // a trailing separator of `dir`
        if (p == path.end() || *p != *d) return false;
        ++p;
    }
    return true;
}

bool isSystemDirectory(const fs::path& path, const Roots& roots, SystemDirList list) {
    fs::path lowered(lowerAscii(path.string()));
    if (list == SystemDirList::Browse) {
        for (auto dir : kBrowseDirs)
            if (bannedBy(path, lowered, dir, roots)) return true;
    } else {
        for (auto dir : kProjectDirs)
            if (bannedBy(path, lowered, dir, roots)) return true;
    }
    return false;
}

}  // namespace parawork::files
