// Real git repositories in temporary directories for the git room's unit tests: a sandbox per
// test, `git init` with a local identity, commits, and a bare "origin" to clone from.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "git/git_command.hpp"
#include "unit_support/read_file.hpp"
#include "unit_support/temp_dir.hpp"

namespace parawork::git::testing {

using test::readFile;

namespace fs = std::filesystem;

/// The user's ~/.gitconfig and /etc/gitconfig (signing, hooks paths, default branch names) must
/// not change what these tests see, for the git CLI and for the code under test alike.
inline void isolateFromUserConfig() {
    static std::once_flag once;
    std::call_once(once, [] {
        ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
        ::setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
    });
}

/// A temporary directory removed with its contents at the end of the test.
class Sandbox {
  public:
    Sandbox() {
        isolateFromUserConfig();
        path_ = fs::canonical(dir_.path());
    }

    const fs::path& path() const { return path_; }
    fs::path operator/(const fs::path& rel) const { return path_ / rel; }

  private:
    test::TempDir dir_{"pw-git"};
    fs::path path_;  ///< dir_, canonical (as the code under test sees it)
};

/// Runs git in `cwd` and returns its stdout; a failure fails the test with git's message.
inline std::string git(const fs::path& cwd, std::vector<std::string> args) {
    GitCommand command;
    command.cwd = cwd;
    command.args = std::move(args);
    GitResult result = runGit(command);
    if (!result.ok()) {
        ADD_FAILURE() << "git " << command.args[0] << " failed: " << result.err;
        throw std::runtime_error("git failed");
    }
    return result.out;
}

inline void writeFile(const fs::path& path, std::string_view content) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

inline void commitAll(const fs::path& repo, const std::string& message) {
    git(repo, {"add", "-A"});
    git(repo, {"commit", "-q", "--no-verify", "-m", message});
}

/// `git init` on branch `branch` with a local identity and one commit holding README.md.
inline fs::path makeRepo(const fs::path& dir, const std::string& branch = "main") {
    fs::create_directories(dir);
    git(dir, {"init", "-q", "-b", branch});
    git(dir, {"config", "user.name", "Parawork Test"});
    git(dir, {"config", "user.email", "test@parawork.invalid"});
    writeFile(dir / "README.md", "hello\n");
    commitAll(dir, "first");
    return dir;
}

/// A checkout cloned from a bare "origin" (so origin/HEAD and the remote URL are set), made in
/// `sandbox`: <sandbox>/upstream (source), <sandbox>/origin.git, <sandbox>/<name>.
inline fs::path makeClone(const Sandbox& sandbox, const std::string& name,
                          const std::string& branch = "main") {
    makeRepo(sandbox / "upstream", branch);
    git(sandbox.path(), {"clone", "-q", "--bare", "upstream", "origin.git"});
    git(sandbox.path(), {"clone", "-q", "origin.git", name});
    fs::path clone = sandbox / name;
    git(clone, {"config", "user.name", "Parawork Test"});
    git(clone, {"config", "user.email", "test@parawork.invalid"});
    return clone;
}

}  // namespace parawork::git::testing
