// git's -z lists and the non-interactive environment.
#include "git/git_lists.hpp"

#include <cstdlib>

namespace parawork::git {

namespace {

std::vector<std::string> nulFields(std::string_view text, std::size_t limit, bool stopAtEmpty) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (start < text.size() && fields.size() < limit) {
        std::size_t end = text.find('\0', start);
        if (end == std::string_view::npos) end = text.size();
        if (end == start && stopAtEmpty) break;
        if (end > start) fields.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return fields;
}

}  // namespace

std::vector<std::string> splitNulList(std::string_view text, std::size_t limit) {
    return nulFields(text, limit, true);
}

std::vector<std::string> splitNulListAll(std::string_view text, std::size_t limit) {
    return nulFields(text, limit, false);
}

std::vector<std::string> statusPaths(std::string_view porcelain, std::size_t limit) {
    std::vector<std::string> paths;
    std::size_t start = 0;
    while (start < porcelain.size() && paths.size() < limit) {
        std::size_t end = porcelain.find('\0', start);
        if (end == std::string_view::npos) end = porcelain.size();
        std::string_view entry = porcelain.substr(start, end - start);
        start = end + 1;
        if (entry.size() < 4) continue;
        paths.emplace_back(entry.substr(3));
        // A rename or copy is followed by its source's name: not a path of its own.
        if (entry[0] == 'R' || entry[0] == 'C') {
            std::size_t next = porcelain.find('\0', start);
            start = next == std::string_view::npos ? porcelain.size() : next + 1;
        }
    }
    return paths;
}

std::vector<std::pair<std::string, std::string>> nonInteractiveEnv() {
    return {{"GIT_EDITOR", "true"}, {"GIT_SEQUENCE_EDITOR", "true"}, {"GIT_MERGE_AUTOEDIT", "no"}};
}

void useBatchSsh(GitCommand& command, const std::filesystem::path& repo) {
    if (std::getenv("GIT_SSH_COMMAND") != nullptr || std::getenv("GIT_SSH") != nullptr) return;
    GitResult config = runGit({.args = {"config", "--get", "core.sshCommand"}, .cwd = repo});
    if (config.ok() && !config.out.empty()) return;
    command.env.emplace_back("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
}

}  // namespace parawork::git

namespace parawork::git {

GitCommand nonInteractiveCommand(const std::filesystem::path& dir, std::vector<std::string> args,
                                 std::chrono::milliseconds timeout) {
    GitCommand command;
    command.cwd = dir;
    command.args = std::move(args);
    command.env = nonInteractiveEnv();
    command.timeout = timeout;
    return command;
}

std::string firstLine(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

std::filesystem::path gitDirPath(const std::filesystem::path& worktree, const std::string& name) {
    GitResult r = runGitChecked(nonInteractiveCommand(worktree, {"rev-parse", "--git-path", name}),
                                "cannot read the git directory");
    std::filesystem::path path(firstLine(r.out));
    return path.is_absolute() ? path : worktree / path;
}

}  // namespace parawork::git
