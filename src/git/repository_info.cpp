// Reading a repository's shape with libgit2: working tree, HEAD, origin/HEAD, remotes, branches.
#include "git/repository_info.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "git/libgit2_handles.hpp"

namespace parawork::git {
namespace {

using detail::check;

std::filesystem::path withoutTrailingSlash(const char* dir) {
    std::filesystem::path p(dir);
    return p.has_filename() ? p : p.parent_path();
}

/// The branch HEAD names, even when it is unborn; nullopt when HEAD is detached.
std::optional<std::string> headBranch(git_repository* repo) {
    git_reference* raw = nullptr;
    int rc = git_reference_lookup(&raw, repo, "HEAD");
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "cannot read HEAD");
    detail::ReferencePtr head(raw);
    if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) return std::nullopt;
    std::string_view target = git_reference_symbolic_target(head.get());
    constexpr std::string_view kHeads = "refs/heads/";
    if (!target.starts_with(kHeads)) return std::nullopt;
    return std::string(target.substr(kHeads.size()));
}

/// The branch refs/remotes/origin/HEAD points at ("main"), if it is set.
std::optional<std::string> originHeadBranch(git_repository* repo) {
    git_reference* raw = nullptr;
    int rc = git_reference_lookup(&raw, repo, "refs/remotes/origin/HEAD");
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "cannot read origin/HEAD");
    detail::ReferencePtr ref(raw);
    if (git_reference_type(ref.get()) != GIT_REFERENCE_SYMBOLIC) return std::nullopt;
    std::string_view target = git_reference_symbolic_target(ref.get());
    constexpr std::string_view kOrigin = "refs/remotes/origin/";
    if (!target.starts_with(kOrigin) || target.size() == kOrigin.size()) return std::nullopt;
    return std::string(target.substr(kOrigin.size()));
}

/// remote.origin.url as configured. Read from the configuration rather than with
/// git_remote_lookup: libgit2 1.5's insteadOf rewriting leaks a PCRE2 match block for every
/// configuration entry it scans (libgit2 PR #6382, fixed after 1.5), ~20 KiB per lookup.
std::optional<std::string> originUrl(git_repository* repo) {
    git_config* rawConfig = nullptr;
    check(git_repository_config_snapshot(&rawConfig, repo), "cannot read the git configuration");
    detail::ConfigPtr config(rawConfig);
    const char* url = nullptr;
    int rc = git_config_get_string(&url, config.get(), "remote.origin.url");
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "cannot read remote.origin.url");
    return std::string(url);
}

/// The main checkout of a linked worktree's repository, or null when it is bare.
detail::RepositoryPtr openMain(git_repository* repo) {
    git_repository* raw = nullptr;
    check(git_repository_open(&raw, git_repository_commondir(repo)),
          "cannot open the main repository of a worktree");
    detail::RepositoryPtr main(raw);
    if (git_repository_is_bare(main.get()) || git_repository_workdir(main.get()) == nullptr)
        return nullptr;
    return main;
}

bool hasReferenceIn(git_repository* repo, const std::string& fullName) {
    git_oid oid;
    int rc = git_reference_name_to_id(&oid, repo, fullName.c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) return false;
    check(rc, "cannot read " + fullName);
    return true;
}

}  // namespace

bool isRepository(const std::filesystem::path& path) {
    detail::RepositoryPtr repo = detail::openRepository(path);
    return repo && !git_repository_is_bare(repo.get()) &&
           git_repository_workdir(repo.get()) != nullptr;
}

RepositoryInfo readRepository(const std::filesystem::path& path) {
    detail::RepositoryPtr repo = detail::openWorkTree(path);
    RepositoryInfo info;
    info.root = withoutTrailingSlash(git_repository_workdir(repo.get()));
    info.isLinkedWorktree = git_repository_is_worktree(repo.get()) == 1;
    info.currentBranch = headBranch(repo.get());
    info.hasCommits = check(git_repository_head_unborn(repo.get()), "cannot read HEAD") == 0;
    info.originUrl = originUrl(repo.get());

    std::optional<std::string> mainBranch = info.currentBranch;
    if (info.isLinkedWorktree) {
        detail::RepositoryPtr main = openMain(repo.get());
        if (main) {
            info.mainRoot = withoutTrailingSlash(git_repository_workdir(main.get()));
            mainBranch = headBranch(main.get());
        }
    } else {
        info.mainRoot = info.root;
    }
    if (auto fromOrigin = originHeadBranch(repo.get())) {
        info.defaultBranch = *fromOrigin;
    } else {
        info.defaultBranch = mainBranch.value_or("main");
    }
    return info;
}

std::vector<std::string> listLocalBranches(const std::filesystem::path& path) {
    detail::RepositoryPtr repo = detail::openWorkTree(path);
    git_branch_iterator* rawIterator = nullptr;
    check(git_branch_iterator_new(&rawIterator, repo.get(), GIT_BRANCH_LOCAL),
          "cannot list branches");
    detail::BranchIteratorPtr iterator(rawIterator);
    std::vector<std::string> names;
    while (true) {
        git_reference* raw = nullptr;
        git_branch_t type;
        int rc = git_branch_next(&raw, &type, iterator.get());
        if (rc == GIT_ITEROVER) break;
        check(rc, "cannot list branches");
        detail::ReferencePtr ref(raw);
        const char* name = nullptr;
        check(git_branch_name(&name, ref.get()), "cannot read a branch name");
        names.emplace_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool hasReference(const std::filesystem::path& path, std::string_view fullName) {
    detail::RepositoryPtr repo = detail::openWorkTree(path);
    return hasReferenceIn(repo.get(), std::string(fullName));
}

std::optional<std::string> commitOf(const std::filesystem::path& path, std::string_view ref) {
    detail::RepositoryPtr repo = detail::openWorkTree(path);
    git_object* raw = nullptr;
    int rc = git_revparse_single(&raw, repo.get(), std::string(ref).c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC || rc == GIT_EAMBIGUOUS ||
        rc == GIT_EUNBORNBRANCH)
        return std::nullopt;
    check(rc, "cannot resolve " + std::string(ref));
    detail::ObjectPtr object(raw);
    git_object* rawCommit = nullptr;
    if (git_object_peel(&rawCommit, object.get(), GIT_OBJECT_COMMIT) < 0) return std::nullopt;
    detail::ObjectPtr commit(rawCommit);
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, git_object_id(commit.get()));
    return std::string(hex);
}

std::string defaultBaseRef(const std::filesystem::path& path) {
    RepositoryInfo info = readRepository(path);
    detail::RepositoryPtr repo = detail::openWorkTree(path);
    if (hasReferenceIn(repo.get(), "refs/remotes/origin/" + info.defaultBranch))
        return "origin/" + info.defaultBranch;
    if (hasReferenceIn(repo.get(), "refs/heads/" + info.defaultBranch)) return info.defaultBranch;
    if (info.hasCommits) return "HEAD";
    throw core::Error("the repository at " + info.root.string() +
                      " has no commits yet; make a first commit before creating a workspace");
}

}  // namespace parawork::git
