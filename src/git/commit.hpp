// Committing everything in a working tree as the user: `git add -A` (so .gitignore holds) and
// `git commit` with the user's own identity and hooks. Blocking (git CLI; hooks may take long).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace parawork::git {

/// Longest commit message accepted.
inline constexpr std::size_t kMaxCommitMessageBytes = std::size_t{64} * 1024;

/// Why commitAll refused; the message says it for a person.
class CommitRefused : public core::Error {
  public:
    enum class Reason {
        InvalidMessage,   ///< empty after trimming, too long, or a NUL byte
        NothingToCommit,  ///< no change to commit
        NoIdentity,       ///< user.name or user.email is not set
    };
    CommitRefused(Reason reason, const std::string& message)
        : core::Error(message), reason(reason) {}
    Reason reason;
};

struct CommitResult {
    /// The new commit's full id.
    std::string commit;
    std::string message;
    /// Files changed by the commit.
    std::size_t files = 0;
};

/// Why `message` is not acceptable as a commit message; nullopt when it is.
std::optional<std::string> commitMessageProblem(std::string_view message);

/// Stages everything in the working tree `worktree` (respecting .gitignore) and commits it with
/// `message` as the user (their identity, their hooks). Throws CommitRefused for a bad message,
/// nothing to commit or a missing identity (before anything is staged), core::Error when git
/// fails (a hook refusing, say: the changes then stay staged).
CommitResult commitAll(const std::filesystem::path& worktree, std::string_view message);

}  // namespace parawork::git
