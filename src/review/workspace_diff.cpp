#include "review/workspace_diff.hpp"

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "core/utf8_text.hpp"
#include "git/changes.hpp"
#include "git/ref_names.hpp"
#include "git/repository_info.hpp"
#include "workspace/workspace_lookup.hpp"

namespace parawork::review {
namespace {

namespace json = boost::json;

[[noreturn]] void refusePath(const std::string& why) {
    throw core::ServiceError(400, "path: " + why);
}

/// The path filter, checked: relative to the working tree, no "..", no control characters.
std::optional<std::string> pathFilter(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    if (text->empty() || text->size() > 4096) refusePath("expected 1 to 4096 characters");
    for (unsigned char c : *text)
        if (c < 0x20 || c == 0x7f) refusePath("control characters are not allowed");
    std::filesystem::path p{*text};
    if (p.is_absolute()) refusePath("must be relative to the working tree");
    for (const auto& part : p)
        if (part == "..") refusePath("'..' is not allowed");
    std::string normal = p.lexically_normal().generic_string();
    if (normal.empty() || normal == ".") refusePath("must name a file");
    if (normal.ends_with('/')) normal.pop_back();
    return normal;
}

/// The base to compare with: the one asked for, else the workspace's base branch, else HEAD.
std::string baseRefOf(const std::optional<std::string>& asked, const core::Workspace& workspace) {
    if (asked) {
        if (auto problem = git::baseRefProblem(*asked))
            throw core::ServiceError(400, "base: " + *problem);
        return *asked;
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

}  // namespace

json::object workspaceDiff(store::Database& db, const std::string& workspaceId,
                           const DiffRequest& request) {
    core::Workspace workspace = workspace::requireWorkspace(db, workspaceId, {.repository = true});
    std::filesystem::path dir = workspace.path;
    std::string base = baseRefOf(request.base, workspace);
    std::optional<std::string> only = pathFilter(request.path);
    if (!git::commitOf(dir, base))
        throw core::ServiceError(
            400, "Base \"" + base + "\" names no commit in the workspace's repository");

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
    return json::object{{"baseRef", base},
                        {"baseCommit", changes.baseCommit},
                        {"truncated", truncated},
                        {"files", std::move(files)}};
}

}  // namespace parawork::review
