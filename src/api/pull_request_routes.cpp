#include "api/pull_request_routes.hpp"

#include "api/body_fields.hpp"
#include "api/service_answer.hpp"

namespace parawork::api {
namespace {

/// Longest remote name accepted (git has no limit; nobody types more).
constexpr std::size_t kMaxRemoteName = 200;

Response push(Request& req, review::PullRequestService& service) {
    std::string remote = optionalString(req.json, "remote", 1, kMaxRemoteName).value_or("origin");
    return answering([&] { return ok(service.push(req.params["id"], remote)); });
}

Response createPullRequest(Request& req, review::PullRequestService& service) {
    review::PullRequestRequest request;
    request.title = optionalString(req.json, "title", 1, review::kMaxPullRequestTitle);
    request.body = optionalString(req.json, "body", 0, review::kMaxPullRequestBody);
    request.draft = optionalBool(req.json, "draft").value_or(false);
    request.askAgent = optionalBool(req.json, "askAgent").value_or(false);
    return answering([&] {
        review::Answer answer = service.createPullRequest(req.params["id"], request);
        return ok(std::move(answer.body), answer.status);
    });
}

Response pullRequestStatus(Request& req, review::PullRequestService& service) {
    auto refresh = req.queryParam("refresh");
    bool refreshFirst = refresh && (*refresh == "1" || *refresh == "true");
    return answering([&] { return ok(service.status(req.params["id"], refreshFirst)); });
}

}  // namespace

void addPullRequestRoutes(Router& router, review::PullRequestService& pullRequests) {
    auto& service = pullRequests;
    router.add("POST", "/api/workspaces/:id/push",
               [&service](Request& req) { return push(req, service); });
    router.add("POST", "/api/workspaces/:id/pr",
               [&service](Request& req) { return createPullRequest(req, service); });
    router.add("GET", "/api/workspaces/:id/pr",
               [&service](Request& req) { return pullRequestStatus(req, service); });
}

}  // namespace parawork::api
