// Real directory trees for the files room's unit tests: a sandbox under /tmp per test (removed
// at the end), with helpers for directories, files, symlinks and git repositories.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "files/path_rules.hpp"
#include "git/git_command.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::files::testing {

namespace fs = std::filesystem;

class Sandbox {
  public:
    Sandbox() {
        // The user's git configuration must not change what the tests see.
        static std::once_flag once;
        std::call_once(once, [] {
            ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
            ::setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
        });
        path_ = fs::canonical(dir_.path());
    }

    const fs::path& path() const { return path_; }
    fs::path operator/(const fs::path& rel) const { return path_ / rel; }
    std::string str(const fs::path& rel = {}) const {
        return rel.empty() ? path_.string() : (path_ / rel).string();
    }

    fs::path mkdir(const fs::path& rel) const {
        fs::create_directories(path_ / rel);
        return path_ / rel;
    }
    fs::path write(const fs::path& rel, const std::string& content = "x") const {
        fs::create_directories((path_ / rel).parent_path());
        std::ofstream(path_ / rel) << content;
        return path_ / rel;
    }
    fs::path symlink(const fs::path& target, const fs::path& rel) const {
        fs::create_symlink(target, path_ / rel);
        return path_ / rel;
    }
    /// `git init` (branch main); with `commit`, one empty commit so that HEAD has a branch.
    fs::path gitRepo(const fs::path& rel, bool commit = false, const std::string& origin = {}) {
        fs::path dir = mkdir(rel);
        git("init", dir, {"-q", "-b", "main"});
        if (commit)
            git("commit", dir, {"-q", "--allow-empty", "-m", "first", "--no-gpg-sign"},
                {"-c", "user.name=t", "-c", "user.email=t@example.com"});
        if (!origin.empty()) git("remote", dir, {"add", "origin", origin});
        return dir;
    }
    Roots roots() const { return makeRoots({path_.string()}, ""); }

  private:
    static void git(const std::string& command, const fs::path& dir,
                    const std::vector<std::string>& args,
                    const std::vector<std::string>& before = {}) {
        parawork::git::GitCommand c;
        c.args = before;
        c.args.push_back(command);
        c.args.insert(c.args.end(), args.begin(), args.end());
        c.cwd = dir;
        parawork::git::runGitChecked(c, "git " + command);
    }
    test::TempDir dir_{"pw-files"};
    fs::path path_;  ///< dir_, canonical (as the code under test sees it)
};

/// Runs `check` in a child process that is not root — the tests run as root, and root reads
/// every directory. Root becomes the user nobody (65534); anyone else stays who they are.
/// True when `check` returned true.
template <typename Check>
bool asUnprivileged(Check check) {
    pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(2);
        ::_exit(check() ? 0 : 1);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace parawork::files::testing
