#include "review/pull_request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

namespace parawork::review {
namespace {

namespace json = boost::json;

std::optional<std::string> optionalText(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

int count(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_int64() ? static_cast<int>(v->get_int64()) : 0;
}

}  // namespace

bool PullRequest::sameAs(const PullRequest& other) const {
    return number == other.number && url == other.url && state == other.state &&
           title == other.title && checks == other.checks &&
           reviewDecision == other.reviewDecision && mergeable == other.mergeable;
}

json::object toJson(const PullRequest& pr) {
    return json::object{
        {"number", pr.number},
        {"url", pr.url},
        {"state", pr.state},
        {"title", pr.title},
        {"checks",
         json::object{
             {"passing", pr.checks.passing},
             {"failing", pr.checks.failing},
             {"pending", pr.checks.pending},
         }},
        {"reviewDecision", json::value_from(pr.reviewDecision)},
        {"mergeable", json::value_from(pr.mergeable)},
        {"refreshedAt", pr.refreshedAt},
    };
}

std::optional<PullRequest> pullRequestFromJson(std::string_view text) {
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const json::object& o = value.get_object();
    const json::value* number = o.if_contains("number");
    auto url = optionalText(o, "url");
    auto state = optionalText(o, "state");
    if (number == nullptr || !number->is_int64() || !url || !state) return std::nullopt;
    PullRequest pr;
    pr.number = number->get_int64();
    pr.url = *url;
    pr.state = *state;
    pr.title = optionalText(o, "title").value_or("");
    if (const json::value* checks = o.if_contains("checks"); checks && checks->is_object())
        pr.checks = {count(checks->get_object(), "passing"), count(checks->get_object(), "failing"),
                     count(checks->get_object(), "pending")};
    pr.reviewDecision = optionalText(o, "reviewDecision");
    pr.mergeable = optionalText(o, "mergeable");
    if (const json::value* at = o.if_contains("refreshedAt"); at && at->is_int64())
        pr.refreshedAt = at->get_int64();
    return pr;
}

}  // namespace parawork::review
