// Serves the web UI embedded in the binary (web/ built by Vite): ETags, precompressed gzip, long
// caching for content-hashed files, and an SPA fallback to index.html for client-side routes.
#pragma once

#include "api/http_types.hpp"

namespace parawork::api {

/// Answers a GET/HEAD for a non-API path from the embedded assets.
Response serveStaticFile(const Request& req);

/// The security headers every UI page carries (CSP, nosniff, no framing, no referrer).
void addPageSecurityHeaders(Response& res);

}  // namespace parawork::api
