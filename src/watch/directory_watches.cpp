#include "watch/directory_watches.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "core/error.hpp"

namespace parawork::watch {
namespace {

// Content writes, creations, deletions and renames of entries; never through a symlink. The
// directories' own deletion arrives as IN_IGNORED, which the kernel always sends.
constexpr std::uint32_t kMask = IN_CREATE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;

std::string join(const std::string& dir, std::string_view name) {
    return dir.empty() ? std::string(name) : dir + "/" + std::string(name);
}

struct DirCloser {
    void operator()(DIR* d) const { ::closedir(d); }
};

}  // namespace

struct DirectoryWatches::Tree {
    std::string key;
    std::filesystem::path root;
    std::size_t limit = 0;
    SkipDirectory skip;
    std::map<std::string, int> dirs;  ///< relative directory -> watch descriptor
    bool limitReached = false;
};

DirectoryWatches::DirectoryWatches() : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (!fd_) core::throwErrno("cannot create an inotify instance");
}

DirectoryWatches::~DirectoryWatches() = default;  // closing the fd drops every watch

void DirectoryWatches::addTree(const std::string& key, const std::filesystem::path& root,
                               std::size_t limit, SkipDirectory skip) {
    if (trees_.contains(key)) removeTree(key);
    auto tree = std::make_unique<Tree>();
    tree->key = key;
    tree->root = root;
    tree->limit = limit;
    tree->skip = std::move(skip);
    Tree& t = *tree;
    trees_.emplace(key, std::move(tree));
    walk(t, "", nullptr);
}

void DirectoryWatches::addSubtree(const std::string& key, const std::string& relativeDir,
                                  const OnFile& onFile) {
    auto it = trees_.find(key);
    if (it == trees_.end() || relativeDir.empty()) return;
    walk(*it->second, relativeDir, onFile ? &onFile : nullptr);
}

void DirectoryWatches::rewalk(const std::string& key) {
    auto it = trees_.find(key);
    if (it != trees_.end()) walk(*it->second, "", nullptr);
}

bool DirectoryWatches::watchOne(Tree& tree, const std::string& relativeDir) {
    if (tree.dirs.contains(relativeDir)) return true;
    if (tree.dirs.size() >= tree.limit) {
        if (!tree.limitReached)
            spdlog::warn(
                "file watch of {}: more than {} directories; the rest are not watched, so "
                "changes there are not recorded",
                tree.root.string(), tree.limit);
        tree.limitReached = true;
        return false;
    }
    std::filesystem::path absolute = relativeDir.empty() ? tree.root : tree.root / relativeDir;
    int wd = ::inotify_add_watch(fd_.get(), absolute.c_str(), kMask);
    if (wd < 0) {
        int err = errno;
        if (err == ENOSPC) {
            if (!tree.limitReached)
                spdlog::warn(
                    "file watch of {}: the system's inotify watch limit is reached "
                    "(fs.inotify.max_user_watches); changes in unwatched directories are not "
                    "recorded",
                    tree.root.string());
            tree.limitReached = true;
        } else if (err != ENOENT && err != ENOTDIR && err != EACCES && err != ELOOP) {
            spdlog::warn("file watch: cannot watch {}: {}", absolute.string(), std::strerror(err));
        }
        return false;
    }
    tree.dirs.emplace(relativeDir, wd);
    owners_[wd].push_back({&tree, relativeDir});
    return true;
}

void DirectoryWatches::walk(Tree& tree, const std::string& relativeDir, const OnFile* onFile) {
    std::vector<std::string> stack{relativeDir};
    while (!stack.empty() && !tree.limitReached) {
        std::string dir = std::move(stack.back());
        stack.pop_back();
        std::filesystem::path absolute = dir.empty() ? tree.root : tree.root / dir;
        if (!dir.empty() && tree.skip && tree.skip(absolute)) continue;
        // Watched before it is listed: an entry made meanwhile is listed, or reported, or both.
        if (!watchOne(tree, dir)) continue;
        std::unique_ptr<DIR, DirCloser> handle(::opendir(absolute.c_str()));
        if (!handle) continue;  // gone again, or unreadable
        while (const dirent* entry = ::readdir(handle.get())) {
            std::string_view name = entry->d_name;
            if (name == "." || name == "..") continue;
            unsigned char type = entry->d_type;
            if (type == DT_UNKNOWN) {
                struct stat st {};
                if (::fstatat(::dirfd(handle.get()), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
            }
            if (type == DT_DIR)
                stack.push_back(join(dir, name));
            else if (onFile)
                (*onFile)(join(dir, name));
        }
    }
}

void DirectoryWatches::dropOwner(int wd, const Tree* tree, const std::string& relativeDir,
                                 bool kernelDropped) {
    auto it = owners_.find(wd);
    if (it == owners_.end()) return;
    auto& owners = it->second;
    std::erase_if(owners, [&](const Owner& o) {
        return (tree == nullptr || o.tree == tree) && o.relativeDir == relativeDir;
    });
    if (!owners.empty()) return;
    owners_.erase(it);
    if (!kernelDropped) ::inotify_rm_watch(fd_.get(), wd);
}

void DirectoryWatches::removeSubtree(const std::string& key, const std::string& relativeDir) {
    auto it = trees_.find(key);
    if (it == trees_.end()) return;
    Tree& tree = *it->second;
    if (relativeDir.empty()) return removeTree(key);
    // The directory itself, then everything under "<dir>/" (other names sort in between:
    // "a b" and "a-b" come after "a" and before "a/").
    auto remove = [&](std::map<std::string, int>::iterator d) {
        dropOwner(d->second, &tree, d->first, false);
        return tree.dirs.erase(d);
    };
    if (auto self = tree.dirs.find(relativeDir); self != tree.dirs.end()) remove(self);
    std::string prefix = relativeDir + "/";
    for (auto d = tree.dirs.lower_bound(prefix);
         d != tree.dirs.end() && d->first.starts_with(prefix);)
        d = remove(d);
}

void DirectoryWatches::removeTree(const std::string& key) {
    auto it = trees_.find(key);
    if (it == trees_.end()) return;
    Tree& tree = *it->second;
    for (const auto& [dir, wd] : tree.dirs) dropOwner(wd, &tree, dir, false);
    trees_.erase(it);
}

bool DirectoryWatches::hasTree(const std::string& key) const {
    return trees_.contains(key);
}

std::vector<std::string> DirectoryWatches::directories(const std::string& key) const {
    std::vector<std::string> out;
    if (auto it = trees_.find(key); it != trees_.end())
        for (const auto& [dir, wd] : it->second->dirs) out.push_back(dir);
    return out;
}

std::size_t DirectoryWatches::watchCount(const std::string& key) const {
    auto it = trees_.find(key);
    return it == trees_.end() ? 0 : it->second->dirs.size();
}

bool DirectoryWatches::limitReached(const std::string& key) const {
    auto it = trees_.find(key);
    return it != trees_.end() && it->second->limitReached;
}

void DirectoryWatches::dispatch(int wd, std::uint32_t mask, const char* name,
                                const OnEvent& onEvent) {
    auto it = owners_.find(wd);
    if (it == owners_.end()) return;  // a watch removed since; its last events still come
    if (mask & IN_IGNORED) {
        // The directory is gone (or unmounted): the kernel dropped the watch.
        std::vector<Owner> owners = it->second;
        for (const Owner& o : owners) {
            auto d = o.tree->dirs.find(o.relativeDir);
            if (d != o.tree->dirs.end() && d->second == wd) o.tree->dirs.erase(d);
            dropOwner(wd, o.tree, o.relativeDir, true);
        }
        return;
    }
    if (name == nullptr || *name == '\0') return;  // an event on the directory itself
    // A copy: the handler may add or remove watches, and with them owners.
    std::vector<Owner> owners = it->second;
    for (const Owner& o : owners) onEvent({o.tree->key, join(o.relativeDir, name), mask});
}

bool DirectoryWatches::read(const OnEvent& onEvent, std::size_t maxBytes, bool& drained) {
    alignas(inotify_event) char buffer[64 * 1024];
    bool overflowed = false;
    drained = false;
    std::size_t total = 0;
    while (total < maxBytes) {
        ssize_t n = ::read(fd_.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) spdlog::warn("file watch: read failed: {}", std::strerror(errno));
            drained = true;
            break;
        }
        if (n == 0) break;
        total += static_cast<std::size_t>(n);
        for (char* p = buffer; p < buffer + n;) {
            auto* event = reinterpret_cast<inotify_event*>(p);
            p += sizeof(inotify_event) + event->len;
            if (event->mask & IN_Q_OVERFLOW) {
                overflowed = true;
                continue;
            }
            dispatch(event->wd, event->mask, event->len > 0 ? event->name : nullptr, onEvent);
        }
    }
    return overflowed;
}

}  // namespace parawork::watch
