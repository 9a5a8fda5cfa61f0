// Small pieces shared by the branch-sync and merge-back plumbing: git's NUL-separated lists read
// into bounded vectors, and the environment that keeps git from ever waiting for a person.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parawork::git {

/// The non-empty fields of a NUL-separated list (`-z` output), at most `limit` of them; an empty
/// field ends the list (merge-tree's names are followed by an empty field and its messages).
std::vector<std::string> splitNulList(std::string_view text, std::size_t limit);

/// Every non-empty field of a NUL-separated list, at most `limit` (empty fields separate records,
/// as in `git worktree list --porcelain -z`).
std::vector<std::string> splitNulListAll(std::string_view text, std::size_t limit = 100000);

/// The paths of `git status --porcelain=v1 -z` output (a rename's old name skipped), at most
/// `limit`.
std::vector<std::string> statusPaths(std::string_view porcelain, std::size_t limit);

/// GIT_EDITOR and GIT_SEQUENCE_EDITOR that accept what git proposes, and ssh without prompts.
std::vector<std::pair<std::string, std::string>> nonInteractiveEnv();

}  // namespace parawork::git
