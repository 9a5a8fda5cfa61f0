#include "git/snapshot_index.hpp"

#include <git2/sys/repository.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "git/git_command.hpp"
#include "git/libgit2_handles.hpp"
#include "git/temporary_index.hpp"

namespace parawork::git {
namespace {

namespace fs = std::filesystem;

using ConfigIteratorPtr =
    std::unique_ptr<git_config_iterator,
                    detail::Deleter<git_config_iterator, git_config_iterator_free>>;

/// What a file was when the index was made, to tell whether it changed since.
struct FileStamp {
    fs::path path;
    bool exists = false;
    ino_t inode = 0;
    off_t size = 0;
    timespec mtime{};
    timespec ctime{};

    static FileStamp of(fs::path path) {
        FileStamp s;
        s.path = std::move(path);
        struct stat st {};
        if (::stat(s.path.c_str(), &st) != 0) return s;
        s.exists = true;
        s.inode = st.st_ino;
        s.size = st.st_size;
        s.mtime = st.st_mtim;
        s.ctime = st.st_ctim;
        return s;
    }
    bool operator==(const FileStamp& o) const {
        return path == o.path && exists == o.exists && inode == o.inode && size == o.size &&
               mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
               ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
    }
};

/// The worktree's own index: what a full scan starts from (what is tracked).
FileStamp indexStamp(git_repository* repo) {
    return FileStamp::of(fs::path(git_repository_path(repo)) / "index");
}

std::string describe(const FileStamp& s) {
    if (!s.exists) return s.path.string() + " -\n";
    return s.path.string() + " " + std::to_string(s.inode) + " " + std::to_string(s.size) + " " +
           std::to_string(s.mtime.tv_sec) + "." + std::to_string(s.mtime.tv_nsec) + " " +
           std::to_string(s.ctime.tv_sec) + "." + std::to_string(s.ctime.tv_nsec) + "\n";
}

/// True when some configuration names a filter program (filter.<driver>.clean or .process):
/// `git lfs install` puts one in the user's global config.
bool hasFilterPrograms(git_repository* repo) {
    git_config* raw = nullptr;
    detail::check(git_repository_config_snapshot(&raw, repo), "cannot read the git config");
    detail::ConfigPtr config(raw);
    // Every entry, matched here: libgit2's glob iterator matches with PCRE2, whose match data
    // leaks with Debian 12's libraries (LeakSanitizer: ~20 KB for each entry matched).
    git_config_iterator* rawIterator = nullptr;
    detail::check(git_config_iterator_new(&rawIterator, config.get()),
                  "cannot read the git config");
    ConfigIteratorPtr iterator(rawIterator);
    git_config_entry* entry = nullptr;
    while (git_config_next(&entry, iterator.get()) == 0) {
        std::string_view name = entry->name;
        if (name.starts_with("filter.") && (name.ends_with(".clean") || name.ends_with(".process")))
            return true;
    }
    return false;
}

bool hasFilterAttribute(git_repository* repo, const std::string& path) {
    const char* value = nullptr;
    if (git_attr_get(&value, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, path.c_str(), "filter") < 0)
        return true;  // unsure: let git decide
    return !GIT_ATTR_IS_UNSPECIFIED(value) && !GIT_ATTR_IS_FALSE(value);
}

std::string_view baseName(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// The rules of what is tracked and how a file's content is stored.
bool isRulesFile(std::string_view path) {
    std::string_view name = baseName(path);
    return name == ".gitignore" || name == ".gitattributes";
}

bool isGitDirectoryPath(std::string_view path) {
    return path == ".git" || path.starts_with(".git/");
}

git_strarray onePath(const std::string& path, char*& storage) {
    storage = const_cast<char*>(path.c_str());
    return git_strarray{&storage, 1};
}

/// An entry `git add -A` leaves as the index has it: sparse checkouts' and "assume unchanged".
bool isLeftAlone(const git_index_entry& entry) {
    return (entry.flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0 ||
           (entry.flags & GIT_INDEX_ENTRY_VALID) != 0;
}

/// The paths whose tracking differs between two versions of an index: tracked in one only, or
/// left alone in one only.
std::vector<std::string> trackingChanges(git_index* before, git_index* after) {
    std::vector<std::string> paths;
    std::size_t n = git_index_entrycount(before), m = git_index_entrycount(after);
    for (std::size_t i = 0, j = 0; i < n || j < m;) {
        const git_index_entry* a = i < n ? git_index_get_byindex(before, i) : nullptr;
        const git_index_entry* b = j < m ? git_index_get_byindex(after, j) : nullptr;
        int order = !a ? 1 : !b ? -1 : std::strcmp(a->path, b->path);
        if (order < 0) {
            paths.emplace_back(a->path);
            ++i;
        } else if (order > 0) {
            paths.emplace_back(b->path);
            ++j;
        } else {
            if (isLeftAlone(*a) != isLeftAlone(*b)) paths.emplace_back(a->path);
            ++i, ++j;
        }
    }
    return paths;
}

detail::IndexPtr openIndex(const fs::path& path) {
    git_index* raw = nullptr;
    detail::check(git_index_open(&raw, path.c_str()), "cannot read the index");
    return detail::IndexPtr(raw);
}

}  // namespace

std::string ignoreRulesStamp(git_repository* repo) {
    fs::path commonDir = git_repository_commondir(repo);
    std::string stamp = describe(FileStamp::of(commonDir / "config")) +
                        describe(FileStamp::of(commonDir / "info" / "exclude"));
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        stamp += describe(FileStamp::of(fs::path(xdg) / "git" / "ignore"));
    else if (const char* home = std::getenv("HOME"); home && *home)
        stamp += describe(FileStamp::of(fs::path(home) / ".config" / "git" / "ignore"));
    return stamp;
}

struct SnapshotIndex::Impl {
    /// The snapshot: the worktree's own index as a full scan found it, and every file that is
    /// not ignored as it was when last looked at.
    detail::IndexPtr index;
    /// The worktree's own index then: what is tracked.
    detail::IndexPtr tracked;
    fs::path worktree;
    std::uint64_t epoch = 0;
    FileStamp indexFile;
    std::string rules;
    SnapshotScan lastScan = SnapshotScan::None;

    void scanEverything(git_repository* repo, const fs::path& worktree);
    bool applyChanges(git_repository* repo, const WorkTreeChanges& changes);
    void followTheIndex(git_repository* repo, std::vector<std::string>& paths);
    void removePath(const std::string& path);
    bool updateDirectory(const std::string& path);
    bool updateFile(git_repository* repo, const std::string& path, bool filterPrograms);
};

void SnapshotIndex::Impl::scanEverything(git_repository* repo, const fs::path& tree) {
    index.reset();
    // Stamped before the scan: a rule that changes during it is seen by the next call.
    indexFile = indexStamp(repo);
    rules = ignoreRulesStamp(repo);
    detail::TemporaryIndex scratch(fs::path(git_repository_path(repo)), true);
    tracked = openIndex(scratch.path());
    GitCommand add;
    add.cwd = tree;
    add.args = {"add", "-A"};
    add.env = scratch.env();
    runGitChecked(add, "cannot read the working tree");
    index = openIndex(scratch.path());
    worktree = tree;
}

void SnapshotIndex::Impl::removePath(const std::string& path) {
    git_index_remove_bypath(index.get(), path.c_str());
    git_index_remove_directory(index.get(), path.c_str(), 0);
}

bool SnapshotIndex::Impl::updateDirectory(const std::string& path) {
    // A repository inside the worktree becomes a gitlink entry: git's own rules for those.
    struct stat st {};
    if (::lstat((worktree / path / ".git").c_str(), &st) == 0) return false;
    git_index_remove_bypath(index.get(), path.c_str());  // a file that became a directory
    char* storage = nullptr;
    git_strarray pathspec = onePath(path, storage);
    detail::check(
        git_index_add_all(index.get(), &pathspec, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr),
        "cannot read " + path);
    detail::check(git_index_update_all(index.get(), &pathspec, nullptr, nullptr),
                  "cannot read " + path);
    return true;
}

bool SnapshotIndex::Impl::updateFile(git_repository* repo, const std::string& path,
                                     bool filterPrograms) {
    git_index_remove_directory(index.get(), path.c_str(), 0);  // a directory that became a file
    const git_index_entry* entry = git_index_get_bypath(tracked.get(), path.c_str(), 0);
    if (entry && isLeftAlone(*entry)) {
        detail::check(git_index_add(index.get(), entry), "cannot read " + path);
        return true;
    }
    if (!entry) {
        int ignored = 0;
        detail::check(git_ignore_path_is_ignored(&ignored, repo, path.c_str()),
                      "cannot read " + path);
        if (ignored) {
            git_index_remove_bypath(index.get(), path.c_str());  // no longer tracked
            return true;
        }
    }
    if (filterPrograms && hasFilterAttribute(repo, path)) return false;
    detail::check(git_index_add_bypath(index.get(), path.c_str()), "cannot read " + path);
    return true;
}

void SnapshotIndex::Impl::followTheIndex(git_repository* repo, std::vector<std::string>& paths) {
    // Rewritten often (`git status` refreshes it, `git add`, a commit), but what is tracked
    // changes seldom: the paths whose tracking changed are looked at again, as changed files.
    FileStamp now = indexStamp(repo);
    if (now == indexFile) return;
    detail::IndexPtr fresh = openIndex(now.path);
    std::vector<std::string> changed = trackingChanges(tracked.get(), fresh.get());
    paths.insert(paths.end(), changed.begin(), changed.end());
    tracked = std::move(fresh);
    indexFile = now;
}

bool SnapshotIndex::Impl::applyChanges(git_repository* repo, const WorkTreeChanges& changes) {
    if (!index || changes.epoch == 0 || changes.epoch != epoch || !changes.complete ||
        changes.root != worktree || changes.paths.size() > kMaxIncrementalPaths ||
        ignoreRulesStamp(repo) != rules)
        return false;
    std::vector<std::string> paths = changes.paths;
    followTheIndex(repo, paths);
    if (paths.size() > kMaxIncrementalPaths) return false;  // another branch checked out, say
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    if (std::any_of(paths.begin(), paths.end(),
                    [](const std::string& p) { return isRulesFile(p); }))
        return false;
    bool filterPrograms = hasFilterPrograms(repo);
    // The index must belong to the repository for libgit2 to read files into it; the
    // repository lets go of it when it is freed.
    detail::check(git_repository_set_index(repo, index.get()), "cannot read the working tree");
    for (const std::string& path : paths) {
        if (path.empty() || isGitDirectoryPath(path)) continue;
        struct stat st {};
        if (::lstat((worktree / path).c_str(), &st) != 0) {
            removePath(path);
        } else if (S_ISDIR(st.st_mode)) {
            if (filterPrograms || !updateDirectory(path)) return false;
        } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
            if (!updateFile(repo, path, filterPrograms)) return false;
        } else {
            removePath(path);  // a fifo or a socket: git does not keep those either
        }
    }
    return true;
}

SnapshotIndex::SnapshotIndex() : impl_(std::make_unique<Impl>()) {}
SnapshotIndex::~SnapshotIndex() = default;

std::string SnapshotIndex::tree(git_repository* repo, const fs::path& worktree,
                                const std::optional<WorkTreeChanges>& changes) {
    Impl& s = *impl_;
    try {
        if (changes && s.worktree == worktree && s.applyChanges(repo, *changes)) {
            s.lastScan = SnapshotScan::Incremental;
        } else {
            s.scanEverything(repo, worktree);
            s.lastScan = SnapshotScan::Full;
        }
        s.epoch = changes ? changes->epoch : 0;
        git_oid tree;
        // From the index's cache tree: only the directories that changed are written again.
        detail::check(git_index_write_tree_to(&tree, s.index.get(), repo), "cannot write a tree");
        return git_oid_tostr_s(&tree);
    } catch (...) {
        s.index.reset();
        s.epoch = 0;
        throw;
    }
}

SnapshotScan SnapshotIndex::lastScan() const {
    return impl_->lastScan;
}

std::size_t SnapshotIndex::entries() const {
    return impl_->index ? git_index_entrycount(impl_->index.get()) : 0;
}

}  // namespace parawork::git
