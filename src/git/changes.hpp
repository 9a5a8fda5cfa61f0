// A workspace's changes against its base: the changed files with their line counts, and unified
// diffs, read with libgit2. Committed, staged, unstaged and untracked (not ignored) changes all
// count, compared with the commit where the workspace left its base (the merge base, as in
// `git diff base...`), so later commits on the base do not show up as reverted. Blocking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

struct git_repository;

namespace parawork::git {

/// At most this many files are listed.
inline constexpr std::size_t kMaxChangedFiles = 5000;
/// Default bound of a diff's text.
inline constexpr std::size_t kDefaultDiffLimit = std::size_t{1024} * 1024;
/// Files larger than this are reported as binary rather than read and diffed line by line.
inline constexpr std::int64_t kMaxDiffedFileBytes = std::int64_t{16} * 1024 * 1024;

enum class ChangeType { Created, Modified, Deleted };

/// "created", "modified" or "deleted" (the `changeType` values of the parawork protocol).
std::string_view changeTypeName(ChangeType type);

/// One changed file. A rename shows as a deletion and a creation.
struct FileChange {
    /// Relative to the working tree's root, '/'-separated.
    std::string path;
    ChangeType type = ChangeType::Modified;
    std::size_t insertions = 0;
    std::size_t deletions = 0;
    /// Binary content (or larger than kMaxDiffedFileBytes): counts are 0.
    bool binary = false;
};

/// The changes of a working tree, sorted by path.
struct ChangeSet {
    std::vector<FileChange> files;
    /// More than kMaxChangedFiles files changed; `files` holds the first ones.
    bool truncated = false;
    /// The full id of the commit compared against.
    std::string baseCommit;
};

/// Unified diff text ("diff --git …"), bounded.
struct DiffText {
    std::string text;
    /// The diff was longer than the limit and `text` was cut (at a line end when possible).
    bool truncated = false;
};

/// The changes in the working tree containing `worktree` since `baseRef` ("origin/main",
/// "main", a commit id). Throws core::Error when the path is not in a repository or the base is
/// invalid (validateBaseRef) or names no commit.
ChangeSet listChanges(const std::filesystem::path& worktree, std::string_view baseRef);

/// The unified diff of every change, as listChanges sees them; binary files appear as
/// "Binary files a/x and b/x differ". At most `limit` bytes.
DiffText diffAll(const std::filesystem::path& worktree, std::string_view baseRef,
                 std::size_t limit = kDefaultDiffLimit);

/// The unified diff of one file (`path` relative to the working tree's root, taken literally:
/// no globs); empty text when it has not changed. Throws core::Error for an absolute path, a ".."
/// component or a control character, besides listChanges' reasons.
DiffText diffFile(const std::filesystem::path& worktree, std::string_view baseRef,
                  std::string_view path, std::size_t limit = kDefaultDiffLimit);

/// As diffFile, in a repository kept open by the caller (its index is read again only when it
/// changed: a 50,000-file index is not read for every file).
DiffText diffFile(git_repository* repo, const std::filesystem::path& worktree,
                  std::string_view baseRef, std::string_view path,
                  std::size_t limit = kDefaultDiffLimit);

/// The changes from `from` to `to` (full ids of commits or trees) in the repository of
/// `worktree`, as listChanges reports them; `baseCommit` is `from`. Throws core::Error for an id
/// that is not a full hex id or names no commit or tree.
ChangeSet listTreeChanges(const std::filesystem::path& worktree, std::string_view from,
                          std::string_view to);

/// The unified diff of one file from `from` to `to` (as listTreeChanges; `path` as diffFile's).
DiffText diffTreeFile(const std::filesystem::path& worktree, std::string_view from,
                      std::string_view to, std::string_view path,
                      std::size_t limit = kDefaultDiffLimit);

}  // namespace parawork::git
