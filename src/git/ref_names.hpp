// The names that reach git: branch names and base refs are validated before any git call (DESIGN
// §7: check-ref-format rules, no leading dash, no control characters, bounded length), and
// workspace names become slugs that are safe as both a branch component and a directory name.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::git {

/// Longest branch or ref name accepted; git allows more, but nobody types more.
inline constexpr std::size_t kMaxRefNameLength = 200;

/// Longest slug slugify returns.
inline constexpr std::size_t kMaxSlugLength = 64;

/// Why `name` is not acceptable as a new local branch name (the rules of
/// `git check-ref-format --branch`, via libgit2's git_branch_name_is_valid, plus: not empty, at
/// most kMaxRefNameLength bytes, no control characters, no leading '-'); nullopt when it is.
std::optional<std::string> branchNameProblem(std::string_view name);

/// Throws core::Error("invalid branch name "x": <why>") unless `name` is a valid branch name.
void validateBranchName(std::string_view name);

/// Why `ref` is not acceptable as the start point of a new branch; nullopt when it is. Accepted:
/// "HEAD", a full or abbreviated commit id, or a ref name such as "main", "origin/main",
/// "v1.2" or "refs/remotes/origin/main". Revision expressions ("main~1", "@{u}") are refused.
std::optional<std::string> baseRefProblem(std::string_view ref);

/// Throws core::Error unless `ref` is an acceptable base ref (see baseRefProblem).
void validateBaseRef(std::string_view ref);

/// A workspace name made into a slug for the branch `parawork/<slug>` and the worktree's
/// directory: lower-case ASCII letters, digits and single dashes, no dash at either end, at most
/// kMaxSlugLength characters, never empty ("workspace" when nothing is left).
/// "My Feature!" → "my-feature".
std::string slugify(std::string_view name);

}  // namespace parawork::git
