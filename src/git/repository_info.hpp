// What parawork needs to know about a git repository when it is registered and when a workspace
// is made from it: its working tree, branches, default branch and origin. Read with libgit2;
// blocking (it reads files), so call it from the worker pool.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::git {

/// A repository with a working tree, as seen from a path inside it.
struct RepositoryInfo {
    /// The top directory of the working tree that contains the path (no trailing '/').
    std::filesystem::path root;
    /// The top directory of the main checkout; differs from `root` inside a linked worktree, and
    /// is empty when the main repository is bare.
    std::filesystem::path mainRoot;
    /// The checked-out branch ("main"); nullopt when HEAD is detached.
    std::optional<std::string> currentBranch;
    /// origin/HEAD's branch when set, else the main checkout's current branch, else "main".
    std::string defaultBranch;
    /// The URL of the remote named "origin", if there is one.
    std::optional<std::string> originUrl;
    /// False for a freshly initialized repository (HEAD is unborn).
    bool hasCommits = false;
    /// True when `root` is a linked worktree (`git worktree add`) rather than the main checkout.
    bool isLinkedWorktree = false;
};

/// True when `path` is inside a git repository that has a working tree.
bool isRepository(const std::filesystem::path& path);

/// Reads the repository containing `path`. Throws core::Error when there is none, when it is
/// bare, or when git's files cannot be read.
RepositoryInfo readRepository(const std::filesystem::path& path);

/// The local branch names ("main", "parawork/x"), sorted. Throws core::Error as readRepository.
std::vector<std::string> listLocalBranches(const std::filesystem::path& path);

/// True when the repository containing `path` has the reference `fullName`
/// ("refs/heads/main", "refs/remotes/origin/main").
bool hasReference(const std::filesystem::path& path, std::string_view fullName);

/// The full id of the commit `ref` names in the repository containing `path` ("main",
/// "origin/main", "HEAD", an id), or nullopt when it names none. Validate `ref` first
/// (validateBaseRef): this accepts anything libgit2's revparse does.
std::optional<std::string> commitOf(const std::filesystem::path& path, std::string_view ref);

/// The start point for a new workspace branch when the caller names none: "origin/<default>"
/// when that remote-tracking branch exists, else "<default>" when that local branch exists, else
/// "HEAD" when it points at a commit. Throws core::Error for a repository without commits.
std::string defaultBaseRef(const std::filesystem::path& path);

}  // namespace parawork::git
