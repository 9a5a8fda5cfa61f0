#include "api/http_types.hpp"

#include <boost/json/serialize.hpp>

namespace parawork::api {

std::optional<std::string_view> Request::header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    if (it == headers.end()) return std::nullopt;
    return std::string_view(it->second);
}

bool Request::acceptsEventStream() const {
    auto accept = header("accept");
    return accept && accept->find("text/event-stream") != std::string_view::npos;
}

std::optional<std::string_view> Request::queryParam(std::string_view name) const {
    for (const auto& [key, value] : query)
        if (key == name) return std::string_view(value);
    return std::nullopt;
}

Response ok(boost::json::value data, unsigned status) {
    Response r;
    r.status = status;
    r.body =
        boost::json::serialize(boost::json::object{{"success", true}, {"data", std::move(data)}});
    return r;
}

Response fail(unsigned status, std::string_view message) {
    Response r;
    r.status = status;
    r.body = boost::json::serialize(boost::json::object{{"success", false}, {"error", message}});
    return r;
}

Response text(unsigned status, std::string_view body) {
    Response r;
    r.status = status;
    r.contentType = "text/plain; charset=utf-8";
    r.body = std::string(body);
    return r;
}

}  // namespace parawork::api
