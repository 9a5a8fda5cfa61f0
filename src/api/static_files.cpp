#include "api/static_files.hpp"

#include <algorithm>

#include "api/web_assets.hpp"

namespace parawork::api {
namespace {

const WebAsset* findAsset(std::string_view path) {
    auto assets = webAssets();
    auto it = std::lower_bound(assets.begin(), assets.end(), path,
                               [](const WebAsset& a, std::string_view p) { return a.path < p; });
    return it != assets.end() && it->path == path ? &*it : nullptr;
}

bool acceptsGzip(const Request& req) {
    auto enc = req.header("accept-encoding");
    return enc && enc->find("gzip") != std::string_view::npos;
}

bool etagMatches(const Request& req, std::string_view etag) {
    auto inm = req.header("if-none-match");
    return inm && (inm->find(etag) != std::string_view::npos || *inm == "*");
}

}  // namespace

void addPageSecurityHeaders(Response& res) {
    res.set("Content-Security-Policy",
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
            "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
}

Response serveStaticFile(const Request& req) {
    if (req.method != "GET" && req.method != "HEAD") {
        Response res = text(405, "Method not allowed\n");
        res.set("Allow", "GET, HEAD");
        return res;
    }
    std::string_view path = req.path == "/" ? "/index.html" : std::string_view(req.path);
    const WebAsset* asset = findAsset(path);
    // Client-side routes (no file extension in the last segment) get the app shell.
    auto last = path.substr(path.rfind('/') + 1);
    if (!asset && last.find('.') == std::string_view::npos) asset = findAsset("/index.html");
    if (!asset) return text(404, "Not found\n");

    Response res;
    res.contentType = std::string(asset->contentType);
    res.set("ETag", std::string(asset->etag));
    res.set("Cache-Control", asset->immutable ? "public, max-age=31536000, immutable" : "no-cache");
    res.set("Vary", "Accept-Encoding");
    addPageSecurityHeaders(res);
    if (etagMatches(req, asset->etag)) {
        res.status = 304;
        return res;
    }
    if (!asset->gzipBody.empty() && acceptsGzip(req)) {
        res.set("Content-Encoding", "gzip");
        res.body = std::string(asset->gzipBody);
    } else {
        res.body = std::string(asset->body);
    }
    return res;
}

}  // namespace parawork::api
