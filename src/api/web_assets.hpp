// The web UI's files, compiled into the binary so a single executable serves its own UI with
// nothing to install or find at run time (DESIGN §5, as ttyd does). The definition is generated
// at build time by web/scripts/embed-assets.mjs from the Vite build of web/; static_files.cpp
// serves it.
#pragma once

#include <span>
#include <string_view>

namespace parawork::api {

/// One file of the built web UI, embedded at build time (DESIGN §5: web/ is built into the binary).
struct WebAsset {
    std::string_view path;         ///< URL path, e.g. "/index.html", "/assets/index-3f2a.js"
    std::string_view contentType;  ///< e.g. "text/html; charset=utf-8"
    std::string_view etag;         ///< quoted strong ETag: "\"<first 16 hex of sha256>\""
    std::string_view body;         ///< raw bytes
    std::string_view gzipBody;     ///< gzip (level 9) bytes, empty when gzip is not smaller
    bool immutable;                ///< true for content-hashed files under /assets/
};

/// All embedded files, sorted by path.
std::span<const WebAsset> webAssets();

}  // namespace parawork::api
