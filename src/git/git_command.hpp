// Running the git command-line program: an argv (never a shell), a bounded capture of its output
// and a timeout. The CLI is used where git's own bookkeeping matters (worktrees, branch deletion,
// hooks); libgit2 serves the read-only questions. Blocking: call it from the worker pool.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parawork::git {

/// One git invocation. `args` follow "git" (e.g. {"worktree", "add", ...}); callers put
/// "--end-of-options" before refs and paths that come from users.
struct GitCommand {
    std::vector<std::string> args;
    /// Passed to git as "-C <cwd>"; empty means the caller's working directory.
    std::filesystem::path cwd;
    /// The process's own working directory, for a program other than git that has no "-C" (gh);
    /// empty means the caller's.
    std::filesystem::path processDirectory;
    /// Added to (or replacing) the inherited environment, after GIT_TERMINAL_PROMPT=0 and LC_ALL=C.
    std::vector<std::pair<std::string, std::string>> env;
    /// After this long the whole process group is killed and runGit throws.
    std::chrono::milliseconds timeout = std::chrono::seconds(60);
    /// Bytes kept of each of stdout and stderr; the rest is read and dropped.
    std::size_t outputLimit = std::size_t{4} * 1024 * 1024;
    /// The program; a name without '/' is looked up on PATH.
    std::string gitBinary = "git";
};

/// What git did.
struct GitResult {
    /// The exit status, or 128 + the signal number when git died of a signal.
    int exitCode = -1;
    std::string out;
    std::string err;
    bool outTruncated = false;
    bool errTruncated = false;

    bool ok() const { return exitCode == 0; }
};

/// Runs git and waits for it. Throws core::Error when git cannot be started (e.g. it is not
/// installed) or runs past the timeout; a non-zero exit is a result, not an exception.
GitResult runGit(const GitCommand& command);

/// Runs git; a non-zero exit throws core::Error("<what>: <git's message>").
GitResult runGitChecked(const GitCommand& command, std::string_view what);

/// git's stderr made fit for a sentence: trimmed, "fatal: "/"error: " prefixes dropped, bounded.
std::string gitMessage(const GitResult& result);

}  // namespace parawork::git
