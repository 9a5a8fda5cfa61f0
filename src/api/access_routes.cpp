#include "api/access_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "api/body_fields.hpp"
#include "core/error.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

/// The reserved path on preview origins that turns a code into the preview's cookie.
constexpr std::string_view kPassPath = "/__parawork/preview-auth";

std::optional<Response> onlyOverUnixSocket(const Request& req) {
    if (req.transport == Transport::Unix) return std::nullopt;
    return fail(
        403, "Tokens are managed with the parawork CLI on the daemon's machine (parawork token)");
}

json::value deviceJson(const auth::DeviceToken& d) {
    json::object o{{"id", d.id}, {"name", d.name}, {"createdAt", d.createdAt}};
    o["lastUsedAt"] = d.lastUsedAt ? json::value(*d.lastUsedAt) : json::value(nullptr);
    return o;
}

json::array linksJson(const std::vector<std::string>& links) {
    json::array out;
    for (const auto& link : links) out.emplace_back(link);
    return out;
}

/// Answers POST /api/preview-auth {"url": "<a preview URL of ours>"} with where the browser
/// goes next: the preview origin's pass path with a one-time code.
Response previewAuth(const AccessDeps& deps, const Request& req) {
    if (!req.principal) return fail(401, "Log in first");
    auto text = requiredString(req.json, "url", 1, 8192);
    auto url = boost::urls::parse_absolute_uri(text);
    if (!url || (url->scheme() != "http" && url->scheme() != "https") || !url->has_authority())
        return fail(400, "url: expected an http(s) preview URL");
    std::string authority(url->encoded_host_and_port());
    auto preview = deps.ports ? deps.ports->previewHost(authority) : std::nullopt;
    if (!preview) return fail(400, "url: not a preview URL of this daemon");
    std::string key = std::to_string(preview->port) + "-" + preview->workspaceKey;
    std::string next(url->encoded_path());
    if (next.empty() || next.front() != '/') next = "/" + next;
    if (url->has_query()) next += "?" + std::string(url->encoded_query());
    boost::urls::url redirect;
    redirect.set_scheme(url->scheme());
    redirect.set_encoded_authority(url->encoded_authority());
    redirect.set_path(kPassPath);
    redirect.params().append({"code", deps.passes->issueCode(*req.principal, key)});
    redirect.params().append({"next", next});
    return ok(json::object{{"redirect", redirect.buffer()}});
}

}  // namespace

std::vector<std::string> loginLinks(const std::vector<std::string>& uiUrls,
                                    const std::string& token) {
    std::vector<std::string> links;
    for (const auto& url : uiUrls) links.push_back(url + "/?token=" + token);
    return links;
}

void addAccessRoutes(Router& router, AccessDeps deps) {
    auto d = std::make_shared<AccessDeps>(std::move(deps));
    router.add("POST", "/api/preview-auth", [d](Request& req) { return previewAuth(*d, req); });
    router.add("GET", "/api/auth/link", [d](Request& req) {
        if (auto refusal = onlyOverUnixSocket(req)) return *refusal;
        return ok(
            json::object{{"links", linksJson(loginLinks(d->uiUrls(), d->tokens->ownerToken()))}});
    });
    router.add("POST", "/api/auth/rotate", [d](Request& req) {
        if (auto refusal = onlyOverUnixSocket(req)) return *refusal;
        auto token = d->rotateOwnerToken();
        return ok(json::object{{"links", linksJson(loginLinks(d->uiUrls(), token))}});
    });
    router.add("GET", "/api/auth/devices", [d](Request& req) {
        if (auto refusal = onlyOverUnixSocket(req)) return *refusal;
        json::array out;
        for (const auto& device : d->tokens->devices()) out.push_back(deviceJson(device));
        return ok(std::move(out));
    });
    router.add("POST", "/api/auth/devices", [d](Request& req) {
        if (auto refusal = onlyOverUnixSocket(req)) return *refusal;
        auto name = requiredString(req.json, "name", 1, 64);
        try {
            auto issued = d->tokens->addDevice(name);
            auto out = deviceJson(issued.info).as_object();
            out["token"] = issued.token;
            out["links"] = linksJson(loginLinks(d->uiUrls(), issued.token));
            return ok(std::move(out), 201);
        } catch (const core::Error& e) {
            return fail(400, e.what());
        }
    });
    router.add("DELETE", "/api/auth/devices/:name", [d](Request& req) {
        if (auto refusal = onlyOverUnixSocket(req)) return *refusal;
        if (!d->tokens->revokeDevice(req.params["name"]))
            return fail(404, "No device token named " + req.params["name"]);
        return ok(json::object{{"revoked", req.params["name"]}});
    });
}

}  // namespace parawork::api
