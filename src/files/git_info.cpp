#include "files/git_info.hpp"

#include <fstream>
#include <system_error>

#include "files/path_text.hpp"
#include "git/repository_info.hpp"

namespace parawork::files {
namespace {

namespace fs = std::filesystem;

/// The gitdir a gitlink file (`.git` of a worktree or submodule: "gitdir: <path>") names, or
/// nullopt when the file is not one. Reads at most one short line.
std::optional<fs::path> gitlinkTarget(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    line.resize(4096);
    in.read(line.data(), static_cast<std::streamsize>(line.size()));
    line.resize(static_cast<std::size_t>(in.gcount()));
    constexpr std::string_view kPrefix = "gitdir:";
    std::string_view text = line;
    if (!text.starts_with(kPrefix)) return std::nullopt;
    text = trimmed(text.substr(kPrefix.size(), text.find('\n') - kPrefix.size()));
    if (text.empty()) return std::nullopt;
    fs::path target(text);
    return target.is_absolute() ? target : file.parent_path() / target;
}

/// True when the repository's files — `.git` itself and, for a gitlink, the gitdir it names —
/// resolve inside the roots.
bool gitDirWithinRoots(const fs::path& dir, const Roots& roots) {
    std::error_code ec;
    fs::path dotGit = fs::canonical(dir / ".git", ec);
    if (ec || !isWithinRoots(dotGit, roots)) return false;
    if (fs::is_directory(dotGit, ec)) return true;
    auto target = gitlinkTarget(dotGit);
    if (!target) return false;
    fs::path gitDir = fs::canonical(*target, ec);
    return !ec && isWithinRoots(gitDir, roots);
}

}  // namespace

GitInfo readGitInfo(const fs::path& dir, const Roots& roots) {
    GitInfo out;
    if (!gitDirWithinRoots(dir, roots)) return out;
    try {
        git::RepositoryInfo info = git::readRepository(dir);
        // A broken `.git` could make libgit2 find an enclosing repository instead.
        if (info.root != dir) return out;
        if (info.hasCommits) out.branch = info.currentBranch.value_or("HEAD");
        out.remote = std::move(info.originUrl);
    } catch (const std::exception&) {
        // Unreadable, bare, or not a repository after all: the original's git commands would
        // have failed too, and it reported null.
    }
    return out;
}

}  // namespace parawork::files
