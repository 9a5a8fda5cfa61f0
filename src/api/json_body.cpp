#include "api/json_body.hpp"

#include <boost/json/parse.hpp>

namespace parawork::api {
namespace {

bool isJsonType(std::string_view type) {
    auto semi = type.find(';');
    auto mime = type.substr(0, semi);
    while (!mime.empty() && mime.back() == ' ') mime.remove_suffix(1);
    std::string lowered(mime);
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lowered == "application/json" ||
           (lowered.starts_with("application/") && lowered.ends_with("+json"));
}

}  // namespace

std::optional<Response> parseJsonBody(Request& req) {
    req.json = boost::json::object{};
    if (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") return std::nullopt;
    if (req.body.empty()) return std::nullopt;
    auto type = req.header("content-type");
    if (!type || !isJsonType(*type))
        return fail(415, "Request body must be JSON (Content-Type: application/json)");
    boost::system::error_code ec;
    auto value = boost::json::parse(req.body, ec);
    if (ec) return fail(400, "Malformed JSON body: " + ec.message());
    if (!value.is_object()) return fail(400, "JSON body must be an object");
    req.json = std::move(value);
    return std::nullopt;
}

}  // namespace parawork::api
