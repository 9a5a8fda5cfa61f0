// libgit2 initialization, error translation and repository opening for the git room.
#include "git/libgit2_handles.hpp"

#include <mutex>
#include <string>

#include "core/error.hpp"

namespace parawork::git::detail {

void ensureLibgit2() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (git_libgit2_init() < 0) throw core::Error("cannot initialize libgit2");
    });
}

std::string lastErrorMessage() {
    const git_error* e = git_error_last();
    return e != nullptr && e->message != nullptr ? e->message : "unknown error";
}

int check(int rc, std::string_view what) {
    if (rc < 0) throw core::Error(std::string(what) + ": " + lastErrorMessage());
    return rc;
}

RepositoryPtr openRepository(const std::filesystem::path& path) {
    ensureLibgit2();
    git_repository* raw = nullptr;
    // Flags 0: search upwards from `path` like git does, but never read GIT_DIR & co. from the
    // daemon's environment (that is what GIT_REPOSITORY_OPEN_FROM_ENV would do).
    int rc = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
    if (rc == GIT_ENOTFOUND) return nullptr;
    check(rc, "cannot open the git repository at " + path.string());
    return RepositoryPtr(raw);
}

RepositoryPtr openWorkTree(const std::filesystem::path& path) {
    RepositoryPtr repo = openRepository(path);
    if (!repo) throw core::Error(path.string() + " is not inside a git repository");
    if (git_repository_is_bare(repo.get()) || git_repository_workdir(repo.get()) == nullptr)
        throw core::Error(path.string() + " is a bare git repository; a working tree is needed");
    return repo;
}

}  // namespace parawork::git::detail
