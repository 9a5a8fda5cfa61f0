#include "api/review_routes.hpp"

#include <boost/json/array.hpp>

#include "api/body_fields.hpp"
#include "api/service_answer.hpp"
#include "review/comment_json.hpp"
#include "review/comment_quote.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

/// Most comments one send may name.
constexpr std::size_t kMaxSendIds = 1000;
/// Body text read past the service's own limit is still refused there with its message.
constexpr std::size_t kMaxBodyField = review::kMaxCommentBodyBytes * 4;

json::array commentsJson(const std::vector<store::ReviewCommentRow>& comments) {
    json::array out;
    for (const auto& c : comments) out.push_back(review::toJson(c));
    return out;
}

store::CommentFilter filterOf(const Request& req) {
    auto state = req.queryParam("state");
    if (!state || *state == "all") return store::CommentFilter::All;
    if (*state == "open") return store::CommentFilter::Open;
    if (*state == "resolved") return store::CommentFilter::Resolved;
    throw BadRequest("state: expected open, resolved or all");
}

review::NewComment readNewComment(const Request& req) {
    review::NewComment c;
    c.path = requiredString(req.json, "path", 1, review::kMaxCommentPathBytes);
    c.line = optionalInteger(req.json, "line", 1, review::kMaxCommentLine)
                 .value_or(0);  // absent: refused by the service as a line below 1
    c.endLine = optionalInteger(req.json, "endLine", 1, review::kMaxCommentLine);
    if (auto side = optionalString(req.json, "side")) {
        auto parsed = store::parseCommentSide(*side);
        if (!parsed) throw BadRequest("side: expected new or old");
        c.side = *parsed;
    }
    c.body = requiredString(req.json, "body", 1, kMaxBodyField);
    return c;
}

Response patchComment(Request& req, review::CommentService& comments) {
    review::CommentPatch patch;
    patch.body = optionalString(req.json, "body", 0, kMaxBodyField);
    patch.resolved = optionalBool(req.json, "resolved");
    auto row = comments.patch(req.params["id"], req.params["commentId"], patch);
    return ok(review::toJson(row));
}

Response sendComments(Request& req, review::CommentService& comments) {
    auto ids = optionalStringArray(req.json, "commentIds", kMaxSendIds);
    auto sent = comments.send(req.params["id"], ids);
    return ok(json::object{
        {"sent", sent.sent}, {"sessionId", sent.sessionId}, {"message", sent.message}});
}

}  // namespace

void addReviewRoutes(Router& router, review::CommentService& comments) {
    const std::string base = "/api/workspaces/:id/review";
    router.add("GET", base + "/comments", [&comments](Request& req) {
        return answering(
            [&] { return ok(commentsJson(comments.list(req.params["id"], filterOf(req)))); });
    });
    router.add("POST", base + "/comments", [&comments](Request& req) {
        return answering([&] {
            return ok(review::toJson(comments.add(req.params["id"], readNewComment(req))), 201);
        });
    });
    router.add("PATCH", base + "/comments/:commentId", [&comments](Request& req) {
        return answering([&] { return patchComment(req, comments); });
    });
    router.add("DELETE", base + "/comments/:commentId", [&comments](Request& req) {
        return answering([&] {
            comments.remove(req.params["id"], req.params["commentId"]);
            return ok(json::object{{"deleted", true}});
        });
    });
    router.add("POST", base + "/send", [&comments](Request& req) {
        return answering([&] { return sendComments(req, comments); });
    });
}

}  // namespace parawork::api
