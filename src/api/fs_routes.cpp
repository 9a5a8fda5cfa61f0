#include "api/fs_routes.hpp"

#include <cerrno>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>

#include <spdlog/spdlog.h>

#include "api/body_fields.hpp"
#include "core/utf8_text.hpp"
#include "files/directory_listing.hpp"
#include "files/path_text.hpp"
#include "files/repo_search.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

struct FsContext {
    files::Roots roots;
    std::string home;
    std::function<std::vector<std::string>()> daemonsOwnDirs;  ///< may be empty
};

/// The roots for browse and list: the configured ones, then the directories the daemon made or
/// was given for workspaces (issue 17 §6), as they are now.
files::Roots rootsNow(const FsContext& ctx) {
    if (!ctx.daemonsOwnDirs) return ctx.roots;
    files::Roots roots = ctx.roots;
    for (auto& dir : files::makeRoots(ctx.daemonsOwnDirs(), "").dirs)
        if (!files::isWithinRoots(dir, roots)) roots.dirs.push_back(std::move(dir));
    return roots;
}

/// zod's message (protocol §0) for a query parameter that is not one string.
std::string notAString(std::string_view name, std::string_view received) {
    std::string r(received);
    return "[\n  {\n    \"code\": \"invalid_type\",\n    \"expected\": \"string\",\n    "
           "\"received\": \"" +
           r + "\",\n    \"path\": [\n      \"" + std::string(name) +
           "\"\n    ],\n    \"message\": \"Expected string, received " + r + "\"\n  }\n]";
}

/// The query parameter `name`, which must be a single string: Express (qs) made a repeated
/// parameter an array and `name[x]=` an object or array, which the original's schema refused.
std::optional<std::string_view> singleParam(const Request& req, std::string_view name) {
    std::optional<std::string_view> value;
    std::size_t count = 0;
    std::string_view received;
    for (const auto& [key, v] : req.query) {
        if (key == name) {
            ++count;
            value = v;
        } else if (key.size() > name.size() && key.starts_with(name) && key[name.size()] == '[') {
            auto inner = std::string_view(key).substr(name.size() + 1);
            bool index = !inner.empty() && inner.back() == ']' &&
                         inner.find_first_not_of("0123456789") == inner.size() - 1;
            received = index ? "array" : "object";
        }
    }
    if (received.empty() && count > 1) received = "array";
    if (!received.empty()) throw BadRequest(notAString(name, received));
    return value;
}

json::string utf8(std::string_view text) {
    return json::string(core::toValidUtf8(text));
}

json::value orNull(const std::optional<std::string>& text) {
    return text ? json::value(utf8(*text)) : json::value(nullptr);
}

json::object toJson(const files::DirectoryEntry& e) {
    json::object o{{"name", utf8(e.name)},
                   {"path", utf8(e.path)},
                   {"isDirectory", true},
                   {"isGitRepository", e.isGitRepository}};
    if (e.gitInfo)
        o["gitInfo"] = json::object{{"branch", orNull(e.gitInfo->branch)},
                                    {"remote", orNull(e.gitInfo->remote)}};
    o["lastModified"] = e.lastModified;
    if (e.itemCount) o["itemCount"] = *e.itemCount;
    return o;
}

json::object toJson(const files::FileEntry& e) {
    json::object o{{"name", utf8(e.name)}, {"path", utf8(e.path)}, {"isDirectory", e.isDirectory}};
    if (e.size) o["size"] = *e.size;
    o["lastModified"] = e.lastModified;
    return o;
}

/// A browse/list path that passed the rules, and how the client is shown it.
struct Target {
    files::PathCheck check;
    std::string shown;  ///< normalized, "~" expanded, trailing '/' kept (Node's path.normalize)
};

Target resolveTarget(std::string_view requested, const FsContext& ctx, const files::Roots& roots) {
    std::string_view text = files::trimmed(requested);
    // "~" opens the picker at home, or at the first root when home is outside the roots.
    const std::string home = text == "~" ? files::browseHome(ctx.roots, ctx.home) : ctx.home;
    Target t{files::checkBrowsePath(requested, roots, home), {}};
    if (t.check.ok()) t.shown = files::normalizeShown(files::expandTilde(text, home));
    return t;
}

/// The original's answers when the directory cannot be read after it passed the rules.
Response readFailure(const std::exception& e, std::string_view otherwise) {
    if (const auto* sys = dynamic_cast<const std::system_error*>(&e)) {
        int code = sys->code().value();
        if (code == EACCES || code == EPERM) return fail(403, "Permission denied");
        if (code == ENOENT) return fail(404, "Directory not found");
    }
    spdlog::warn("{}: {}", otherwise, e.what());
    return fail(500, otherwise);
}

Response browse(Request& req, const FsContext& ctx) {
    auto param = singleParam(req, "path");
    auto roots = rootsNow(ctx);
    Target t = resolveTarget(param && !param->empty() ? *param : "~", ctx, roots);
    if (!t.check.ok()) return fail(t.check.status, t.check.error);
    try {
        json::array entries;
        for (const auto& e : files::browseDirectory(t.check.resolved, t.shown, roots))
            entries.push_back(toJson(e));
        return ok(json::object{{"currentPath", utf8(t.shown)},
                               {"parentPath", orNull(files::parentShown(t.shown))},
                               {"entries", std::move(entries)}});
    } catch (const std::exception& e) {
        return readFailure(e, "Failed to browse directory");
    }
}

Response list(Request& req, const FsContext& ctx) {
    auto param = singleParam(req, "path");
    if (!param || param->empty()) return fail(400, "Path is required");
    auto roots = rootsNow(ctx);
    Target t = resolveTarget(*param, ctx, roots);
    if (!t.check.ok()) return fail(t.check.status, t.check.error);
    try {
        json::array entries;
        for (const auto& e : files::listDirectory(t.check.resolved, t.shown, roots))
            entries.push_back(toJson(e));
        return ok(json::object{{"currentPath", utf8(t.shown)}, {"entries", std::move(entries)}});
    } catch (const std::exception& e) {
        return readFailure(e, "Failed to list files");
    }
}

Response searchRepos(Request& req, const FsContext& ctx) {
    auto param = singleParam(req, "q");
    std::string query = files::lowerAscii(files::trimmed(param.value_or("")));
    json::array results;
    // No file name is longer than NAME_MAX or holds a '/': nothing to walk for.
    if (query.size() < 2 || query.size() > 255 || query.find('/') != std::string::npos)
        return ok(json::object{{"query", utf8(query)}, {"results", std::move(results)}});
    try {
        auto found =
            files::searchRepositories(query, files::searchStarts(ctx.roots, ctx.home), ctx.roots);
        if (found.truncated)
            spdlog::info("search-repos \"{}\": stopped at the directory limit", query);
        for (const auto& e : found.results) results.push_back(toJson(e));
        return ok(json::object{{"query", utf8(query)}, {"results", std::move(results)}});
    } catch (const std::exception& e) {
        spdlog::warn("search-repos: {}", e.what());
        return fail(500, "Failed to search repositories");
    }
}

}  // namespace

void addFsRoutes(Router& router, files::Roots roots, std::string home,
                 std::function<std::vector<std::string>()> daemonsOwnDirs) {
    if (roots.dirs.empty()) {
        spdlog::warn("no allowed root exists: the file APIs refuse every path");
    } else {
        std::string names;
        for (const auto& dir : roots.dirs) names += (names.empty() ? "" : ", ") + dir.string();
        spdlog::info("file APIs confined to {}", names);
    }
    auto ctx = std::make_shared<const FsContext>(
        FsContext{std::move(roots), std::move(home), std::move(daemonsOwnDirs)});
    router.add("GET", "/api/fs/browse", [ctx](Request& req) { return browse(req, *ctx); });
    router.add("GET", "/api/fs/list", [ctx](Request& req) { return list(req, *ctx); });
    router.add("GET", "/api/fs/search-repos",
               [ctx](Request& req) { return searchRepos(req, *ctx); });
}

}  // namespace parawork::api
