#include "review/comment_json.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace parawork::review {
namespace {

namespace json = boost::json;

template <class T>
json::value orNull(const std::optional<T>& value) {
    return value ? json::value(*value) : json::value(nullptr);
}

}  // namespace

json::object toJson(const store::ReviewCommentRow& c) {
    return json::object{
        {"id", c.id},
        {"workspaceId", c.workspaceId},
        {"path", c.path},
        {"line", c.line},
        {"endLine", c.endLine},
        {"side", store::toString(c.side)},
        {"body", c.body},
        {"quote", c.quote},
        {"resolved", c.resolvedAt.has_value()},
        {"resolvedAt", orNull(c.resolvedAt)},
        {"sentAt", orNull(c.sentAt)},
        {"sentToSessionId", orNull(c.sentToSessionId)},
        {"createdAt", c.createdAt},
        {"updatedAt", c.updatedAt},
    };
}

std::string commentsChangedEvent(const std::string& workspaceId) {
    return json::serialize(json::object{{"type", "review_comments_changed"},
                                        {"data", json::object{{"workspaceId", workspaceId}}}});
}

}  // namespace parawork::review
