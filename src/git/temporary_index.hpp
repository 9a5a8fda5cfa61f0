// A scratch index file in a worktree's git directory, for git commands that must not touch the
// worktree's own index (GIT_INDEX_FILE). Internal to src/git.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace parawork::git::detail {

/// Removed at the end of the scope, with git's lock file. A copy of the worktree's own index
/// when asked: its stat cache makes `git add -A` hash only what changed.
class TemporaryIndex {
  public:
    TemporaryIndex(const std::filesystem::path& gitDir, bool copyTheWorktreesIndex);
    ~TemporaryIndex();
    TemporaryIndex(const TemporaryIndex&) = delete;
    TemporaryIndex& operator=(const TemporaryIndex&) = delete;

    std::vector<std::pair<std::string, std::string>> env() const {
        return {{"GIT_INDEX_FILE", path_.string()}};
    }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace parawork::git::detail
