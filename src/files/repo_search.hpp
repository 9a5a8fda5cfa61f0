// fs/search-repos (protocol §4.6): git repositories whose name contains the query, found by a
// depth-first walk below the allowed roots. The walk opens every directory relative to its
// parent's descriptor without following symlinks, so it cannot leave the roots; it never enters a
// git repository or a hidden directory, and stops after a fixed number of directories so that a
// huge home directory cannot stall a worker.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "files/directory_listing.hpp"
#include "files/path_rules.hpp"

namespace parawork::files {

struct SearchLimits {
    std::size_t maxResults = 20;  ///< the original's cap
    int maxDepth = 4;             ///< matches are looked for 1..maxDepth levels below a start
    std::size_t maxDirectories = 20000;  ///< directories read, over all starts
};

struct SearchResult {
    std::vector<DirectoryEntry> results;  ///< sorted (sortMatches); no itemCount
    /// True when the walk stopped at maxDirectories before it was done.
    bool truncated = false;
};

/// Where to search: each root, and after a root that is the home directory the well-known
/// folders of home that exist and resolve inside the roots (Documents, Projects, Developer,
/// Code, dev, repos, workspace, work, src, Downloads). Real paths, without duplicates.
std::vector<std::filesystem::path> searchStarts(const Roots& roots, const std::string& home);

/// Repositories (directories holding a `.git`) whose lower-cased name contains `query` (already
/// lower-cased and trimmed). Each directory is read once per start at most, and again from a
/// later start only when that reaches deeper below it. Blocking: worker pool only.
SearchResult searchRepositories(std::string_view query,
                                const std::vector<std::filesystem::path>& starts,
                                const Roots& roots, const SearchLimits& limits = {});

/// The original's order: names equal to `query` first, then names starting with it, then the
/// rest; alphabetical (case-insensitive) within each group.
void sortMatches(std::vector<DirectoryEntry>& matches, std::string_view query);

}  // namespace parawork::files
