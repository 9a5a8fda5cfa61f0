// The checks run in the original's order (protocol §5), with the roots rule placed so that it
// never reveals whether something exists outside the roots: a missing path is measured by its
// deepest existing ancestor, resolved.
#include "files/path_rules.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "files/path_text.hpp"
#include "files/system_dirs.hpp"

namespace parawork::files {
namespace {

namespace fs = std::filesystem;

PathCheck refuse(unsigned status, std::string_view reason) {
    PathCheck c;
    c.status = status;
    c.error = std::string(reason);
    return c;
}

/// The real path of the deepest existing ancestor of `lexical` (absolute, normalized, without
/// ".."): the components after it do not exist, so they cannot lead anywhere else. Walked from
/// the top, so the work is bounded by how deep the path really exists, not by its length.
fs::path existingAncestor(const fs::path& lexical) {
    fs::path real = lexical.root_path();
    for (const auto& part : lexical.relative_path()) {
        if (part.empty()) continue;
        std::error_code ec;
        fs::path next = fs::canonical(real / part, ec);
        if (ec) break;
        real = std::move(next);
    }
    return real;
}

struct Rules {
    SystemDirList systemDirs;
    std::string_view notAbsolute;
};

PathCheck resolve(std::string_view text, const Roots& roots, const Rules& rules) {
    if (text.find("..") != std::string_view::npos) return refuse(400, "Path traversal not allowed");
    if (text.empty() || text.front() != '/') return refuse(400, rules.notAbsolute);
    // A NUL would end the path early in every system call; no name can contain one.
    if (text.find('\0') != std::string_view::npos) return refuse(400, "Path does not exist");
    fs::path lexical = fs::path(text).lexically_normal();
    if (isSystemDirectory(lexical, roots, rules.systemDirs))
        return refuse(400, "System directories are not allowed");

    std::error_code ec;
    fs::path real = fs::canonical(lexical, ec);
    if (ec) {
        if (!isWithinRoots(existingAncestor(lexical), roots)) return refuse(403, kOutsideRoots);
        if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory)
            return refuse(400, "Path does not exist");
        return refuse(400, "Cannot access path");
    }
    // Again on the real path: a symlink inside a root may point into /etc.
    if (isSystemDirectory(real, roots, rules.systemDirs))
        return refuse(400, "System directories are not allowed");
    if (!isWithinRoots(real, roots)) return refuse(403, kOutsideRoots);
    struct stat st {};
    if (::stat(real.c_str(), &st) != 0) return refuse(400, "Cannot access path");
    if (!S_ISDIR(st.st_mode)) return refuse(400, "Path must be a directory");
    PathCheck ok;
    ok.resolved = std::move(real);
    ok.status = 200;
    return ok;
}

}  // namespace

Roots makeRoots(const std::vector<std::string>& configured, const std::string& home) {
    std::vector<std::string> wanted = configured;
    if (wanted.empty() && !home.empty()) wanted.push_back(home);
    Roots roots;
    for (const auto& dir : wanted) {
        if (dir.empty() || dir.front() != '/') continue;
        std::error_code ec;
        auto real = fs::canonical(dir, ec);
        if (ec || !fs::is_directory(real, ec)) continue;
        if (std::find(roots.dirs.begin(), roots.dirs.end(), real) == roots.dirs.end())
            roots.dirs.push_back(std::move(real));
    }
    return roots;
}

const Roots& projectRoots(const Roots& configured, bool fromOwnersSocket) {
    static const Roots everywhere{{fs::path("/")}};
    return fromOwnersSocket ? everywhere : configured;
}

bool isWithinRoots(const fs::path& real, const Roots& roots) {
    // Defensive: the contract says canonical, and a ".." would make the prefix test meaningless.
    if (!real.is_absolute()) return false;
    for (const auto& part : real)
        if (part == "..") return false;
    return std::any_of(roots.dirs.begin(), roots.dirs.end(),
                       [&](const fs::path& root) { return isBelow(real, root); });
}

PathCheck checkProjectPath(std::string_view path, const Roots& roots) {
    std::string_view text = trimmed(path);
    if (text.empty()) return refuse(400, "Path is required");
    return resolve(text, roots, {SystemDirList::Project, "Path must be absolute (start with /)"});
}

PathCheck checkBrowsePath(std::string_view path, const Roots& roots, const std::string& home) {
    std::string expanded = expandTilde(trimmed(path), home);
    PathCheck check = resolve(expanded, roots, {SystemDirList::Browse, "Path must be absolute"});
    if (check.ok() && ::access(check.resolved.c_str(), R_OK) != 0)
        return refuse(400, "No read permission for this directory");
    return check;
}

}  // namespace parawork::files
