// Checkpoints: the working tree's snapshot (git/snapshot_index) written as a tree; then the
// commit, with a fixed identity, and its ref in-process with libgit2 (W16: each git process
// costs a few ms).
#include "git/checkpoints.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/utf8_text.hpp"
#include "git/git_command.hpp"
#include "git/libgit2_handles.hpp"
#include "git/temporary_index.hpp"

namespace parawork::git {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRefRoot = "refs/parawork/checkpoints/";
constexpr std::string_view kSubjectPrefix = "Checkpoint: ";
/// Checkpoint names are the time in ms, zero-padded so that name order is time order.
constexpr int kNameDigits = 15;

using Env = std::vector<std::pair<std::string, std::string>>;

GitResult gitIn(const fs::path& worktree, std::vector<std::string> args, std::string_view what,
                Env env = {}) {
    GitCommand command;
    command.cwd = worktree;
    command.args = std::move(args);
    command.env = std::move(env);
    return runGitChecked(command, what);
}

std::optional<std::string> headCommit(git_repository* repo) {
    git_oid oid;
    int rc = git_reference_name_to_id(&oid, repo, "HEAD");
    if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return std::nullopt;  // unborn
    detail::check(rc, "cannot read HEAD");
    return std::string(git_oid_tostr_s(&oid));
}

/// The tree of the working tree as it is: tracked and untracked files, not ignored ones; from
/// the kept index when there is one.
std::string snapshotTree(git_repository* repo, const fs::path& worktree,
                         IncrementalSnapshot* incremental) {
    if (incremental) return incremental->index.tree(repo, worktree, incremental->changes);
    return SnapshotIndex().tree(repo, worktree, std::nullopt);
}

std::string refPrefix(std::string_view workspaceId) {
    validateCheckpointWorkspaceId(workspaceId);
    return std::string(kRefRoot) + std::string(workspaceId) + "/";
}

std::string cleanLabel(std::string_view label) {
    std::string text;
    for (char c : label) {
        auto u = static_cast<unsigned char>(c);
        text += (u < 0x20 || u == 0x7f) ? ' ' : c;
    }
    auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) return "checkpoint";
    text = text.substr(first, text.find_last_not_of(' ') - first + 1);
    if (text.size() > kMaxCheckpointLabelBytes) text.resize(kMaxCheckpointLabelBytes);
    return core::toValidUtf8(text);  // a cut in the middle of a character
}

std::int64_t nameTime(std::string_view ref) {
    std::string_view name = ref.substr(ref.rfind('/') + 1);
    std::int64_t value = 0;
    std::from_chars(name.data(), name.data() + name.size(), value);
    return value;
}

std::optional<Checkpoint> parseListLine(std::string_view line, std::string_view workspaceId) {
    std::vector<std::string_view> fields;
    for (std::size_t i = 0; i < 4; ++i) {
        std::size_t tab = line.find('\t');
        if (tab == std::string_view::npos) return std::nullopt;
        fields.push_back(line.substr(0, tab));
        line.remove_prefix(tab + 1);
    }
    Checkpoint c;
    c.id = fields[0];
    c.tree = fields[1];
    // The first parent (a checkpoint has one, or none when HEAD was unborn).
    if (!fields[2].empty()) c.head = std::string(fields[2].substr(0, fields[2].find(' ')));
    c.ref = fields[3];
    c.label = line.starts_with(kSubjectPrefix) ? line.substr(kSubjectPrefix.size()) : line;
    c.createdAt = nameTime(c.ref);
    c.workspaceId = workspaceId;
    return c;
}

/// Every checkpoint of the workspace, newest first.
std::vector<Checkpoint> allCheckpoints(const fs::path& worktree, std::string_view workspaceId) {
    std::string prefix = refPrefix(workspaceId);
    GitResult listed = gitIn(worktree,
                             {"for-each-ref", "--sort=-refname",
                              "--format=%(objectname)%09%(tree)%09%(parent)%09%(refname)%09%("
                              "contents:subject)",
                              "--end-of-options", prefix},
                             "cannot list checkpoints");
    std::vector<Checkpoint> out;
    std::string_view text = listed.out;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (auto c = parseListLine(line, workspaceId)) out.push_back(std::move(*c));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return out;
}

void deleteRefs(git_repository* repo, const std::vector<std::string>& doomed) {
    for (const std::string& ref : doomed) {
        int rc = git_reference_remove(repo, ref.c_str());
        if (rc != GIT_ENOTFOUND) detail::check(rc, "cannot delete " + ref);
    }
}

/// The names of the workspace's checkpoint refs, newest first.
std::vector<std::string> checkpointRefNames(git_repository* repo, const std::string& prefix) {
    git_reference_iterator* raw = nullptr;
    detail::check(git_reference_iterator_glob_new(&raw, repo, (prefix + "*").c_str()),
                  "cannot list checkpoints");
    detail::ReferenceIteratorPtr iterator(raw);
    std::vector<std::string> names;
    const char* name = nullptr;
    int rc = 0;
    while ((rc = git_reference_next_name(&name, iterator.get())) == 0) names.emplace_back(name);
    if (rc != GIT_ITEROVER) detail::check(rc, "cannot list checkpoints");
    std::sort(names.rbegin(), names.rend());
    return names;
}

git_oid parseOid(const std::string& hex) {
    git_oid oid;
    detail::check(git_oid_fromstr(&oid, hex.c_str()), "invalid object id " + hex);
    return oid;
}

detail::CommitPtr lookupCommit(git_repository* repo, const git_oid& oid) {
    git_commit* raw = nullptr;
    detail::check(git_commit_lookup(&raw, repo, &oid), "cannot read a checkpoint");
    return detail::CommitPtr(raw);
}

/// Whether the checkpoint `ref` holds `tree` on top of `head`.
bool holds(git_repository* repo, const std::string& ref, const std::string& tree,
           const std::optional<std::string>& head) {
    git_oid oid;
    detail::check(git_reference_name_to_id(&oid, repo, ref.c_str()), "cannot read " + ref);
    detail::CommitPtr commit = lookupCommit(repo, oid);
    std::optional<std::string> parent;
    if (git_commit_parentcount(commit.get()) > 0)
        parent = git_oid_tostr_s(git_commit_parent_id(commit.get(), 0));
    return git_oid_tostr_s(git_commit_tree_id(commit.get())) == tree && parent == head;
}

/// The checkpoint commit (no ref yet), by parawork, on top of `head` when there is one.
git_oid commitTree(git_repository* repo, const std::string& tree,
                   const std::optional<std::string>& head, const std::string& message) {
    git_signature* rawSignature = nullptr;
    detail::check(git_signature_now(&rawSignature, "parawork", "parawork@localhost"),
                  "cannot sign a checkpoint");
    detail::SignaturePtr signature(rawSignature);
    git_tree* rawTree = nullptr;
    git_oid treeOid = parseOid(tree);
    detail::check(git_tree_lookup(&rawTree, repo, &treeOid), "cannot read the checkpoint's tree");
    detail::TreePtr treeObject(rawTree);
    detail::CommitPtr parent;
    if (head) parent = lookupCommit(repo, parseOid(*head));
    const git_commit* parents[] = {parent.get()};
    git_oid commit;
    detail::check(
        git_commit_create(&commit, repo, nullptr, signature.get(), signature.get(), nullptr,
                          message.c_str(), treeObject.get(), parent ? 1 : 0, parents),
        "cannot commit a checkpoint");
    return commit;
}

std::string refName(const std::string& prefix, std::int64_t ms) {
    char digits[32];
    std::snprintf(digits, sizeof digits, "%0*lld", kNameDigits, static_cast<long long>(ms));
    return prefix + digits;
}

/// Stores `commit` under a fresh name later than `after`; returns the ref. Create only: another
/// checkpoint is never overwritten.
std::string storeRef(git_repository* repo, const std::string& prefix, const git_oid& commit,
                     std::int64_t after, std::int64_t& createdAt) {
    std::int64_t ms = std::max(core::nowMs(), after + 1);
    for (int attempt = 0;; ++attempt, ++ms) {
        std::string ref = refName(prefix, ms);
        git_reference* raw = nullptr;
        int rc = git_reference_create(&raw, repo, ref.c_str(), &commit, 0, "parawork checkpoint");
        if (rc == 0) {
            git_reference_free(raw);
            createdAt = ms;
            return ref;
        }
        if (rc != GIT_EEXISTS || attempt == 4) detail::check(rc, "cannot store a checkpoint");
    }
}

/// "M", "A", "D", "T" with a path, from `git diff-tree -z --name-status`.
struct TreeDelta {
    char status = 0;
    std::string path;
};

std::vector<TreeDelta> treeDeltas(const fs::path& worktree, const std::string& from,
                                  const std::string& to) {
    GitResult result = gitIn(worktree,
                             {"diff-tree", "-r", "-z", "--no-renames", "--name-status",
                              "--no-ext-diff", "--end-of-options", from, to},
                             "cannot compare checkpoints");
    if (result.outTruncated) throw core::Error("too many changed files to restore");
    std::vector<TreeDelta> out;
    std::string_view text = result.out;
    while (!text.empty()) {
        std::size_t statusEnd = text.find('\0');
        if (statusEnd == std::string_view::npos) break;
        std::size_t pathEnd = text.find('\0', statusEnd + 1);
        if (pathEnd == std::string_view::npos) break;
        out.push_back({text[0], std::string(text.substr(statusEnd + 1, pathEnd - statusEnd - 1))});
        text.remove_prefix(pathEnd + 1);
    }
    return out;
}

/// Removes `relative` and then its parent directories as long as they are empty.
void removeWorkingFile(const fs::path& worktree, const std::string& relative) {
    fs::path path = worktree / relative;
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) throw core::Error("cannot remove " + path.string() + ": " + ec.message());
    for (fs::path dir = path.parent_path();
         dir != worktree && dir.string().size() > worktree.string().size();
         dir = dir.parent_path()) {
        if (!fs::is_empty(dir, ec) || ec || !fs::remove(dir, ec)) break;
    }
}

/// Writes `paths` as they are in `tree`, through a temporary index that holds it.
void writeWorkingFiles(const fs::path& worktree, const std::string& tree,
                       const std::vector<std::string>& paths) {
    if (paths.empty()) return;
    detail::TemporaryIndex index(git_repository_path(detail::openWorkTree(worktree).get()), false);
    gitIn(worktree, {"read-tree", "--end-of-options", tree}, "cannot read the checkpoint",
          index.env());
    constexpr std::size_t kBatch = 500;  // paths per argv
    for (std::size_t i = 0; i < paths.size(); i += kBatch) {
        std::vector<std::string> args = {"checkout-index", "-f", "--"};
        std::size_t end = std::min(paths.size(), i + kBatch);
        args.insert(args.end(), paths.begin() + static_cast<std::ptrdiff_t>(i),
                    paths.begin() + static_cast<std::ptrdiff_t>(end));
        gitIn(worktree, std::move(args), "cannot write the checkpoint's files", index.env());
    }
}

/// One file's entry in a checkpoint diff, its diff text bounded by what is left of `budget`.
CheckpointFileDiff fileDiff(const fs::path& worktree, const std::string& from,
                            const std::string& to, const FileChange& change, std::size_t& budget,
                            std::size_t& diffed) {
    CheckpointFileDiff file{change, std::nullopt, false};
    if (change.binary) return file;
    constexpr std::size_t kMinBudget = std::size_t{16} << 10;
    if (budget < kMinBudget || diffed == kMaxCheckpointDiffedFiles) {
        file.diffTruncated = true;
        return file;
    }
    DiffText text = diffTreeFile(worktree, from, to, change.path,
                                 std::min(budget, kMaxCheckpointFileDiffBytes));
    ++diffed;
    budget -= std::min(budget, text.text.size());
    file.diff = std::move(text.text);
    file.diffTruncated = text.truncated;
    return file;
}

}  // namespace

void validateCheckpointWorkspaceId(std::string_view workspaceId) {
    if (!core::isUuid(workspaceId))
        throw core::Error("invalid workspace id \"" + core::toValidUtf8(workspaceId) +
                          "\": expected a UUID");
}

CreatedCheckpoint createCheckpoint(const fs::path& worktree, std::string_view workspaceId,
                                   std::string_view label, IncrementalSnapshot* incremental) {
    std::string prefix = refPrefix(workspaceId);
    detail::RepositoryPtr repo = detail::openWorkTree(worktree);
    std::string tree = snapshotTree(repo.get(), worktree, incremental);
    std::optional<std::string> head = headCommit(repo.get());
    std::vector<std::string> existing = checkpointRefNames(repo.get(), prefix);
    if (!existing.empty() && holds(repo.get(), existing.front(), tree, head))
        return {allCheckpoints(worktree, workspaceId).front(), false};

    Checkpoint c;
    c.label = cleanLabel(label);
    c.head = head;
    c.tree = tree;
    c.workspaceId = workspaceId;
    std::int64_t taken = core::nowMs();
    std::string message = std::string(kSubjectPrefix) + c.label +
                          "\n\nWorkspace: " + std::string(workspaceId) +
                          "\nTaken-At: " + std::to_string(taken) + "\n";
    git_oid commit = commitTree(repo.get(), tree, head, message);
    c.id = git_oid_tostr_s(&commit);
    std::int64_t after = existing.empty() ? 0 : nameTime(existing.front());
    c.ref = storeRef(repo.get(), prefix, commit, after, c.createdAt);

    // Bounded: the oldest go once there are more than the limit (the new one is first).
    if (existing.size() + 1 > kMaxCheckpointsPerWorkspace)
        deleteRefs(repo.get(),
                   std::vector<std::string>(existing.begin() + (kMaxCheckpointsPerWorkspace - 1),
                                            existing.end()));
    return {c, true};
}

std::vector<Checkpoint> listCheckpoints(const fs::path& worktree, std::string_view workspaceId) {
    std::vector<Checkpoint> all = allCheckpoints(worktree, workspaceId);
    if (all.size() > kMaxCheckpointsPerWorkspace) all.resize(kMaxCheckpointsPerWorkspace);
    return all;
}

std::optional<Checkpoint> findCheckpoint(const fs::path& worktree, std::string_view workspaceId,
                                         std::string_view id) {
    if (id.size() < 4 || id.size() > 40) return std::nullopt;
    std::string lower;
    for (char c : id) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    std::optional<Checkpoint> found;
    for (Checkpoint& c : allCheckpoints(worktree, workspaceId)) {
        if (!c.id.starts_with(lower)) continue;
        if (found) return std::nullopt;  // ambiguous
        found = std::move(c);
    }
    return found;
}

CheckpointDiff diffCheckpoints(const fs::path& worktree, const Checkpoint& from,
                               const std::optional<Checkpoint>& to) {
    CheckpointDiff out;
    out.from = from.id;
    out.to = to ? to->id : "worktree";
    std::string toTree =
        to ? to->tree : snapshotTree(detail::openWorkTree(worktree).get(), worktree, nullptr);
    ChangeSet changes = listTreeChanges(worktree, from.tree, toTree);
    out.truncated = changes.truncated;
    std::size_t budget = kMaxCheckpointDiffBytes;
    std::size_t diffed = 0;
    for (const FileChange& change : changes.files) {
        out.files.push_back(fileDiff(worktree, from.tree, toTree, change, budget, diffed));
        if (out.files.back().diffTruncated) out.truncated = true;
    }
    return out;
}

RestoredCheckpoint restoreCheckpoint(const fs::path& worktree, std::string_view workspaceId,
                                     const Checkpoint& target, IncrementalSnapshot* incremental) {
    RestoredCheckpoint out;
    out.restored = target;
    CreatedCheckpoint saved =
        createCheckpoint(worktree, workspaceId, "before restore", incremental);
    out.saved = std::move(saved.checkpoint);
    out.savedCreated = saved.created;
    moveWorkingFiles(worktree, out.saved.tree, target.tree);
    return out;
}

void moveWorkingFiles(const fs::path& worktree, const std::string& from, const std::string& to) {
    std::vector<std::string> rewrite;
    // Deletions first: a file may give way to a directory of the same name, and back.
    for (TreeDelta& delta : treeDeltas(worktree, from, to)) {
        if (delta.status == 'D')
            removeWorkingFile(worktree, delta.path);
        else
            rewrite.push_back(std::move(delta.path));
    }
    writeWorkingFiles(worktree, to, rewrite);
}

std::size_t deleteCheckpoints(const fs::path& worktree, std::string_view workspaceId) {
    std::vector<Checkpoint> all = allCheckpoints(worktree, workspaceId);
    std::vector<std::string> refs;
    for (const Checkpoint& c : all) refs.push_back(c.ref);
    deleteRefs(detail::openWorkTree(worktree).get(), refs);
    return all.size();
}

}  // namespace parawork::git
