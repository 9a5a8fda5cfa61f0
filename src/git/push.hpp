// Pushing a workspace's branch with the user's own credentials (their SSH agent, GIT_SSH_COMMAND,
// credential helpers), never prompting and never forcing, and the web page where a pushed branch
// becomes a pull request on the well-known forges. Blocking: call it from the worker pool.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::git {

/// The repository's remotes, as `git remote` lists them.
std::vector<std::string> listRemotes(const std::filesystem::path& worktree);

/// The fetch URL configured for `remote`; nullopt when it has none.
std::optional<std::string> remoteUrl(const std::filesystem::path& worktree,
                                     const std::string& remote);

/// What a push did.
struct PushResult {
    enum class Outcome {
        pushed,    ///< the remote branch now points at ours
        upToDate,  ///< it already did
        rejected,  ///< not a fast-forward (the remote has commits we lack): sync first
        failed,    ///< anything else: no access, a hook declined, the host is unreachable
    };
    Outcome outcome = Outcome::failed;
    std::string remoteRef;  ///< "refs/heads/<branch>"
    /// Why, for rejected and failed: the porcelain line's reason or git's message.
    std::string message;
};

/// `git push --porcelain --set-upstream <remote> refs/heads/<b>:refs/heads/<b>` in `worktree`,
/// never forced. The environment is the caller's (the user's credentials); git never prompts
/// (GIT_TERMINAL_PROMPT=0), and ssh runs in BatchMode unless the user chose an ssh command
/// (GIT_SSH_COMMAND, GIT_SSH or core.sshCommand). Throws core::Error for a branch name that is not
/// valid, a remote that is not one of listRemotes, or git that cannot run or times out.
PushResult pushBranch(const std::filesystem::path& worktree, const std::string& remote,
                      const std::string& branch);

/// The porcelain output's verdict on `remoteRef` (see git-push(1), OUTPUT); exposed for tests.
PushResult parsePushPorcelain(std::string_view out, const std::string& remoteRef);

/// The https page that compares `branch` with `base` (the branch name on the remote, without
/// "origin/") on GitHub, GitLab or Bitbucket, from an ssh (`git@host:o/r.git`,
/// `ssh://git@host[:port]/o/r`) or https remote URL; nullopt for any other host or shape.
std::optional<std::string> compareUrl(std::string_view remoteUrl, std::string_view base,
                                      std::string_view branch);

/// The subject of the oldest commit on HEAD that `base` lacks (a pull request's default title);
/// nullopt when there is none or `base` names no commit.
std::optional<std::string> firstCommitSubject(const std::filesystem::path& worktree,
                                              const std::string& base);

}  // namespace parawork::git
