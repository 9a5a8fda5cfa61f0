// Merge back with plumbing only: merge-tree computes the tree, commit-tree makes the commit, and
// the base moves by a fast-forward in the worktree that has it checked out or by a
// compare-and-swap ref update. No worktree's files change except by that fast-forward.
#include "git/merge_back.hpp"

#include "git/branch_sync.hpp"
#include "git/git_command.hpp"
#include "git/git_lists.hpp"
#include "git/ref_names.hpp"
#include "git/repository_info.hpp"

namespace parawork::git {
namespace {

namespace fs = std::filesystem;

GitResult runIn(const fs::path& dir, std::vector<std::string> args) {
    return runGit(nonInteractiveCommand(dir, std::move(args)));
}

std::string commitOfBranch(const fs::path& repo, const std::string& branch) {
    auto id = commitOf(repo, "refs/heads/" + branch);
    if (!id) throw core::Error("there is no local branch \"" + branch + "\"");
    return *id;
}

bool isAncestor(const fs::path& repo, const std::string& older, const std::string& newer) {
    return runIn(repo, {"merge-base", "--is-ancestor", "--end-of-options", older, newer}).ok();
}

void validateMessage(const std::string& message) {
    if (auto problem = mergeMessageProblem(message))
        throw core::Error("the merge message " + *problem);
}

/// The worktree that has `base` checked out, or "" when none does.
fs::path checkoutOf(const fs::path& repo, const std::string& base) {
    GitResult list = runIn(repo, {"worktree", "list", "--porcelain", "-z"});
    if (!list.ok()) throw core::Error("cannot list the worktrees: " + gitMessage(list));
    std::string current;
    for (const std::string& field : splitNulListAll(list.out)) {
        if (field.starts_with("worktree ")) current = field.substr(9);
        if (field == "branch refs/heads/" + base) return current;
    }
    return {};
}

/// The commit `mode` makes of `check` (no ref moves).
std::string resultCommit(const MergeRequest& request, const MergeCheck& check, MergeMode mode) {
    if (mode == MergeMode::FastForward) return check.head;
    std::string message = request.message;
    if (message.empty())
        message = mode == MergeMode::Squash ? "Squashed merge of branch '" + request.branch + "'"
                                            : "Merge branch '" + request.branch + "'";
    std::vector<std::string> args{"commit-tree", "-m", message, "-p", check.baseCommit};
    if (mode == MergeMode::Merge) args.insert(args.end(), {"-p", check.head});
    args.insert(args.end(), {"--end-of-options", check.tree});
    GitResult made = runIn(request.repo, std::move(args));
    if (!made.ok()) throw core::Error("cannot make the merge commit: " + gitMessage(made));
    return firstLine(made.out);
}

MergeMode chosenMode(const MergeRequest& request, const MergeCheck& check) {
    if (check.alreadyMerged)
        throw MergeRefused(MergeRefusal::NothingToMerge, "Nothing to merge: " + request.base +
                                                             " already contains " + request.branch);
    if (!check.clean)
        throw MergeRefused(MergeRefusal::Conflicts,
                           "Merging " + request.branch + " into " + request.base +
                               " conflicts: sync the workspace with its base first",
                           check.conflictedFiles);
    MergeMode mode =
        request.mode.value_or(check.fastForward ? MergeMode::FastForward : MergeMode::Merge);
    if (mode == MergeMode::FastForward && !check.fastForward)
        throw MergeRefused(MergeRefusal::FastForwardImpossible,
                           "Cannot fast-forward " + request.base + " to " + request.branch +
                               ": the base has commits the branch lacks (sync first, or merge)");
    return mode;
}

/// Advances the base checked out at `checkout` to `result` with a fast-forward there.
void advanceCheckout(const fs::path& checkout, const std::string& base, const std::string& old,
                     const std::string& result) {
    GitResult dirty = runIn(checkout, {"status", "--porcelain=v1", "-z", "--untracked-files=no"});
    if (!dirty.ok() || !dirty.out.empty())
        throw MergeRefused(MergeRefusal::BaseDirty,
                           base + " is checked out at " + checkout.string() +
                               " with local changes: commit or stash them there, then merge "
                               "again");
    if (commitOf(checkout, "HEAD").value_or("") != old)
        throw MergeRefused(MergeRefusal::BaseMoved,
                           base + " moved while merging: check the merge again");
    GitResult moved =
        runIn(checkout, {"merge", "--ff-only", "--quiet", "--end-of-options", result});
    if (!moved.ok())
        throw MergeRefused(
            MergeRefusal::BaseDirty,
            "Cannot advance " + base + " in " + checkout.string() + ": " + gitMessage(moved));
}

void updateRef(const fs::path& repo, const std::string& base, const std::string& old,
               const std::string& result) {
    GitResult moved = runIn(repo, {"update-ref", "-m", "parawork: merge", "--end-of-options",
                                   "refs/heads/" + base, result, old});
    if (!moved.ok())
        throw MergeRefused(MergeRefusal::BaseMoved,
                           base +
                               " moved while merging (nothing was changed): check the merge "
                               "again");
}

}  // namespace

std::string_view toString(MergeMode mode) {
    switch (mode) {
        case MergeMode::FastForward:
            return "ff";
        case MergeMode::Merge:
            return "merge";
        case MergeMode::Squash:
            return "squash";
    }
    return "merge";
}

std::optional<MergeMode> parseMergeMode(std::string_view text) {
    if (text == "ff") return MergeMode::FastForward;
    if (text == "merge") return MergeMode::Merge;
    if (text == "squash") return MergeMode::Squash;
    return std::nullopt;
}

std::optional<std::string> mergeMessageProblem(const std::string& message) {
    if (message.size() > kMaxMergeMessageBytes)
        return "is longer than " + std::to_string(kMaxMergeMessageBytes) + " bytes";
    for (unsigned char c : message)
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return std::string("contains a control character");
    return std::nullopt;
}

MergeCheck checkMerge(const fs::path& repo, const std::string& branch, const std::string& base) {
    validateBranchName(branch);
    validateBranchName(base);
    MergeCheck check;
    check.head = commitOfBranch(repo, branch);
    check.baseCommit = commitOfBranch(repo, base);
    check.fastForward = isAncestor(repo, check.baseCommit, check.head);
    check.alreadyMerged = isAncestor(repo, check.head, check.baseCommit);
    GitResult merged = runIn(repo, {"merge-tree", "--write-tree", "--name-only", "--no-messages",
                                    "-z", "--end-of-options", check.baseCommit, check.head});
    if (merged.exitCode != 0 && merged.exitCode != 1)
        throw core::Error("cannot compute the merge: " + gitMessage(merged));
    std::vector<std::string> fields = splitNulList(merged.out, kMaxListedFiles + 1);
    if (fields.empty()) throw core::Error("git merge-tree gave no tree");
    check.tree = fields.front();
    check.clean = merged.exitCode == 0;
    if (!check.clean) check.conflictedFiles.assign(fields.begin() + 1, fields.end());
    return check;
}

MergeOutcome mergeIntoBase(const MergeRequest& request) {
    validateMessage(request.message);
    MergeCheck check = checkMerge(request.repo, request.branch, request.base);
    MergeMode mode = chosenMode(request, check);
    std::string result = resultCommit(request, check, mode);
    fs::path checkout = checkoutOf(request.repo, request.base);
    if (request.beforeUpdate) request.beforeUpdate();
    if (checkout.empty())
        updateRef(request.repo, request.base, check.baseCommit, result);
    else
        advanceCheckout(checkout, request.base, check.baseCommit, result);
    return {mode, result, check.baseCommit};
}

}  // namespace parawork::git
