// Hidden refs for archived branches and the restore of a worktree and its uncommitted work.
#include "git/archived_branches.hpp"

#include <cctype>

#include "core/error.hpp"
#include "git/git_command.hpp"
#include "git/git_lists.hpp"
#include "git/ref_names.hpp"
#include "git/repository_info.hpp"
#include "git/worktrees.hpp"

namespace parawork::git {
namespace {

namespace fs = std::filesystem;

GitCommand gitIn(const fs::path& dir, std::vector<std::string> args) {
    return nonInteractiveCommand(dir, std::move(args), std::chrono::minutes(2));
}

/// `workspaceId` when it is plain letters, digits and dashes (a UUID), fit for a ref name.
const std::string& checkedId(const std::string& workspaceId) {
    bool plain = !workspaceId.empty() && workspaceId.size() <= 64;
    for (char c : workspaceId)
        plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '-');
    if (!plain) throw core::Error("invalid workspace id \"" + workspaceId + "\"");
    return workspaceId;
}

}  // namespace

std::string archivedRef(const std::string& workspaceId) {
    return "refs/parawork/archived/" + checkedId(workspaceId);
}

void keepArchivedTip(const fs::path& repo, const std::string& workspaceId,
                     const std::string& branch) {
    validateBranchName(branch);
    auto tip = commitOf(repo, "refs/heads/" + branch);
    if (!tip) throw core::Error("there is no branch \"" + branch + "\" to archive");
    runGitChecked(gitIn(repo, {"update-ref", "-m", "parawork: archived", "--end-of-options",
                               archivedRef(workspaceId), *tip}),
                  "cannot keep the archived branch");
}

void forgetArchivedTip(const fs::path& repo, const std::string& workspaceId) {
    std::string ref = archivedRef(workspaceId);
    if (!hasReference(repo, ref)) return;
    runGitChecked(gitIn(repo, {"update-ref", "-d", "--end-of-options", ref}),
                  "cannot delete the archived branch's ref");
}

void restoreArchivedWorktree(const fs::path& repo, const std::string& workspaceId,
                             const std::string& branch, const fs::path& path) {
    validateBranchName(branch);
    if (!hasReference(repo, "refs/heads/" + branch)) {
        auto kept = commitOf(repo, archivedRef(workspaceId));
        if (!kept)
            throw core::Error("the branch \"" + branch + "\" is gone and no archived copy is kept");
        runGitChecked(gitIn(repo, {"branch", "--no-track", "--end-of-options", branch, *kept}),
                      "cannot make the branch again");
    }
    std::error_code ec;
    if (fs::exists(path, ec))
        throw core::Error(path.string() + " exists: move it away to unarchive here");
    auto lock = lockWorktreesOf(repo);
    runGit(gitIn(repo, {"worktree", "prune"}));
    runGitChecked(gitIn(repo, {"worktree", "add", "--end-of-options", path.string(), branch}),
                  "cannot add the worktree again");
}

}  // namespace parawork::git
