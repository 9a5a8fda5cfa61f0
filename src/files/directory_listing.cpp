#include "files/directory_listing.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

#include "files/directory_handle.hpp"
#include "files/path_text.hpp"

namespace parawork::files {
namespace {

namespace fs = std::filesystem;

/// Keeps the `n` smallest items added, in at most 2n + 64 items of memory: a directory with a
/// million entries costs a million comparisons, not a million strings.
template <typename T, typename Less>
class SmallestN {
  public:
    SmallestN(std::size_t n, Less less) : n_(n), less_(less) {}
    void add(T item) {
        items_.push_back(std::move(item));
        if (items_.size() >= 2 * n_ + 64) shrink();
    }
    std::vector<T> take() {
        shrink();
        std::sort(items_.begin(), items_.end(), less_);
        return std::move(items_);
    }

  private:
    void shrink() {
        if (items_.size() <= n_) return;
        std::nth_element(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(n_),
                         items_.end(), less_);
        items_.resize(n_);
    }
    std::size_t n_;
    Less less_;
    std::vector<T> items_;
};

/// The directory, opened, and still inside the roots once open (a component may have been
/// replaced by a symlink since the path was checked).
DirectoryHandle openInsideRoots(const fs::path& dir, const Roots& roots) {
    DirectoryHandle handle = DirectoryHandle::openPath(dir);
    if (auto real = handle.realPath(); real && !isWithinRoots(*real, roots))
        throw std::system_error(EACCES, std::generic_category(),
                                dir.string() + " is no longer inside the allowed directories");
    return handle;
}

constexpr std::array<std::string_view, 6> kHiddenFromList = {
    ".git", "node_modules", ".DS_Store", "__pycache__", ".venv", ".cache"};

bool hiddenFromList(std::string_view name) {
    return std::find(kHiddenFromList.begin(), kHiddenFromList.end(), name) != kHiddenFromList.end();
}

struct ListCandidate {
    std::string name;
    bool isDirectory = false;
};

bool listOrder(const ListCandidate& a, const ListCandidate& b) {
    if (a.isDirectory != b.isDirectory) return a.isDirectory;
    return nameLess(a.name, b.name);
}

/// True when the symlink `link` resolves outside the roots: its target's size and time are
/// then not shown.
bool leavesRoots(const fs::path& link, const Roots& roots) {
    std::error_code ec;
    fs::path real = fs::canonical(link, ec);
    return ec || !isWithinRoots(real, roots);
}

}  // namespace

std::vector<DirectoryEntry> browseDirectory(const fs::path& dir, std::string_view shownDir,
                                            const Roots& roots, const ListingOptions& options) {
    DirectoryHandle handle = openInsideRoots(dir, roots);
    auto less = [](const std::string& a, const std::string& b) { return nameLess(a, b); };
    SmallestN<std::string, decltype(less)> names(options.maxEntries, less);
    while (const dirent* e = handle.next()) {
        if (e->d_name[0] == '.' || !handle.isDirectory(*e)) continue;
        names.add(e->d_name);
    }
    std::vector<DirectoryEntry> out;
    for (auto& name : names.take()) {
        auto st = handle.statEntry(name.c_str(), false);
        if (!st || !S_ISDIR(st->st_mode)) continue;  // gone, or replaced by a symlink
        DirectoryEntry entry;
        entry.path = childShown(shownDir, name);
        entry.lastModified = mtimeMs(*st);
        entry.itemCount = handle.countEntries(name.c_str(), options.maxItemCount);
        entry.isGitRepository = handle.statEntry((name + "/.git").c_str(), true).has_value();
        if (entry.isGitRepository) entry.gitInfo = readGitInfo(dir / name, roots);
        entry.name = std::move(name);
        out.push_back(std::move(entry));
    }
    return out;
}

std::vector<FileEntry> listDirectory(const fs::path& dir, std::string_view shownDir,
                                     const Roots& roots, const ListingOptions& options) {
    DirectoryHandle handle = openInsideRoots(dir, roots);
    SmallestN<ListCandidate, decltype(&listOrder)> candidates(options.maxEntries, &listOrder);
    while (const dirent* e = handle.next()) {
        if (hiddenFromList(e->d_name)) continue;
        candidates.add({e->d_name, handle.isDirectory(*e)});
    }
    std::vector<FileEntry> out;
    for (auto& candidate : candidates.take()) {
        auto st = handle.statEntry(candidate.name.c_str(), false);
        if (!st) continue;
        if (S_ISLNK(st->st_mode)) {
            auto target = handle.statEntry(candidate.name.c_str(), true);
            if (!target) continue;  // a broken link, as in the original
            if (!leavesRoots(dir / candidate.name, roots)) st = target;
        }
        FileEntry entry;
        entry.path = childShown(shownDir, candidate.name);
        entry.isDirectory = candidate.isDirectory;
        if (S_ISREG(st->st_mode)) entry.size = static_cast<std::uint64_t>(st->st_size);
        entry.lastModified = mtimeMs(*st);
        entry.name = std::move(candidate.name);
        out.push_back(std::move(entry));
    }
    return out;
}

std::string browseHome(const Roots& roots, const std::string& home) {
    if (roots.dirs.empty()) return home;
    std::error_code ec;
    fs::path real = home.empty() ? fs::path() : fs::canonical(home, ec);
    if (!home.empty() && !ec && isWithinRoots(real, roots)) return home;
    return roots.dirs.front().string();
}

}  // namespace parawork::files
