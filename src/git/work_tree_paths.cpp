// git_ignore_path_is_ignored and index lookups over one open repository; libgit2 caches the
// ignore files and the index, and re-reads them when they change.
#include "git/work_tree_paths.hpp"

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "git/libgit2_handles.hpp"
#include "git/snapshot_index.hpp"

namespace parawork::git {
namespace {

/// `absolute` relative to `root`, '/'-separated; nullopt when it is not inside.
std::optional<std::string> inside(const std::filesystem::path& root,
                                  const std::filesystem::path& absolute) {
    std::filesystem::path relative = absolute.lexically_normal().lexically_relative(root);
    if (relative.empty() || *relative.begin() == "." || *relative.begin() == "..")
        return std::nullopt;
    return relative.generic_string();
}

}  // namespace

struct WorkTreePaths::Impl {
    detail::RepositoryPtr repo;
    std::filesystem::path root;
};

WorkTreePaths::WorkTreePaths(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WorkTreePaths::~WorkTreePaths() = default;

std::unique_ptr<WorkTreePaths> WorkTreePaths::open(const std::filesystem::path& path) {
    detail::RepositoryPtr repo = detail::openRepository(path);
    if (!repo || git_repository_is_bare(repo.get())) return nullptr;
    const char* workdir = git_repository_workdir(repo.get());
    if (workdir == nullptr) return nullptr;
    auto impl = std::make_unique<Impl>();
    std::error_code ec;  // callers compare canonical paths (no symlinks)
    impl->root = std::filesystem::weakly_canonical(workdir, ec);
    if (ec) impl->root = std::filesystem::path(workdir).lexically_normal();
    if (!impl->root.has_filename()) impl->root = impl->root.parent_path();
    impl->repo = std::move(repo);
    return std::unique_ptr<WorkTreePaths>(new WorkTreePaths(std::move(impl)));
}

const std::filesystem::path& WorkTreePaths::root() const {
    return impl_->root;
}

bool WorkTreePaths::isIgnored(const std::filesystem::path& absolute) const {
    auto relative = inside(impl_->root, absolute);
    if (!relative) return false;
    int ignored = 0;
    // Relative to the working tree; libgit2 stats the path to tell directories ("build/") from
    // files, and applies the rules of every parent directory.
    if (git_ignore_path_is_ignored(&ignored, impl_->repo.get(), relative->c_str()) < 0)
        return false;
    return ignored != 0;
}

FileState WorkTreePaths::stateOf(const std::filesystem::path& absolute) const {
    auto relative = inside(impl_->root, absolute);
    if (!relative) return FileState::Unknown;
    struct stat st {};
    if (::lstat(absolute.c_str(), &st) != 0) return FileState::Unknown;
    if (isIgnored(absolute)) return FileState::Ignored;
    git_index* raw = nullptr;
    if (git_repository_index(&raw, impl_->repo.get()) < 0) return FileState::Unknown;
    detail::IndexPtr index(raw);  // a reference to the repository's own index
    if (git_index_read(index.get(), 0) < 0) return FileState::Unknown;  // 0: only if changed
    const git_index_entry* entry = git_index_get_bypath(index.get(), relative->c_str(), 0);
    if (entry == nullptr) return FileState::New;
    // Truncated to 32 bits, as the index stores them; a git built without USE_NSEC records
    // no nanoseconds, so they count only when recorded.
    bool same = entry->file_size == static_cast<std::uint32_t>(st.st_size) &&
                entry->mtime.seconds == static_cast<std::int32_t>(st.st_mtim.tv_sec) &&
                (entry->mtime.nanoseconds == 0 ||
                 entry->mtime.nanoseconds == static_cast<std::uint32_t>(st.st_mtim.tv_nsec));
    return same ? FileState::Unchanged : FileState::Modified;
}

std::string WorkTreePaths::ignoreRulesStamp() const {
    return git::ignoreRulesStamp(impl_->repo.get());
}

DiffText WorkTreePaths::diffFile(std::string_view baseRef, const std::filesystem::path& absolute,
                                 std::size_t limit) const {
    auto relative = inside(impl_->root, absolute);
    if (!relative) throw core::Error(absolute.string() + " is not in " + impl_->root.string());
    return git::diffFile(impl_->repo.get(), impl_->root, baseRef, *relative, limit);
}

}  // namespace parawork::git
