// What the directory picker (fs/browse) and the file explorer (fs/list) show of one directory
// (protocol §3 DirectoryEntry and FileEntry, §4.6). The directory is a path that passed
// checkBrowsePath; it is opened once and everything is read relative to that descriptor.
// Memory and work are bounded by the entry cap, whatever the directory's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "files/git_info.hpp"
#include "files/path_rules.hpp"

namespace parawork::files {

/// The original's cap on both listings.
inline constexpr std::size_t kMaxListedEntries = 500;
/// itemCount stops counting here, so one huge subdirectory cannot stall a listing.
inline constexpr std::uint64_t kMaxItemCount = 100000;

struct DirectoryEntry {
    std::string name;
    std::string path;
    bool isGitRepository = false;
    std::optional<GitInfo> gitInfo;  ///< present exactly when isGitRepository
    double lastModified = 0;         ///< ms, fractional (Node's mtimeMs)
    std::optional<std::uint64_t> itemCount;
};

struct FileEntry {
    std::string name;
    std::string path;
    bool isDirectory = false;           ///< the entry itself: a symlink to a directory is not one
    std::optional<std::uint64_t> size;  ///< regular files only
    double lastModified = 0;
};

struct ListingOptions {
    std::size_t maxEntries = kMaxListedEntries;
    std::uint64_t maxItemCount = kMaxItemCount;
};

/// fs/browse: the real subdirectories of `dir` (no symlinks, no names starting with '.'),
/// sorted case-insensitively, at most maxEntries. `shownDir` prefixes the entries' paths.
/// Throws std::system_error when `dir` cannot be opened or read, or is no longer inside the
/// roots (EACCES).
std::vector<DirectoryEntry> browseDirectory(const std::filesystem::path& dir,
                                            std::string_view shownDir, const Roots& roots,
                                            const ListingOptions& options = {});

/// fs/list: every entry but .git, node_modules, .DS_Store, __pycache__, .venv and .cache;
/// directories first, each group sorted case-insensitively, at most maxEntries. Entries whose
/// stat fails are skipped; a symlink that leads outside the roots is described by the link
/// itself. Throws as browseDirectory.
std::vector<FileEntry> listDirectory(const std::filesystem::path& dir, std::string_view shownDir,
                                     const Roots& roots, const ListingOptions& options = {});

/// What "~" means for the file browser: `home` when it lies inside the roots, else the first
/// root (so the picker opens somewhere it may show); `home` when there are no roots.
std::string browseHome(const Roots& roots, const std::string& home);

}  // namespace parawork::files
