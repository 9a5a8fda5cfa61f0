// What git thinks of paths in a working tree, asked many times by one owner (the file watcher):
// whether git ignores a path (.gitignore files, .git/info/exclude, core.excludesFile) and, quickly,
// whether a file is new or has changed since the index last saw it. Keeps the repository open
// between questions; blocking (reads files).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "git/changes.hpp"

namespace parawork::git {

/// A file as the index sees it, judged by its stat data like git's own quick check.
enum class FileState {
    Unchanged,  ///< size and modification time as the index recorded them (a fresh checkout)
    New,        ///< not in the index
    Modified,   ///< in the index, with another size or modification time
    Ignored,
    Unknown,  ///< outside the working tree, gone, or an error
};

class WorkTreePaths {
  public:
    /// The working tree containing `path`; null when `path` is in no repository or in a bare
    /// one. Throws core::Error when the repository cannot be read.
    static std::unique_ptr<WorkTreePaths> open(const std::filesystem::path& path);
    ~WorkTreePaths();
    WorkTreePaths(const WorkTreePaths&) = delete;
    WorkTreePaths& operator=(const WorkTreePaths&) = delete;

    /// The top directory of the working tree, canonical (no trailing '/').
    const std::filesystem::path& root() const;

    /// True when git ignores `absolute` (a file or directory inside the working tree, existing
    /// or not), directly or through an ignored parent directory. Paths outside the working tree
    /// and errors answer false. Not thread-safe, like every method here: one thread asks.
    bool isIgnored(const std::filesystem::path& absolute) const;

    /// How the file `absolute` stands: one index lookup and one lstat, never a content
    /// comparison (libgit2's per-path status reads whole directories: quadratic in a flood).
    FileState stateOf(const std::filesystem::path& absolute) const;

    /// git::ignoreRulesStamp of the repository: what decides, besides .gitignore files, what
    /// isIgnored answers.
    std::string ignoreRulesStamp() const;

    /// The unified diff of the file `absolute` against `baseRef`, as git::diffFile gives it,
    /// over the repository kept open. Throws core::Error as diffFile does.
    DiffText diffFile(std::string_view baseRef, const std::filesystem::path& absolute,
                      std::size_t limit) const;

  private:
    struct Impl;
    explicit WorkTreePaths(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace parawork::git
