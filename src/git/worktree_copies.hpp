// Files copied from the main checkout into a new worktree: the gitignored ones a checkout does
// not bring along, such as `.env` (DESIGN §6.5). They are named by a `.worktreeinclude` file in
// the repository root (a convention several tools share) and by the caller (parawork.toml's
// `copy = [...]`). Planned before the worktree exists, so a refused path creates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace parawork::git {

/// Bounds on what one worktree creation copies.
inline constexpr std::size_t kMaxIncludePatterns = 1000;
inline constexpr std::size_t kMaxCopiedEntries = 10000;
inline constexpr std::uintmax_t kMaxCopiedBytes = 1024ull * 1024 * 1024;

/// One file system entry to copy, relative to both the repository root and the worktree.
struct CopyEntry {
    enum class Kind { File, Directory, Symlink };
    std::filesystem::path relative;
    Kind kind = Kind::File;
};

/// Everything to copy, in an order where a directory precedes its contents.
struct CopyPlan {
    std::vector<CopyEntry> entries;
    /// The relative paths the patterns matched ('/'-separated), for reporting.
    std::vector<std::string> matched;
};

/// The patterns in `<repoRoot>/.worktreeinclude`: one per line, blank lines and lines starting
/// with '#' skipped, surrounding spaces trimmed. No file means no patterns. Throws core::Error if
/// the file is larger than 64 KiB or has more than kMaxIncludePatterns patterns.
std::vector<std::string> readWorktreeInclude(const std::filesystem::path& repoRoot);

/// Resolves patterns against `repoRoot`. A pattern is a relative path ("config/dev.json") whose
/// last component may be an fnmatch glob (".env*"); a path that does not exist is skipped; a
/// directory is copied with its contents; ".git" is never copied. Throws core::Error for an
/// absolute path, a ".." component, a glob in a directory component, a control character, an
/// entry (or a symlink inside a copied directory) that resolves outside `repoRoot`, or more than
/// kMaxCopiedEntries entries or kMaxCopiedBytes bytes.
CopyPlan planCopies(const std::filesystem::path& repoRoot,
                    const std::vector<std::string>& patterns);

/// Copies the plan from `repoRoot` into `worktree` and returns the matched paths it created.
/// Entries that already exist in the worktree (checked out by git) are left alone, never
/// overwritten or followed. Throws core::Error when a destination's parent resolves outside
/// `worktree` (a symlinked directory in the checkout) or a copy fails.
std::vector<std::string> copyIntoWorktree(const std::filesystem::path& repoRoot,
                                          const std::filesystem::path& worktree,
                                          const CopyPlan& plan);

}  // namespace parawork::git
