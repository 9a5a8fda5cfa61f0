// Where a review comment points and what it quotes (issue 20 §1): its path checked like GET
// /diff's ?path= (relative to the working tree, no "..", no control characters), and the
// commented lines as they read now — from the worktree's file for side new, from the base's
// version (at the merge base of HEAD and the base) for side old. Bounded: a quote is at most
// kMaxQuoteLines lines and kMaxQuoteBytes bytes, and a file is read as a stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::review {

inline constexpr std::size_t kMaxQuoteLines = 20;
inline constexpr std::size_t kMaxQuoteBytes = 4096;
inline constexpr std::size_t kMaxCommentPathBytes = 4096;

/// `path` normalized ("a/./b" → "a/b"). Throws core::ServiceError 400 "path: …" when it is
/// empty, longer than kMaxCommentPathBytes, absolute, has a ".." or control character, names
/// the tree itself or lies in .git.
std::string checkedCommentPath(std::string_view path);

/// Lines `line`..`endLine` (1-based) of `in`, joined by '\n' without a line's own '\r', at most
/// kMaxQuoteLines lines and kMaxQuoteBytes bytes (cut at a character boundary), ill-formed
/// UTF-8 replaced. nullopt when `in` has fewer than `line` lines.
std::optional<std::string> quoteLines(std::istream& in, std::int64_t line, std::int64_t endLine);

/// The lines of the worktree's file `path` (checked). Throws core::ServiceError 400 when the
/// file is missing, not a regular file, reached through a symlink that leads out of the
/// worktree, or shorter than `line`.
std::string quoteFromWorktree(const std::filesystem::path& worktree, const std::string& path,
                              std::int64_t line, std::int64_t endLine);

/// The lines of `path` (checked) as it is at the merge base of HEAD and `baseRef` in the
/// worktree's repository. Throws core::ServiceError 400 when the base names no commit or the
/// file is not in it or shorter than `line`.
std::string quoteFromBase(const std::filesystem::path& worktree, const std::string& baseRef,
                          const std::string& path, std::int64_t line, std::int64_t endLine);

}  // namespace parawork::review
