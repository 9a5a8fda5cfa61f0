#include "files/repo_search.hpp"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <set>
#include <system_error>
#include <unordered_map>

#include "files/directory_handle.hpp"
#include "files/path_text.hpp"
#include "files/system_dirs.hpp"

namespace parawork::files {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 10> kHomeFolders = {
    "Documents", "Projects",  "Developer", "Code", "dev",
    "repos",     "workspace", "work",      "src",  "Downloads"};

/// Subdirectories read from one directory at most; the rest of a bigger one is not searched.
constexpr std::size_t kMaxChildren = 10000;

class Walk {
  public:
    Walk(std::string_view query, const Roots& roots, const SearchLimits& limits)
        : query_(query), roots_(roots), limits_(limits) {}

    void start(const fs::path& dir) {
        if (done() || !enter(dir.string(), 0)) return;
        int error = 0;
        auto handle = DirectoryHandle::open(AT_FDCWD, dir.c_str(), &error);
        if (handle) visit(*handle, dir.string(), 0);
    }

    SearchResult finish() && {
        sortMatches(result_.results, query_);
        return std::move(result_);
    }

  private:
    bool done() const { return budgetSpent_ || result_.results.size() >= limits_.maxResults; }

    /// Records that `path` is read at `level`; false when it was read at this depth or
    /// shallower already, or when the directory budget is spent.
    bool enter(const std::string& path, int level) {
        auto it = readAt_.find(path);
        if (it != readAt_.end() && it->second <= level) return false;
        if (directories_ >= limits_.maxDirectories) {
            budgetSpent_ = result_.truncated = true;
            return false;
        }
        ++directories_;
        readAt_[path] = level;
        return true;
    }

    std::vector<std::string> subdirectories(DirectoryHandle& handle) {
        std::vector<std::string> names;
        try {
            while (const dirent* e = handle.next()) {
                if (e->d_name[0] == '.' || !handle.isDirectory(*e)) continue;
                names.emplace_back(e->d_name);
                if (names.size() >= kMaxChildren) {
                    result_.truncated = true;
                    break;
                }
            }
        } catch (const std::system_error&) {
            // Unreadable part way: search what was read.
        }
        // Sorted, so that which 20 are found does not depend on the filesystem's order.
        std::sort(names.begin(), names.end(),
                  [](const std::string& a, const std::string& b) { return nameLess(a, b); });
        return names;
    }

    void visit(DirectoryHandle& handle, const std::string& path, int level) {
        for (const auto& name : subdirectories(handle)) {
            if (done()) return;
            std::string child = childShown(path, name);
            if (handle.statEntry((name + "/.git").c_str(), true)) {
                if (lowerAscii(name).find(query_) != std::string::npos)
                    addMatch(handle, name, child);
                continue;  // never into a repository
            }
            if (level + 1 >= limits_.maxDepth) continue;
            if (isSystemDirectory(fs::path(child), roots_, SystemDirList::Browse)) continue;
            if (!enter(child, level + 1)) continue;
            int error = 0;
            auto sub = DirectoryHandle::open(handle.fd(), name.c_str(), &error);
            if (sub) visit(*sub, child, level + 1);
        }
    }

    void addMatch(const DirectoryHandle& handle, const std::string& name, const std::string& path) {
        if (!found_.insert(path).second) return;
        auto st = handle.statEntry(name.c_str(), false);
        if (!st) return;
        DirectoryEntry entry;
        entry.name = name;
        entry.path = path;
        entry.isGitRepository = true;
        entry.gitInfo = readGitInfo(fs::path(path), roots_);
        entry.lastModified = mtimeMs(*st);
        result_.results.push_back(std::move(entry));
    }

    std::string query_;
    const Roots& roots_;
    SearchLimits limits_;
    std::unordered_map<std::string, int> readAt_;
    std::set<std::string> found_;
    std::size_t directories_ = 0;
    bool budgetSpent_ = false;
    SearchResult result_;
};

}  // namespace

std::vector<fs::path> searchStarts(const Roots& roots, const std::string& home) {
    std::error_code ec;
    fs::path realHome = home.empty() ? fs::path() : fs::canonical(home, ec);
    if (ec) realHome.clear();
    std::vector<fs::path> starts;
    auto add = [&starts](fs::path dir) {
        if (std::find(starts.begin(), starts.end(), dir) == starts.end())
            starts.push_back(std::move(dir));
    };
    for (const auto& root : roots.dirs) {
        add(root);
        if (realHome.empty() || root != realHome) continue;
        for (auto folder : kHomeFolders) {
            fs::path real = fs::canonical(root / folder, ec);
            if (!ec && fs::is_directory(real, ec) && isWithinRoots(real, roots)) add(real);
        }
    }
    return starts;
}

SearchResult searchRepositories(std::string_view query, const std::vector<fs::path>& starts,
                                const Roots& roots, const SearchLimits& limits) {
    Walk walk(query, roots, limits);
    for (const auto& dir : starts) walk.start(dir);
    return std::move(walk).finish();
}

void sortMatches(std::vector<DirectoryEntry>& matches, std::string_view query) {
    auto rank = [query](const DirectoryEntry& e) {
        std::string name = lowerAscii(e.name);
        if (name == query) return 0;
        return name.starts_with(query) ? 1 : 2;
    };
    std::stable_sort(matches.begin(), matches.end(),
                     [&](const DirectoryEntry& a, const DirectoryEntry& b) {
                         int ra = rank(a);
                         int rb = rank(b);
                         if (ra != rb) return ra < rb;
                         if (a.name != b.name) return nameLess(a.name, b.name);
                         return a.path < b.path;
                     });
}

}  // namespace parawork::files
