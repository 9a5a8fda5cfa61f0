// Small pieces shared by the branch-sync, merge-back and archive plumbing: git's NUL-separated
// lists read into bounded vectors, and commands that never wait for a person.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "git/git_command.hpp"

namespace parawork::git {

/// The non-empty fields of a NUL-separated list (`-z` output), at most `limit` of them; an empty
/// field ends the list (merge-tree's names are followed by an empty field and its messages).
std::vector<std::string> splitNulList(std::string_view text, std::size_t limit);

/// Every non-empty field of a NUL-separated list, at most `limit` (empty fields separate records,
/// as in `git worktree list --porcelain -z`).
std::vector<std::string> splitNulListAll(std::string_view text, std::size_t limit = 100000);

/// The paths of `git status --porcelain=v1 -z` output (a rename's old name skipped), at most
/// `limit`.
std::vector<std::string> statusPaths(std::string_view porcelain, std::size_t limit);

/// GIT_EDITOR and GIT_SEQUENCE_EDITOR that accept what git proposes.
std::vector<std::pair<std::string, std::string>> nonInteractiveEnv();

/// For a command that may reach a remote over ssh: unless the user chose how git runs ssh
/// (GIT_SSH_COMMAND, GIT_SSH, core.sshCommand — which an environment setting would override),
/// ssh in batch mode, which never asks for a passphrase or a host key on a terminal the daemon
/// does not have.
void useBatchSsh(GitCommand& command, const std::filesystem::path& repo);

/// `git <args>` run in `dir` with nonInteractiveEnv().
GitCommand nonInteractiveCommand(const std::filesystem::path& dir, std::vector<std::string> args,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// The file `name` in the git directory of the worktree at `worktree` (`git rev-parse
/// --git-path`: a linked worktree's own files are in its private directory), absolute. Throws
/// core::Error when git cannot say.
std::filesystem::path gitDirPath(const std::filesystem::path& worktree, const std::string& name);

/// The text up to the first newline (git's one-line answers: an id, a path).
std::string firstLine(const std::string& text);

}  // namespace parawork::git
