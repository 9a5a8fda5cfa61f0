// Ahead/behind, sync by rebase or merge, and abort, with the git CLI: every call non-interactive
// (an editor that accepts, no terminal prompts), base refs validated and after
// "--end-of-options".
#include "git/branch_sync.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "git/git_command.hpp"
#include "git/git_lists.hpp"
#include "git/ref_names.hpp"
#include "git/repository_info.hpp"

namespace parawork::git {
namespace {

namespace fs = std::filesystem;

GitResult runIn(const fs::path& worktree, std::vector<std::string> args,
                std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    return runGit(nonInteractiveCommand(worktree, std::move(args), timeout));
}

/// The configured remote whose branch `base` names ("origin/main" → "origin"), or "".
std::string remoteOfBase(const fs::path& worktree, const std::string& base) {
    GitResult remotes = runIn(worktree, {"remote"});
    if (!remotes.ok()) return "";
    std::istringstream lines(remotes.out);
    for (std::string remote; std::getline(lines, remote);)
        if (!remote.empty() && base.starts_with(remote + "/")) return remote;
    return "";
}

int parseCount(std::string_view text) {
    int value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

std::string headOf(const fs::path& worktree) {
    return commitOf(worktree, "HEAD").value_or("");
}

std::optional<SyncMethod> methodInProgress(const fs::path& worktree) {
    std::error_code ec;
    if (fs::exists(gitDirPath(worktree, "rebase-merge"), ec) ||
        fs::exists(gitDirPath(worktree, "rebase-apply"), ec))
        return SyncMethod::Rebase;
    if (fs::exists(gitDirPath(worktree, "MERGE_HEAD"), ec)) return SyncMethod::Merge;
    return std::nullopt;
}

/// The commit HEAD returns to when the sync in progress is aborted.
std::string headBeforeSync(const fs::path& worktree, SyncMethod method) {
    if (method == SyncMethod::Merge) return headOf(worktree);
    for (const char* dir : {"rebase-merge", "rebase-apply"}) {
        std::ifstream in(gitDirPath(worktree, std::string(dir) + "/orig-head"));
        std::string id;
        if (in >> id) return id;
    }
    return "";
}

void refuseUnlessClean(const fs::path& worktree) {
    if (auto progress = methodInProgress(worktree))
        throw SyncRefused(std::string("A ") + std::string(toString(*progress)) +
                          " is in progress: resolve and continue it, or abort it first");
    std::vector<std::string> dirty = uncommittedFiles(worktree);
    if (!dirty.empty())
        throw SyncRefused("The workspace has " + std::to_string(dirty.size()) +
                          " uncommitted file(s) (" + dirty.front() +
                          (dirty.size() > 1 ? ", …" : "") + "): commit or discard them first");
}

}  // namespace

std::string_view toString(SyncMethod method) {
    return method == SyncMethod::Rebase ? "rebase" : "merge";
}

std::optional<SyncMethod> parseSyncMethod(std::string_view text) {
    if (text == "rebase") return SyncMethod::Rebase;
    if (text == "merge") return SyncMethod::Merge;
    return std::nullopt;
}

std::string_view toString(SyncResult result) {
    switch (result) {
        case SyncResult::UpToDate:
            return "up-to-date";
        case SyncResult::Synced:
            return "synced";
        case SyncResult::Conflicts:
            return "conflicts";
    }
    return "up-to-date";
}

BranchStanding branchStanding(const fs::path& worktree, const std::string& base, bool fetch) {
    validateBaseRef(base);
    BranchStanding standing;
    if (fetch) {
        if (std::string remote = remoteOfBase(worktree, base); !remote.empty()) {
            GitCommand fetch =
                nonInteractiveCommand(worktree, {"fetch", "--quiet", "--end-of-options", remote},
                                      std::chrono::seconds(120));
            useBatchSsh(fetch, worktree);
            GitResult fetched = runGit(fetch);
            standing.fetched = fetched.ok();
            if (!fetched.ok()) standing.fetchError = gitMessage(fetched);
        }
    }
    auto baseCommit = commitOf(worktree, base);
    if (!baseCommit) throw core::Error("the base \"" + base + "\" names no commit");
    standing.baseCommit = *baseCommit;
    standing.head = headOf(worktree);
    if (standing.head.empty()) return standing;
    GitResult counts = runIn(worktree, {"rev-list", "--left-right", "--count", "--end-of-options",
                                        standing.baseCommit + "..." + standing.head});
    if (!counts.ok()) throw core::Error("cannot compare with the base: " + gitMessage(counts));
    std::istringstream in(counts.out);
    std::string behind, ahead;
    in >> behind >> ahead;
    standing.behind = parseCount(behind);
    standing.ahead = parseCount(ahead);
    return standing;
}

std::vector<std::string> uncommittedFiles(const fs::path& worktree) {
    GitResult status = runIn(worktree, {"status", "--porcelain=v1", "-z", "--untracked-files=all"});
    if (!status.ok()) throw core::Error("cannot read the worktree's status: " + gitMessage(status));
    return statusPaths(status.out, kMaxListedFiles);
}

std::optional<SyncInProgress> syncInProgress(const fs::path& worktree) {
    auto method = methodInProgress(worktree);
    if (!method) return std::nullopt;
    GitResult conflicted = runIn(worktree, {"diff", "--name-only", "-z", "--diff-filter=U"});
    return SyncInProgress{*method, splitNulList(conflicted.out, kMaxListedFiles)};
}

SyncOutcome syncWithBase(const fs::path& worktree, const std::string& base, SyncMethod method) {
    validateBaseRef(base);
    refuseUnlessClean(worktree);
    auto baseCommit = commitOf(worktree, base);
    if (!baseCommit) throw core::Error("the base \"" + base + "\" names no commit");
    GitResult contained =
        runIn(worktree, {"merge-base", "--is-ancestor", "--end-of-options", *baseCommit, "HEAD"});
    if (contained.ok()) return {SyncResult::UpToDate, headOf(worktree), {}};

    std::vector<std::string> args =
        method == SyncMethod::Rebase
            ? std::vector<std::string>{"rebase", "--no-autostash", "--end-of-options", *baseCommit}
            : std::vector<std::string>{"merge",
                                       "--no-edit",
                                       "--no-autostash",
                                       "-m",
                                       "Merge " + base + " into the workspace branch",
                                       "--end-of-options",
                                       *baseCommit};
    GitResult run = runIn(worktree, std::move(args), std::chrono::minutes(5));
    if (run.ok()) return {SyncResult::Synced, headOf(worktree), {}};
    auto progress = syncInProgress(worktree);
    if (!progress)
        throw core::Error("the " + std::string(toString(method)) + " failed: " + gitMessage(run));
    return {SyncResult::Conflicts, headOf(worktree), std::move(progress->conflictedFiles)};
}

std::string abortSync(const fs::path& worktree) {
    auto method = methodInProgress(worktree);
    if (!method) throw SyncRefused("No rebase or merge is in progress");
    std::string before = headBeforeSync(worktree, *method);
    GitResult aborted = runIn(worktree, {std::string(toString(*method)), "--abort"});
    if (!aborted.ok())
        throw core::Error("cannot abort the " + std::string(toString(*method)) + ": " +
                          gitMessage(aborted));
    std::string head = headOf(worktree);
    if (methodInProgress(worktree) || (!before.empty() && head != before))
        throw core::Error("the " + std::string(toString(*method)) +
                          " was aborted but HEAD is not back at " + before);
    return head;
}

}  // namespace parawork::git
