// The GitHub CLI (`gh`) as parawork uses it: whether it is installed and logged in, creating a
// pull request for a pushed branch, and reading one back. Always an argv (a title or body that
// starts with '-' is a value, never an option), bounded output, a timeout, and never a prompt
// (GH_PROMPT_DISABLED). Blocking: call it from the worker pool or the refresher's thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "review/pull_request.hpp"

namespace parawork::review {

struct GithubCliOptions {
    /// Where `gh` is looked for (colon-separated); the daemon's PATH by default.
    std::string pathVariable;
    std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

struct GhStatus {
    bool installed = false;
    bool loggedIn = false;
};

/// What `gh pr create` is given.
struct PullRequestDraft {
    std::string base;  ///< the branch on the remote to merge into ("main")
    std::string head;  ///< the pushed branch
    std::string title;
    std::string body;
    bool draft = false;
};

class GithubCli {
  public:
    explicit GithubCli(GithubCliOptions options);

    /// `gh` found on the PATH, and `gh auth status` content with it.
    GhStatus status() const;

    /// `gh pr create --base=B --head=H --title=T --body-file=F [--draft]` in `worktree` (the body
    /// goes through a private temporary file). Returns the new pull request's URL. Throws
    /// core::Error with gh's message when gh is missing or fails.
    std::string create(const std::filesystem::path& worktree, const PullRequestDraft& draft) const;

    /// `gh pr view --json … -- <branch>` in `worktree`: nullopt when the branch has no pull
    /// request. Throws core::Error with gh's message when gh is missing, fails or answers
    /// something else than the JSON asked for.
    std::optional<PullRequest> view(const std::filesystem::path& worktree,
                                    const std::string& branch) const;

  private:
    std::optional<std::filesystem::path> program() const;

    GithubCliOptions options_;
};

/// The fields `gh pr view` is asked for.
inline constexpr std::string_view kPullRequestViewFields =
    "number,url,state,isDraft,title,reviewDecision,mergeable,statusCheckRollup";

/// gh's JSON for kPullRequestViewFields as a PullRequest read at `now`; nullopt when it is not
/// an object with a number, a url and a state.
std::optional<PullRequest> parsePullRequestView(std::string_view json, std::int64_t now);

}  // namespace parawork::review
