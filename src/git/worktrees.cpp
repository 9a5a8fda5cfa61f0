// Creating and removing workspace worktrees with the git CLI. Names are validated before git
// sees them, refs and paths follow "--end-of-options", and a failed creation is rolled back.
#include "git/worktrees.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <map>
#include <memory>
#include <mutex>

#include "core/error.hpp"
#include "git/git_command.hpp"
#include "git/ref_names.hpp"
#include "git/repository_info.hpp"
#include "git/worktree_copies.hpp"

namespace parawork::git {
namespace {

namespace fs = std::filesystem;

/// `<slug>`, `<slug>-2`, … `<slug>-100`: past that, something else is wrong.
constexpr int kMaxSuffix = 100;

/// Serializes git's worktree commands per repository. `git worktree add` lists the other
/// worktrees while it works and fails on one that a concurrent add has only half written
/// ("failed to read .git/worktrees/<id>/commondir"), so in this process one add, remove or prune
/// runs at a time per repository. One mutex per repository ever seen; never freed (a few bytes
/// per registered repository).
std::unique_lock<std::mutex> lockWorktrees(const fs::path& gitDir) {
    static std::mutex registryMutex;
    static std::map<std::string, std::unique_ptr<std::mutex>> registry;
    std::mutex* mutex = nullptr;
    {
        std::lock_guard lock(registryMutex);
        auto& slot = registry[gitDir.string()];
        if (!slot) slot = std::make_unique<std::mutex>();
        mutex = slot.get();
    }
    return std::unique_lock(*mutex);
}

GitCommand gitIn(const fs::path& cwd, std::vector<std::string> args,
                 std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    GitCommand command;
    command.cwd = cwd;
    command.args = std::move(args);
    command.timeout = timeout;
    return command;
}

/// Where git commands run: the main checkout, so that removing a worktree never runs inside it.
fs::path gitDirectoryOf(const RepositoryInfo& info) {
    return info.mainRoot.empty() ? info.root : info.mainRoot;
}

bool branchExists(const fs::path& root, const std::string& branch) {
    return hasReference(root, "refs/heads/" + branch);
}

struct Reservation {
    fs::path dir;
    std::string branch;
};

/// Picks the first free name and claims its directory with mkdir, which is atomic: two
/// concurrent creations of the same slug get different directories and so different branches.
Reservation reserve(const fs::path& root, const fs::path& parent, const WorktreeSpec& spec) {
    for (int n = 1; n <= kMaxSuffix; ++n) {
        std::string name = n == 1 ? spec.slug : spec.slug + "-" + std::to_string(n);
        std::string branch = spec.branchPrefix + name;
        if (branchExists(root, branch)) continue;
        fs::path dir = parent / name;
        if (::mkdir(dir.c_str(), 0777) == 0) return {dir, branch};
        if (errno != EEXIST)
            core::throwErrno("cannot create the worktree directory " + dir.string());
    }
    throw core::Error("cannot create a worktree for \"" + spec.slug + "\": the names " + spec.slug +
                      " to " + spec.slug + "-" + std::to_string(kMaxSuffix) + " are all taken");
}

/// Undoes a half-made worktree unless dismissed: git may have registered the worktree and created
/// the branch before failing, and the directory is ours either way.
class CreationGuard {
  public:
    CreationGuard(fs::path gitDir, Reservation reservation)
        : gitDir_(std::move(gitDir)), reservation_(std::move(reservation)) {}
    ~CreationGuard() {
        if (armed_) rollback();
    }
    CreationGuard(const CreationGuard&) = delete;
    CreationGuard& operator=(const CreationGuard&) = delete;
    void dismiss() { armed_ = false; }

  private:
    void rollback() noexcept {
        try {
            auto lock = lockWorktrees(gitDir_);
            const fs::path& dir = reservation_.dir;
            std::error_code ec;
            if (fs::exists(dir / ".git", ec))
                runGit(gitIn(gitDir_,
                             {"worktree", "remove", "--force", "--end-of-options", dir.string()}));
            fs::remove_all(dir, ec);
            runGit(gitIn(gitDir_, {"worktree", "prune"}));
            if (branchExists(gitDir_, reservation_.branch))
                runGit(gitIn(gitDir_, {"branch", "-D", "--end-of-options", reservation_.branch}));
        } catch (...) {
            // Best effort: the error that brought us here is the one worth reporting.
        }
    }

    fs::path gitDir_;
    Reservation reservation_;
    bool armed_ = true;
};

/// The checks that need no file system changes, so a refusal leaves nothing behind.
std::string checkedBase(const WorktreeSpec& spec, const RepositoryInfo& info) {
    if (spec.slug.empty() || slugify(spec.slug) != spec.slug)
        throw core::Error("invalid workspace slug \"" + spec.slug +
                          "\": use lower-case letters, digits and single dashes");
    validateBranchName(spec.branchPrefix + spec.slug);
    std::string base = spec.baseRef.empty() ? defaultBaseRef(info.root) : spec.baseRef;
    validateBaseRef(base);
    if (!commitOf(info.root, base))
        throw core::Error("the base \"" + base + "\" names no commit in " + info.root.string());
    return base;
}

fs::path worktreeParent(const WorktreeSpec& spec, const fs::path& sourceRoot) {
    if (spec.worktreeBase.empty()) throw core::Error("no worktree base directory is configured");
    fs::path parent = fs::absolute(spec.worktreeBase) / slugify(sourceRoot.filename().string());
    try {
        fs::create_directories(parent);
        return fs::canonical(parent);
    } catch (const fs::filesystem_error& e) {
        throw core::Error("cannot create the worktree directory " + parent.string() + ": " +
                          e.code().message());
    }
}

}  // namespace

std::unique_lock<std::mutex> lockWorktreesOf(const fs::path& repoRoot) {
    return lockWorktrees(gitDirectoryOf(readRepository(repoRoot)));
}

Worktree createWorktree(const WorktreeSpec& spec) {
    RepositoryInfo info = readRepository(spec.repoRoot);
    fs::path gitDir = gitDirectoryOf(info);
    std::string base = checkedBase(spec, info);

    std::vector<std::string> patterns = readWorktreeInclude(gitDir);
    patterns.insert(patterns.end(), spec.copyFiles.begin(), spec.copyFiles.end());
    CopyPlan plan = planCopies(gitDir, patterns);

    Reservation reservation = reserve(gitDir, worktreeParent(spec, gitDir), spec);
    CreationGuard guard(gitDir, reservation);
    Worktree made{reservation.dir, reservation.branch, base, {}};
    // --no-track: a workspace branch must not push to the base by accident, and setting up
    // tracking writes .git/config, whose lock makes concurrent creations fail.
    GitCommand add = gitIn(gitDir,
                           {"worktree", "add", "--no-track", "-b", made.branch, "--end-of-options",
                            made.path.string(), base},
                           spec.timeout);
    GitResult result = [&] {
        auto lock = lockWorktrees(gitDir);
        return runGit(add);
    }();
    if (!result.ok())
        throw core::Error("cannot create the worktree " + made.path.string() + " from \"" + base +
                          "\": " + gitMessage(result));
    made.copiedFiles = copyIntoWorktree(gitDir, made.path, plan);
    guard.dismiss();
    return made;
}

void removeWorktree(const fs::path& repoRoot, const fs::path& worktreePath, std::string_view branch,
                    bool deleteBranch) {
    if (deleteBranch) validateBranchName(branch);
    RepositoryInfo info = readRepository(repoRoot);
    fs::path gitDir = gitDirectoryOf(info);
    std::error_code ec;
    fs::path target = fs::weakly_canonical(fs::absolute(worktreePath), ec);
    if (ec) target = fs::absolute(worktreePath).lexically_normal();
    if (target == fs::weakly_canonical(gitDir, ec))
        throw core::Error("refusing to remove " + target.string() +
                          ": it is the repository's main checkout");

    auto lock = lockWorktrees(gitDir);
    if (fs::exists(fs::symlink_status(target, ec))) {
        GitResult result = runGit(
            gitIn(gitDir, {"worktree", "remove", "--force", "--end-of-options", target.string()}));
        if (!result.ok())
            throw core::Error("cannot remove the worktree " + target.string() +
                              " (left in place): " + gitMessage(result));
    } else {
        // Already deleted by hand: only git's record of it remains.
        runGitChecked(gitIn(gitDir, {"worktree", "prune"}), "cannot prune worktrees");
    }
    std::string name(branch);
    if (deleteBranch && branchExists(gitDir, name))
        runGitChecked(gitIn(gitDir, {"branch", "-D", "--end-of-options", name}),
                      "cannot delete the branch " + name);
}

}  // namespace parawork::git
