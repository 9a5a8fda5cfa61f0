// Changed files and diffs of a working tree against the merge base with its base ref, with
// libgit2's tree-to-workdir-with-index diff (what `git diff <commit>` shows, plus untracked files).
#include "git/changes.hpp"

#include <optional>

#include "core/error.hpp"
#include "git/libgit2_handles.hpp"
#include "git/ref_names.hpp"

namespace parawork::git {
namespace {

using detail::check;

std::string oidHex(const git_oid& oid) {
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &oid);
    return hex;
}

/// The commit `baseRef` names, peeled from tags and refs.
git_oid baseCommitId(git_repository* repo, std::string_view baseRef,
                     const std::filesystem::path& worktree) {
    validateBaseRef(baseRef);
    git_object* raw = nullptr;
    int rc = git_revparse_single(&raw, repo, std::string(baseRef).c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC || rc == GIT_EAMBIGUOUS ||
        rc == GIT_EUNBORNBRANCH)
        throw core::Error("the base \"" + std::string(baseRef) + "\" names no commit in " +
                          worktree.string());
    check(rc, "cannot resolve the base \"" + std::string(baseRef) + "\"");
    detail::ObjectPtr object(raw);
    git_object* rawCommit = nullptr;
    check(git_object_peel(&rawCommit, object.get(), GIT_OBJECT_COMMIT),
          "the base \"" + std::string(baseRef) + "\" is not a commit");
    detail::ObjectPtr commit(rawCommit);
    return *git_object_id(commit.get());
}

/// Where HEAD left the base; the base itself when HEAD is unborn or shares no history with it.
git_oid comparisonPoint(git_repository* repo, const git_oid& base) {
    git_oid head;
    int rc = git_reference_name_to_id(&head, repo, "HEAD");
    if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return base;
    check(rc, "cannot read HEAD");
    git_oid mergeBase;
    rc = git_merge_base(&mergeBase, repo, &head, &base);
    if (rc == GIT_ENOTFOUND) return base;
    check(rc, "cannot find the merge base of HEAD and the base");
    return mergeBase;
}

/// The repository, the commit compared against and the diff, owned together.
struct Comparison {
    detail::RepositoryPtr repo;
    std::string baseCommit;
    detail::DiffPtr diff;
};

/// The options of every comparison here; `onlyPath` (kept alive by the caller, as `pathspec`)
/// limits it to one file.
git_diff_options diffOptions(std::optional<std::string>& onlyPath, char* (&pathspec)[1]) {
    git_diff_options options;
    check(git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION), "cannot set up a diff");
    options.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
                    GIT_DIFF_SHOW_UNTRACKED_CONTENT | GIT_DIFF_INCLUDE_TYPECHANGE;
    options.max_size = kMaxDiffedFileBytes;
    if (onlyPath) {
        // Literal: a file named "*.c" means that file, not every C file.
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
        pathspec[0] = onlyPath->data();
        options.pathspec = {pathspec, 1};
    }
    return options;
}

/// The diff of the working tree of `repo` (at `worktree`) against where HEAD left `baseRef`;
/// sets `baseCommit` to that commit.
detail::DiffPtr diffAgainstBase(git_repository* repo, const std::filesystem::path& worktree,
                                std::string_view baseRef, std::optional<std::string> onlyPath,
                                std::string& baseCommit) {
    git_oid point = comparisonPoint(repo, baseCommitId(repo, baseRef, worktree));
    baseCommit = oidHex(point);

    git_commit* rawCommit = nullptr;
    check(git_commit_lookup(&rawCommit, repo, &point), "cannot read the base commit");
    detail::CommitPtr commit(rawCommit);
    git_tree* rawTree = nullptr;
    check(git_commit_tree(&rawTree, commit.get()), "cannot read the base tree");
    detail::TreePtr tree(rawTree);

    char* pathspec[1] = {nullptr};
    git_diff_options options = diffOptions(onlyPath, pathspec);
    git_diff* rawDiff = nullptr;
    check(git_diff_tree_to_workdir_with_index(&rawDiff, repo, tree.get(), &options),
          "cannot compare " + worktree.string() + " with \"" + std::string(baseRef) + "\"");
    return detail::DiffPtr(rawDiff);
}

Comparison compare(const std::filesystem::path& worktree, std::string_view baseRef,
                   std::optional<std::string> onlyPath) {
    Comparison c;
    c.repo = detail::openWorkTree(worktree);
    c.diff = diffAgainstBase(c.repo.get(), worktree, baseRef, std::move(onlyPath), c.baseCommit);
    return c;
}

/// The tree of the commit (or tree) `id` names.
detail::TreePtr treeOf(git_repository* repo, std::string_view id) {
    git_oid oid;
    if (id.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, std::string(id).c_str()) != 0)
        throw core::Error("\"" + std::string(id) + "\" is not a full object id");
    git_object* raw = nullptr;
    check(git_object_lookup(&raw, repo, &oid, GIT_OBJECT_ANY), "no object " + std::string(id));
    detail::ObjectPtr object(raw);
    git_object* rawTree = nullptr;
    check(git_object_peel(&rawTree, object.get(), GIT_OBJECT_TREE),
          std::string(id) + " is not a commit or a tree");
    return detail::TreePtr(reinterpret_cast<git_tree*>(rawTree));
}

Comparison compareTrees(const std::filesystem::path& worktree, std::string_view from,
                        std::string_view to, std::optional<std::string> onlyPath) {
    Comparison c;
    c.repo = detail::openWorkTree(worktree);
    c.baseCommit = std::string(from);
    detail::TreePtr fromTree = treeOf(c.repo.get(), from);
    detail::TreePtr toTree = treeOf(c.repo.get(), to);
    char* pathspec[1] = {nullptr};
    git_diff_options options = diffOptions(onlyPath, pathspec);
    git_diff* rawDiff = nullptr;
    check(git_diff_tree_to_tree(&rawDiff, c.repo.get(), fromTree.get(), toTree.get(), &options),
          "cannot compare " + std::string(from) + " with " + std::string(to));
    c.diff.reset(rawDiff);
    return c;
}

std::optional<ChangeType> changeTypeOf(git_delta_t status) {
    switch (status) {
        case GIT_DELTA_ADDED:
        case GIT_DELTA_UNTRACKED:
            return ChangeType::Created;
        case GIT_DELTA_DELETED:
            return ChangeType::Deleted;
        case GIT_DELTA_MODIFIED:
        case GIT_DELTA_TYPECHANGE:
        case GIT_DELTA_RENAMED:
        case GIT_DELTA_COPIED:
        case GIT_DELTA_CONFLICTED:
            return ChangeType::Modified;
        default:
            return std::nullopt;  // unmodified, ignored, unreadable
    }
}

/// Collects printed diff lines until the limit.
struct DiffCollector {
    std::size_t limit;
    DiffText result;

    /// libgit2 stops printing when the callback returns non-zero and passes that value back.
    static constexpr int kStop = 1;

    static int onLine(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line,
                      void* payload) {
        auto& self = *static_cast<DiffCollector*>(payload);
        std::string piece;
        // Content lines come without their '+', '-' or ' '; headers come whole.
        if (line->origin == GIT_DIFF_LINE_CONTEXT || line->origin == GIT_DIFF_LINE_ADDITION ||
            line->origin == GIT_DIFF_LINE_DELETION)
            piece += line->origin;
        piece.append(line->content, line->content_len);
        return self.append(piece);
    }

    int append(const std::string& piece) {
        std::string& text = result.text;
        if (text.size() + piece.size() <= limit) {
            text += piece;
            return 0;
        }
        text.append(piece, 0, limit - text.size());
        std::size_t lastNewline = text.rfind('\n');
        if (lastNewline != std::string::npos) text.resize(lastNewline + 1);
        result.truncated = true;
        return kStop;
    }
};

DiffText printDiff(git_diff* diff, std::size_t limit) {
    DiffCollector collector{limit, {}};
    int rc = git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, &DiffCollector::onLine, &collector);
    if (rc != DiffCollector::kStop) check(rc, "cannot print a diff");
    return std::move(collector.result);
}

std::string checkedRelativePath(std::string_view path) {
    std::string text(path);
    auto refuse = [&](std::string_view why) {
        throw core::Error("invalid file path \"" + text + "\": " + std::string(why));
    };
    if (text.empty()) refuse("it is empty");
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) refuse("it contains a control character");
    }
    std::filesystem::path p(text);
    if (p.is_absolute()) refuse("it must be relative to the working tree");
    for (const auto& part : p) {
        if (part == "..") refuse("'..' is not allowed");
    }
    std::string normal = p.lexically_normal().generic_string();
    if (normal == "." || normal.empty()) refuse("it names the working tree itself");
    return normal;
}

}  // namespace

std::string_view changeTypeName(ChangeType type) {
    switch (type) {
        case ChangeType::Created:
            return "created";
        case ChangeType::Deleted:
            return "deleted";
        case ChangeType::Modified:
            break;
    }
    return "modified";
}

namespace {

/// The changed files of a comparison, bounded by kMaxChangedFiles.
ChangeSet collectChanges(const Comparison& c) {
    ChangeSet changes;
    changes.baseCommit = c.baseCommit;
    std::size_t count = git_diff_num_deltas(c.diff.get());
    for (std::size_t i = 0; i < count; ++i) {
        const git_diff_delta* delta = git_diff_get_delta(c.diff.get(), i);
        std::optional<ChangeType> type = changeTypeOf(delta->status);
        if (!type) continue;
        if (changes.files.size() == kMaxChangedFiles) {
            changes.truncated = true;
            break;
        }
        // Loading the patch reads the contents, which is also when binary files are detected.
        git_patch* rawPatch = nullptr;
        check(git_patch_from_diff(&rawPatch, c.diff.get(), i), "cannot diff a file");
        detail::PatchPtr patch(rawPatch);
        FileChange change;
        change.type = *type;
        change.path = *type == ChangeType::Deleted ? delta->old_file.path : delta->new_file.path;
        const git_diff_delta* loaded = patch ? git_patch_get_delta(patch.get()) : delta;
        change.binary = (loaded->flags & GIT_DIFF_FLAG_BINARY) != 0;
        if (patch && !change.binary) {
            std::size_t context = 0;
            check(
                git_patch_line_stats(&context, &change.insertions, &change.deletions, patch.get()),
                "cannot count changed lines");
        }
        changes.files.push_back(std::move(change));
    }
    return changes;
}

}  // namespace

ChangeSet listChanges(const std::filesystem::path& worktree, std::string_view baseRef) {
    return collectChanges(compare(worktree, baseRef, std::nullopt));
}

ChangeSet listTreeChanges(const std::filesystem::path& worktree, std::string_view from,
                          std::string_view to) {
    return collectChanges(compareTrees(worktree, from, to, std::nullopt));
}

DiffText diffTreeFile(const std::filesystem::path& worktree, std::string_view from,
                      std::string_view to, std::string_view path, std::size_t limit) {
    std::string relative = checkedRelativePath(path);
    Comparison c = compareTrees(worktree, from, to, relative);
    return printDiff(c.diff.get(), limit);
}

DiffText diffAll(const std::filesystem::path& worktree, std::string_view baseRef,
                 std::size_t limit) {
    Comparison c = compare(worktree, baseRef, std::nullopt);
    return printDiff(c.diff.get(), limit);
}

DiffText diffFile(const std::filesystem::path& worktree, std::string_view baseRef,
                  std::string_view path, std::size_t limit) {
    std::string relative = checkedRelativePath(path);
    Comparison c = compare(worktree, baseRef, relative);
    return printDiff(c.diff.get(), limit);
}

DiffText diffFile(git_repository* repo, const std::filesystem::path& worktree,
                  std::string_view baseRef, std::string_view path, std::size_t limit) {
    std::string relative = checkedRelativePath(path);
    std::string baseCommit;
    detail::DiffPtr diff = diffAgainstBase(repo, worktree, baseRef, relative, baseCommit);
    return printDiff(diff.get(), limit);
}

}  // namespace parawork::git
