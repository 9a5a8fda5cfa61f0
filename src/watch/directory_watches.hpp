// One inotify instance (inotify(7)) watching directory trees, one tree per workspace, each bounded
// by a number of watched directories. Trees may overlap (two workspaces on one directory): the
// kernel gives one watch per directory and instance, so a watch descriptor can belong to several
// trees, and its events are reported to each under that tree's relative path. Used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/unique_fd.hpp"

namespace parawork::watch {

/// One inotify event, as one tree sees it.
struct WatchEvent {
    std::string tree;  ///< the tree's key
    std::string path;  ///< relative to the tree's root, '/'-separated
    std::uint32_t mask = 0;
};

class DirectoryWatches {
  public:
    /// True when a directory (given absolutely) must not be watched, nor anything under it.
    using SkipDirectory = std::function<bool(const std::filesystem::path& absolute)>;
    using OnFile = std::function<void(const std::string& relativePath)>;
    using OnEvent = std::function<void(const WatchEvent& event)>;

    /// Throws core::Error when no inotify instance can be made (EMFILE: max_user_instances).
    DirectoryWatches();
    ~DirectoryWatches();
    DirectoryWatches(const DirectoryWatches&) = delete;
    DirectoryWatches& operator=(const DirectoryWatches&) = delete;

    /// The inotify descriptor (non-blocking), to poll for POLLIN.
    int fd() const { return fd_.get(); }

    /// Starts the tree `key` at `root` (absolute, canonical): watches it and every directory
    /// below that `skip` lets through, at most `limit` of them (beyond, logs once and stops).
    void addTree(const std::string& key, const std::filesystem::path& root, std::size_t limit,
                 SkipDirectory skip);
    /// Watches `relativeDir` and the directories under it (a directory that appeared), unless
    /// skipped; `onFile` (if set) receives every other entry found, relative to the root.
    void addSubtree(const std::string& key, const std::string& relativeDir, const OnFile& onFile);
    /// Walks the tree again, watching the directories it lacks that `skip` now lets through.
    void rewalk(const std::string& key);
    /// Stops watching `relativeDir` and everything under it (it was moved away or deleted).
    void removeSubtree(const std::string& key, const std::string& relativeDir);
    void removeTree(const std::string& key);

    bool hasTree(const std::string& key) const;
    /// The directories watched in the tree, relative to its root ("" is the root).
    std::vector<std::string> directories(const std::string& key) const;
    /// Directories watched, in the tree or in all trees.
    std::size_t watchCount(const std::string& key) const;
    std::size_t watchCount() const { return owners_.size(); }
    /// The tree reached its limit (or the system's) and some directories are not watched.
    bool limitReached(const std::string& key) const;

    /// Reads queued events (at most about `maxBytes` of them) and reports each to `onEvent`,
    /// once per tree that watches its directory. `onEvent` may add and remove subtrees.
    /// Returns whether the kernel queue overflowed (events were lost: rescan). Sets `drained`
    /// when the queue was read empty.
    bool read(const OnEvent& onEvent, std::size_t maxBytes, bool& drained);

  private:
    struct Tree;
    struct Owner {
        Tree* tree;
        std::string relativeDir;
    };
    bool watchOne(Tree& tree, const std::string& relativeDir);
    void walk(Tree& tree, const std::string& relativeDir, const OnFile* onFile);
    void dropOwner(int wd, const Tree* tree, const std::string& relativeDir, bool kernelDropped);
    void dispatch(int wd, std::uint32_t mask, const char* name, const OnEvent& onEvent);

    core::UniqueFd fd_;
    std::map<std::string, std::unique_ptr<Tree>> trees_;
    std::unordered_map<int, std::vector<Owner>> owners_;
};

}  // namespace parawork::watch
