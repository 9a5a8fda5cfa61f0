// RAII owners for the libgit2 objects this room uses, and the one place that turns a libgit2
// return code into a core::Error. Internal to src/git: other rooms see plain C++ types only.
#pragma once

#include <git2.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace parawork::git::detail {

/// Initializes libgit2 once per process (thread-safe). Never shut down: worker threads may use
/// it until exit, and the OS reclaims everything then.
void ensureLibgit2();

/// Throws core::Error("<what>: <libgit2's message>") when `rc` < 0; returns `rc` otherwise.
int check(int rc, std::string_view what);

/// libgit2's last error message on this thread, or "unknown error".
std::string lastErrorMessage();

template <typename T, void (*FreeFn)(T*)>
struct Deleter {
    void operator()(T* p) const { FreeFn(p); }
};

using RepositoryPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using ConfigPtr = std::unique_ptr<git_config, Deleter<git_config, git_config_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using PatchPtr = std::unique_ptr<git_patch, Deleter<git_patch, git_patch_free>>;
using IndexPtr = std::unique_ptr<git_index, Deleter<git_index, git_index_free>>;
using SignaturePtr = std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>>;
using ReferenceIteratorPtr =
    std::unique_ptr<git_reference_iterator,
                    Deleter<git_reference_iterator, git_reference_iterator_free>>;
using BranchIteratorPtr =
    std::unique_ptr<git_branch_iterator, Deleter<git_branch_iterator, git_branch_iterator_free>>;

/// Opens the repository whose working tree contains `path` (searching parent directories).
/// Returns null when `path` is in no repository; throws core::Error for any other failure.
RepositoryPtr openRepository(const std::filesystem::path& path);

/// As openRepository, but a path in no repository, or a bare repository, is a core::Error.
RepositoryPtr openWorkTree(const std::filesystem::path& path);

}  // namespace parawork::git::detail
