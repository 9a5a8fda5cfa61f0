// commitAll: checks first (message, identity), then `git add -A`, `git diff --cached` to count
// and to refuse an empty commit, and `git commit -F <file>` (a message starting with '-' or
// longer than argv likes is still just a file's content).
#include "git/commit.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

#include "git/git_command.hpp"

namespace parawork::git {
namespace {

namespace fs = std::filesystem;

GitResult gitIn(const fs::path& worktree, std::vector<std::string> args, std::string_view what) {
    GitCommand command;
    command.cwd = worktree;
    command.args = std::move(args);
    // The user's hooks run here (pre-commit may run a test suite).
    command.timeout = std::chrono::minutes(5);
    return runGitChecked(command, what);
}

bool hasConfig(const fs::path& worktree, const std::string& key,
               std::initializer_list<const char*> variables) {
    for (const char* variable : variables) {
        const char* value = std::getenv(variable);
        if (value != nullptr && *value != '\0') return true;
    }
    GitCommand command;
    command.cwd = worktree;
    command.args = {"config", "--get", key};
    GitResult result = runGit(command);
    return result.ok() && result.out.find_first_not_of(" \n") != std::string::npos;
}

void checkIdentity(const fs::path& worktree) {
    using Reason = CommitRefused::Reason;
    if (!hasConfig(worktree, "user.name", {"GIT_AUTHOR_NAME"}))
        throw CommitRefused(Reason::NoIdentity,
                            "git does not know who you are: set your name with "
                            "`git config --global user.name \"Your Name\"`");
    if (!hasConfig(worktree, "user.email", {"GIT_AUTHOR_EMAIL", "EMAIL"}))
        throw CommitRefused(Reason::NoIdentity,
                            "git does not know who you are: set your e-mail with "
                            "`git config --global user.email you@example.com`");
}

/// The message in a file in the git dir, removed at the end of the scope.
class MessageFile {
  public:
    MessageFile(const fs::path& worktree, std::string_view message) {
        static std::atomic<unsigned> counter{0};
        GitResult dir =
            gitIn(worktree, {"rev-parse", "--absolute-git-dir"}, "cannot find the git dir");
        path_ = fs::path(dir.out.substr(0, dir.out.find('\n'))) /
                ("parawork-commit-msg-" + std::to_string(::getpid()) + "-" +
                 std::to_string(counter.fetch_add(1)));
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out << message;
        if (!out.flush()) throw core::Error("cannot write " + path_.string());
    }
    ~MessageFile() {
        std::error_code ec;
        fs::remove(path_, ec);
    }
    MessageFile(const MessageFile&) = delete;
    MessageFile& operator=(const MessageFile&) = delete;
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

std::size_t countStaged(const fs::path& worktree) {
    GitResult names = gitIn(worktree, {"diff", "--cached", "--name-only", "-z", "--no-renames"},
                            "cannot compare");
    std::size_t count = 0;
    for (char c : names.out) count += c == '\0' ? 1 : 0;
    return count;
}

}  // namespace

std::optional<std::string> commitMessageProblem(std::string_view message) {
    if (message.size() > kMaxCommitMessageBytes) return "it is longer than 64 KiB";
    if (message.find('\0') != std::string_view::npos) return "it contains a NUL byte";
    if (message.find_first_not_of(" \t\r\n") == std::string_view::npos) return "it is empty";
    return std::nullopt;
}

CommitResult commitAll(const fs::path& worktree, std::string_view message) {
    if (auto problem = commitMessageProblem(message))
        throw CommitRefused(CommitRefused::Reason::InvalidMessage,
                            "invalid commit message: " + *problem);
    checkIdentity(worktree);
    gitIn(worktree, {"add", "-A"}, "cannot stage the changes");
    std::size_t files = countStaged(worktree);
    if (files == 0)
        throw CommitRefused(CommitRefused::Reason::NothingToCommit,
                            "Nothing to commit: the working tree has no changes");
    MessageFile file(worktree, message);
    gitIn(worktree, {"commit", "-q", "-F", file.path().string()}, "git commit failed");
    GitResult head = gitIn(worktree, {"rev-parse", "HEAD"}, "cannot read the new commit");
    return {head.out.substr(0, head.out.find('\n')), std::string(message), files};
}

}  // namespace parawork::git
