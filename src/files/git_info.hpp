// The `gitInfo` of a repository in a listing: its branch and origin URL, read with libgit2 (no git
// process per entry, so a directory of 200 repositories lists quickly). A `.git` that leads
// outside the allowed roots (a symlink, or a gitlink file naming another gitdir) is not read.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "files/path_rules.hpp"

namespace parawork::files {

struct GitInfo {
    /// What `git rev-parse --abbrev-ref HEAD` prints: the branch, "HEAD" when detached; null
    /// when HEAD has no commit yet or the repository cannot be read.
    std::optional<std::string> branch;
    /// remote.origin.url; null when there is none.
    std::optional<std::string> remote;
};

/// `dir` (a real path) has a `.git`; reads its branch and origin. Blocking: worker pool only.
/// Never throws for an unreadable repository: the fields are then null.
GitInfo readGitInfo(const std::filesystem::path& dir, const Roots& roots);

}  // namespace parawork::files
