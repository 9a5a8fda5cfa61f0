#include "api/diff_routes.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>

#include "api/body_fields.hpp"
#include "api/service_answer.hpp"
#include "core/utf8_text.hpp"
#include "git/changes.hpp"
#include "git/ref_names.hpp"
#include "git/repository_info.hpp"
#include "workspace/workspace_lookup.hpp"

namespace parawork::api {
namespace {

namespace json = boost::json;

[[noreturn]] void refuse(const std::string& why) {
    throw BadRequest("path: " + why);
}

/// The `?path=` filter, checked: relative to the working tree, no "..", no control characters.
std::optional<std::string> pathFilter(const Request& req) {
    auto text = req.queryParam("path");
    if (!text) return std::nullopt;
    if (text->empty() || text->size() > 4096) refuse("expected 1 to 4096 characters");
    for (unsigned char c : *text)
        if (c < 0x20 || c == 0x7f) refuse("control characters are not allowed");
    std::filesystem::path p{std::string(*text)};
    if (p.is_absolute()) refuse("must be relative to the working tree");
    for (const auto& part : p)
        if (part == "..") refuse("'..' is not allowed");
    std::string normal = p.lexically_normal().generic_string();
    if (normal.empty() || normal == ".") refuse("must name a file");
    if (normal.ends_with('/')) normal.pop_back();
    return normal;
}

/// The base to compare with: `?base=` when given, else the workspace's base branch, else HEAD.
std::string baseRefOf(const Request& req, const core::Workspace& workspace) {
    if (auto base = req.queryParam("base")) {
        if (auto problem = git::baseRefProblem(*base)) throw BadRequest("base: " + *problem);
        return std::string(*base);
    }
    const auto& worktree = workspace.gitWorktree;
    return worktree && worktree->baseBranch ? *worktree->baseBranch : "HEAD";
}

json::object fileJson(const git::FileChange& change) {
    return json::object{
        {"path", core::toValidUtf8(change.path)},
        {"changeType", git::changeTypeName(change.type)},
        {"insertions", change.insertions},
        {"deletions", change.deletions},
        {"binary", change.binary},
        {"diff", nullptr},
        {"diffTruncated", false},
    };
}

Response workspaceDiff(Request& req, store::Database& db) {
    core::Workspace workspace =
        workspace::requireWorkspace(db, req.params["id"], {.repository = true});
    std::filesystem::path dir = workspace.path;
    std::string base = baseRefOf(req, workspace);
    std::optional<std::string> only = pathFilter(req);
    if (!git::commitOf(dir, base))
        return fail(400, "Base \"" + base + "\" names no commit in the workspace's repository");

    git::ChangeSet changes = git::listChanges(dir, base);
    json::array files;
    std::size_t budget = kMaxWorkspaceDiffBytes;
    std::size_t diffed = 0;
    bool truncated = changes.truncated;
    for (const git::FileChange& change : changes.files) {
        if (only && change.path != *only) continue;
        json::object file = fileJson(change);
        if (!change.binary) {
            if (budget < kMinDiffBudget || diffed == kMaxDiffedFiles) {
                file["diffTruncated"] = true;
                truncated = true;
            } else {
                git::DiffText diff =
                    git::diffFile(dir, base, change.path, std::min(budget, kMaxFileDiffBytes));
                ++diffed;
                budget -= std::min(budget, diff.text.size());
                file["diff"] = core::toValidUtf8(diff.text);
                file["diffTruncated"] = diff.truncated;
                if (diff.truncated) truncated = true;
            }
        }
        files.push_back(std::move(file));
    }
    return ok(json::object{{"baseRef", base},
                           {"baseCommit", changes.baseCommit},
                           {"truncated", truncated},
                           {"files", std::move(files)}});
}

}  // namespace

void addDiffRoutes(Router& router, store::Database& db) {
    router.add("GET", "/api/workspaces/:id/diff",
               [&db](Request& req) { return answering([&] { return workspaceDiff(req, db); }); });
}

}  // namespace parawork::api
