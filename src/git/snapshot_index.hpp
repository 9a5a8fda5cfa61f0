// A snapshot index: a working tree's files as an index (tracked and untracked, not ignored ones),
// which a checkpoint's tree is written from. Made by looking at every file (`git add -A` into a
// copy of the worktree's own index), then kept in memory and brought up to date from the paths
// the file watcher saw change: a checkpoint of a 50,000-file worktree then reads the files that
// changed, not 50,000 (W16). Whenever the kept index could be wrong it looks at every file again:
// no kept index, changes from another watch (or none), events lost, directories not watched, a
// .gitignore or .gitattributes among the changes, the repository's config or exclude files
// changed since, a clean filter on a changed path (libgit2 does not run filter programs such as
// Git LFS's; git does). When the worktree's own index changed (what is tracked), the paths
// whose tracking changed are looked at again. Blocking; one caller at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct git_repository;

namespace parawork::git {

/// The paths of a working tree that changed since the previous time whoever watches it was
/// asked (the file watcher, for one workspace).
struct WorkTreeChanges {
    /// One unbroken watch: changes from two epochs do not add up. 0 is no watch.
    std::uint64_t epoch = 0;
    /// False when a change may be missing (events lost, directories left unwatched).
    bool complete = false;
    /// What `paths` are relative to: canonical.
    std::filesystem::path root;
    /// Files and directories, '/'-separated; a directory stands for everything under it.
    std::vector<std::string> paths;
};

/// How the latest snapshot was made.
enum class SnapshotScan { None, Full, Incremental };

/// Paths applied one by one at most; with more, looking at every file costs less.
inline constexpr std::size_t kMaxIncrementalPaths = 5000;

/// The state of the files outside a worktree that decide what git ignores and how it reads
/// files (the repository's config, info/exclude, the user's global excludes file): two stamps
/// differ when one of those files changed between them.
std::string ignoreRulesStamp(git_repository* repo);

class SnapshotIndex {
  public:
    SnapshotIndex();
    ~SnapshotIndex();
    SnapshotIndex(const SnapshotIndex&) = delete;
    SnapshotIndex& operator=(const SnapshotIndex&) = delete;

    /// Writes the tree of the working tree `worktree` (its root) as it is now to `repo` and
    /// returns its id. `changes`: what changed since the previous call's changes were taken
    /// (taken before this call, so that nothing made meanwhile is missed); nullopt when nobody
    /// watches the tree. Throws core::Error when git fails; the kept index is dropped then.
    std::string tree(git_repository* repo, const std::filesystem::path& worktree,
                     const std::optional<WorkTreeChanges>& changes);

    SnapshotScan lastScan() const;
    /// Entries kept: what the index costs in memory.
    std::size_t entries() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace parawork::git
