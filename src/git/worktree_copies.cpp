// Planning and copying the `.worktreeinclude` files. Every source must resolve inside the
// repository and every destination inside the worktree: a symlink in either tree must not turn a
// copy into a read of ~/.ssh or a write outside the workspace.
#include "git/worktree_copies.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "core/error.hpp"

namespace parawork::git {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxIncludeFileBytes = std::uintmax_t{64} * 1024;

bool isWithin(const fs::path& inner, const fs::path& outer) {
    auto [o, i] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
    return o == outer.end();
}

bool hasGlob(std::string_view s) {
    return s.find_first_of("*?[") != std::string_view::npos;
}

std::string trim(std::string_view s) {
    const char* space = " \t\r";
    std::size_t begin = s.find_first_not_of(space);
    if (begin == std::string_view::npos) return "";
    std::size_t end = s.find_last_not_of(space);
    return std::string(s.substr(begin, end - begin + 1));
}

/// The pattern as a normalized relative path; throws for anything that could leave the root.
fs::path checkedPattern(const std::string& pattern) {
    auto refuse = [&](std::string_view why) {
        throw core::Error("cannot copy \"" + pattern + "\" into the worktree: " + std::string(why));
    };
    for (unsigned char c : pattern) {
        if (c < 0x20 || c == 0x7f) refuse("it contains a control character");
    }
    fs::path path(pattern);
    if (path.is_absolute()) refuse("only paths relative to the repository root are copied");
    for (const auto& part : path) {
        if (part == "..") refuse("'..' is not allowed");
    }
    fs::path normal = path.lexically_normal();
    if (!normal.has_filename()) normal = normal.parent_path();  // "dir/" → "dir"
    if (normal.empty() || normal == ".") refuse("it names the repository itself");
    if (*normal.begin() == ".git") refuse("git's own files are never copied");
    if (hasGlob(normal.parent_path().string()))
        refuse("globs are supported in the last path component only");
    return normal;
}

class Planner {
  public:
    explicit Planner(fs::path root) : root_(std::move(root)) {}

    void addPattern(const std::string& pattern) {
        fs::path rel = checkedPattern(pattern);
        std::string last = rel.filename().string();
        if (!hasGlob(last)) return addMatch(rel, pattern);
        fs::path dir = root_ / rel.parent_path();
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) return;
        requireInside(dir, pattern);
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir)) {
            std::string name = entry.path().filename().string();
            if (name != ".git" && ::fnmatch(last.c_str(), name.c_str(), 0) == 0)
                names.push_back(name);
        }
        std::sort(names.begin(), names.end());
        for (const auto& name : names) addMatch(rel.parent_path() / name, pattern);
    }

    CopyPlan take() { return std::move(plan_); }

  private:
    void requireInside(const fs::path& source, const std::string& pattern) const {
        if (!isWithin(fs::weakly_canonical(source), root_))
            throw core::Error("cannot copy \"" + pattern + "\" into the worktree: " +
                              source.lexically_relative(root_).generic_string() +
                              " resolves outside the repository");
    }

    void addMatch(const fs::path& rel, const std::string& pattern) {
        fs::path source = root_ / rel;
        fs::file_status status = fs::symlink_status(source);
        if (!fs::exists(status) || !seen_.insert(rel.generic_string()).second) return;
        requireInside(source, pattern);
        plan_.matched.push_back(rel.generic_string());
        if (fs::is_symlink(status)) return add({rel, CopyEntry::Kind::Symlink}, 0);
        if (fs::is_regular_file(status))
            return add({rel, CopyEntry::Kind::File}, fs::file_size(source));
        if (!fs::is_directory(status)) return;  // sockets, fifos, devices: nothing to copy
        add({rel, CopyEntry::Kind::Directory}, 0);
        // The walk does not follow symlinks: each one is copied as a link, once its target is
        // known to stay inside the repository.
        for (auto it = fs::recursive_directory_iterator(source); it != fs::end(it); ++it) {
            fs::path inner = rel / it->path().lexically_relative(source);
            fs::file_status s = it->symlink_status();
            if (fs::is_symlink(s)) {
                requireInside(it->path(), pattern);
                add({inner, CopyEntry::Kind::Symlink}, 0);
            } else if (fs::is_directory(s)) {
                add({inner, CopyEntry::Kind::Directory}, 0);
            } else if (fs::is_regular_file(s)) {
                add({inner, CopyEntry::Kind::File}, it->file_size());
            }
        }
    }

    void add(CopyEntry entry, std::uintmax_t bytes) {
        bytes_ += bytes;
        if (plan_.entries.size() >= kMaxCopiedEntries)
            throw core::Error("refusing to copy more than " + std::to_string(kMaxCopiedEntries) +
                              " files into a new worktree; narrow .worktreeinclude");
        if (bytes_ > kMaxCopiedBytes)
            throw core::Error(
                "refusing to copy more than 1 GiB into a new worktree; narrow "
                ".worktreeinclude");
        plan_.entries.push_back(std::move(entry));
    }

    fs::path root_;
    CopyPlan plan_;
    std::set<std::string> seen_;
    std::uintmax_t bytes_ = 0;
};

void copyEntry(const fs::path& source, const fs::path& dest, CopyEntry::Kind kind) {
    switch (kind) {
        case CopyEntry::Kind::Directory:
            fs::create_directory(dest);
            fs::permissions(dest, fs::status(source).permissions());
            break;
        case CopyEntry::Kind::File:
            fs::copy_file(source, dest, fs::copy_options::none);
            break;
        case CopyEntry::Kind::Symlink:
            fs::copy_symlink(source, dest);
            break;
    }
}

}  // namespace

std::vector<std::string> readWorktreeInclude(const fs::path& repoRoot) {
    fs::path file = repoRoot / ".worktreeinclude";
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return {};
    if (fs::file_size(file, ec) > kMaxIncludeFileBytes)
        throw core::Error(file.string() + " is larger than 64 KiB");
    std::ifstream in(file);
    if (!in) throw core::Error("cannot read " + file.string());
    std::vector<std::string> patterns;
    std::string line;
    while (std::getline(in, line)) {
        std::string pattern = trim(line);
        if (pattern.empty() || pattern.front() == '#') continue;
        if (patterns.size() == kMaxIncludePatterns)
            throw core::Error(file.string() + " has more than " +
                              std::to_string(kMaxIncludePatterns) + " entries");
        patterns.push_back(std::move(pattern));
    }
    return patterns;
}

CopyPlan planCopies(const fs::path& repoRoot, const std::vector<std::string>& patterns) {
    try {
        Planner planner(fs::canonical(repoRoot));
        for (const auto& pattern : patterns) planner.addPattern(pattern);
        return planner.take();
    } catch (const fs::filesystem_error& e) {
        throw core::Error("cannot list the files to copy into the worktree: " +
                          std::string(e.what()));
    }
}

std::vector<std::string> copyIntoWorktree(const fs::path& repoRoot, const fs::path& worktree,
                                          const CopyPlan& plan) {
    fs::path root = fs::canonical(repoRoot);
    fs::path target = fs::canonical(worktree);
    std::set<std::string> matched(plan.matched.begin(), plan.matched.end());
    std::vector<std::string> copied;
    for (const auto& entry : plan.entries) {
        fs::path dest = target / entry.relative;
        try {
            // A directory git checked out may be a symlink to anywhere; resolve before writing.
            if (!isWithin(fs::weakly_canonical(dest.parent_path()), target))
                throw core::Error("cannot copy " + entry.relative.generic_string() +
                                  " into the worktree: its directory resolves outside it");
            if (fs::exists(fs::symlink_status(dest))) continue;  // the checkout's version wins
            fs::create_directories(dest.parent_path());
            copyEntry(root / entry.relative, dest, entry.kind);
            std::string name = entry.relative.generic_string();
            if (matched.count(name) != 0) copied.push_back(std::move(name));
        } catch (const fs::filesystem_error& e) {
            throw core::Error("cannot copy " + entry.relative.generic_string() +
                              " into the worktree: " + e.code().message());
        }
    }
    return copied;
}

}  // namespace parawork::git
