// Push and pull requests (issue 20, docs/review.md "Push and pull requests"): pushing a
// workspace's branch (never forced), opening its pull request with `gh` when it is installed and
// logged in (else the forge's compare page), and following open pull requests in the background
// with a backoff, announced as `pull_request_changed`. Every edge calls this service.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/json/object.hpp>

#include "core/entities.hpp"
#include "review/github_cli.hpp"
#include "store/database.hpp"

namespace parawork::review {

/// Longest pull request title and body accepted.
inline constexpr std::size_t kMaxPullRequestTitle = 256;
inline constexpr std::size_t kMaxPullRequestBody = std::size_t{64} << 10;

struct PullRequestServiceConfig {
    store::Database& db;
    /// `{type, data}` events for a workspace's subscribers.
    std::function<void(const std::string& workspaceId, std::string eventJson)> publish;
    /// Types a message to the workspace's agent; returns its session id, throws
    /// core::ServiceError (409 when no agent is there or it is busy). Unset: askAgent is a 409.
    std::function<std::string(const std::string& workspaceId, const std::string& text)> tellAgent;
    GithubCliOptions gh;
    /// The refresher's first wait after a change, and its longest (the wait doubles meanwhile).
    std::chrono::milliseconds firstRefresh = std::chrono::seconds(30);
    std::chrono::milliseconds longestRefresh = std::chrono::minutes(10);
};

/// What POST /pr asks for.
struct PullRequestRequest {
    std::optional<std::string> title;  ///< default: the branch's first commit's subject
    std::optional<std::string> body;
    bool draft = false;
    bool askAgent = false;  ///< push, then ask the agent to write and open it
};

/// An answer with its HTTP status (201 created, 202 asked, 200 otherwise).
struct Answer {
    unsigned status = 200;
    boost::json::object body;
};

class PullRequestService {
  public:
    /// Starts the refresher thread, following the stored pull requests that are still open.
    explicit PullRequestService(PullRequestServiceConfig config);
    ~PullRequestService();
    PullRequestService(const PullRequestService&) = delete;
    PullRequestService& operator=(const PullRequestService&) = delete;

    /// Pushes the workspace's branch to `remote`: {pushed, remote, branch, remoteRef,
    /// compareUrl}. 400 no such remote, 409 non-fast-forward ("sync first"), 502 push failed.
    boost::json::object push(const std::string& workspaceId, const std::string& remote);

    /// Pushes to origin, then opens the pull request: 201 {pullRequest, compareUrl}; 200 with the
    /// existing one, or {pullRequest: null, compareUrl, reason} without a usable gh; 202
    /// {asked, sessionId} for askAgent.
    Answer createPullRequest(const std::string& workspaceId, const PullRequestRequest& request);

    /// {pullRequest, compareUrl, gh: {installed, loggedIn}}; `refresh` asks gh first.
    boost::json::object status(const std::string& workspaceId, bool refresh);

    /// Ends the refresher (waits for a gh call under way). Idempotent.
    void stop();

  private:
    struct Followed {
        std::chrono::steady_clock::time_point due;
        std::chrono::milliseconds wait;
    };
    enum class Refreshed { changed, same, ended, failed };

    core::Workspace branchWorkspace(const std::string& workspaceId);
    std::optional<std::string> compareUrlOf(const core::Workspace& ws, const std::string& remote);
    Answer askAgent(const core::Workspace& ws);
    /// Stores `pr` and announces it when it differs from what was stored; true if it did.
    bool record(const std::string& workspaceId, const PullRequest& pr);
    Refreshed refresh(const std::string& workspaceId);
    void follow(const std::string& workspaceId);
    void refreshLoop();
    void refreshDue();

    PullRequestServiceConfig config_;
    GithubCli gh_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::string, Followed> followed_;
    bool stopping_ = false;
    std::thread refresher_;
};

}  // namespace parawork::review
