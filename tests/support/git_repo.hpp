// Real git repositories for integration tests: a repository with one commit on `main`,
// optionally cloned from a bare "origin" so that origin/main exists.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "support/daemon_process.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::test {

/// Runs git with a fixed identity; throws core::Error when it fails.
std::string git(const std::filesystem::path& dir, const std::vector<std::string>& args);

/// A repository in its own TempDir: `<dir>/<name>` with README.md committed on main.
class GitRepo {
  public:
    /// withOrigin: the repository is a clone of a bare `<dir>/origin.git`.
    explicit GitRepo(const std::string& name = "project", bool withOrigin = false);
    const std::filesystem::path& path() const { return path_; }
    const std::filesystem::path& base() const { return dir_.path(); }
    /// Writes a file (creating directories) without committing it.
    void write(const std::string& relative, const std::string& content) const;
    /// Adds everything and commits.
    void commit(const std::string& message) const;
    /// The local branch names.
    std::vector<std::string> branches() const;

  private:
    TempDir dir_{"pw-repo"};
    std::filesystem::path path_;
};

}  // namespace parawork::test
