// A workspace's pull request as parawork shows it (issue 20, docs/review.md): what `gh pr view`
// says, reduced to the API's shape, and kept as JSON text in workspaces.pull_request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace parawork::review {

struct PullRequestChecks {
    int passing = 0;
    int failing = 0;
    int pending = 0;
    bool operator==(const PullRequestChecks&) const = default;
};

struct PullRequest {
    std::int64_t number = 0;
    std::string url;
    std::string state;  ///< "open", "draft", "closed" or "merged"
    std::string title;
    PullRequestChecks checks;
    std::optional<std::string> reviewDecision;  ///< gh's: "APPROVED", "CHANGES_REQUESTED", …
    std::optional<std::string> mergeable;       ///< gh's: "MERGEABLE", "CONFLICTING", "UNKNOWN"
    std::int64_t refreshedAt = 0;               ///< ms since the epoch

    /// Whether it may still change (open or draft): the refresher follows it.
    bool live() const { return state == "open" || state == "draft"; }
    /// The same pull request in the same state, whenever it was read.
    bool sameAs(const PullRequest& other) const;
};

/// The API's JSON: {number, url, state, title, checks:{passing, failing, pending},
/// reviewDecision, mergeable, refreshedAt}.
boost::json::object toJson(const PullRequest& pr);

/// The stored JSON text read back; nullopt when it is not what toJson wrote.
std::optional<PullRequest> pullRequestFromJson(std::string_view text);

}  // namespace parawork::review
