#include "api/router.hpp"

#include <strings.h>

#include "api/body_fields.hpp"

namespace parawork::api {
namespace {

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string_view>& parts,
             std::map<std::string, std::string>* params) {
    if (pattern.size() != parts.size()) return false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto& seg = pattern[i];
        if (seg.starts_with(':')) {
            if (parts[i].empty()) return false;
            if (params) (*params)[seg.substr(1)] = std::string(parts[i]);
        } else if (seg.size() != parts[i].size() ||
                   strncasecmp(seg.data(), parts[i].data(), seg.size()) != 0) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::vector<std::string_view> splitPath(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash);
    }
    return out;
}

void Router::add(std::string method, std::string pattern, Handler handler) {
    std::vector<std::string> segments;
    for (auto s : splitPath(pattern)) segments.emplace_back(s);
    routes_.push_back({std::move(method), std::move(segments), std::move(handler)});
}

void Router::addUpgrade(std::string pattern, Upgrade endpoint) {
    std::vector<std::string> segments;
    for (auto s : splitPath(pattern)) segments.emplace_back(s);
    routes_.push_back({"GET", std::move(segments), endpoint});
}

Response Router::dispatch(Request& req) const {
    auto parts = splitPath(req.path);
    std::string method = req.method == "HEAD" ? "GET" : req.method;
    for (const auto& route : routes_) {
        const auto* handler = std::get_if<Handler>(&route.target);
        if (!handler || route.method != method || !matches(route.segments, parts, nullptr))
            continue;
        matches(route.segments, parts, &req.params);
        try {
            return (*handler)(req);
        } catch (const BadRequest& e) {
            return fail(400, e.what());
        }
    }
    return fail(404, "Endpoint not found");
}

std::optional<Upgrade> Router::upgradeFor(Request& req) const {
    auto parts = splitPath(req.path);
    for (const auto& route : routes_) {
        const auto* endpoint = std::get_if<Upgrade>(&route.target);
        if (!endpoint || !matches(route.segments, parts, nullptr)) continue;
        matches(route.segments, parts, &req.params);
        return *endpoint;
    }
    return std::nullopt;
}

bool Router::knows(std::string_view path) const {
    auto parts = splitPath(path);
    for (const auto& route : routes_)
        if (matches(route.segments, parts, nullptr)) return true;
    return false;
}

}  // namespace parawork::api
