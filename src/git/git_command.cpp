// Spawning git with posix_spawn: stdin from /dev/null, stdout and stderr through pipes read with
// core::readUntil until EOF, a deadline after which the process group is killed (hooks included).
#include "git/git_command.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "core/error.hpp"
#include "core/pipe.hpp"
#include "core/read_until.hpp"
#include "core/spawn_setup.hpp"

extern char** environ;

namespace parawork::git {
namespace {

/// Variables that would point git at another repository than the one in "-C": set when the
/// daemon itself was started from a git hook or by a script inside a repository.
const std::set<std::string, std::less<>> kRepositoryVariables = {
    "GIT_DIR",        "GIT_WORK_TREE",          "GIT_INDEX_FILE",
    "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",   "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",  "GIT_CEILING_DIRECTORIES"};

std::vector<std::string> buildEnvironment(const GitCommand& command) {
    std::vector<std::pair<std::string, std::string>> extra = {{"GIT_TERMINAL_PROMPT", "0"},
                                                              {"LC_ALL", "C"}};
    extra.insert(extra.end(), command.env.begin(), command.env.end());
    std::set<std::string, std::less<>> overridden;
    for (const auto& [key, value] : extra) overridden.insert(key);

    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string_view entry(*e);
        std::string_view key = entry.substr(0, entry.find('='));
        if (kRepositoryVariables.count(key) != 0 || overridden.count(key) != 0) continue;
        env.emplace_back(entry);
    }
    // Later additions win over earlier ones with the same key.
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        bool laterSame = false;
        for (auto later = it + 1; later != extra.end(); ++later)
            laterSame |= later->first == it->first;
        if (!laterSame) env.push_back(it->first + "=" + it->second);
    }
    return env;
}

std::string describe(const GitCommand& command) {
    std::string text = "git";
    for (std::size_t i = 0; i < command.args.size() && i < 2; ++i) text += " " + command.args[i];
    return text;
}

pid_t spawnGit(const GitCommand& command, const core::Pipe& out, const core::Pipe& err) {
    std::vector<std::string> args{command.gitBinary};
    if (!command.cwd.empty()) {
        args.push_back("-C");
        args.push_back(command.cwd.string());
    }
    args.insert(args.end(), command.args.begin(), command.args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = buildEnvironment(command);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);

    core::SpawnSetup setup;
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, out.write.get(), 1);
    posix_spawn_file_actions_adddup2(&setup.actions, err.write.get(), 2);
    // Descriptors the daemon forgot to mark close-on-exec must not leak into git and its hooks.
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);
    if (!command.processDirectory.empty())
        posix_spawn_file_actions_addchdir_np(&setup.actions, command.processDirectory.c_str());
    // Its own process group, so a timeout kills hooks and helpers too; default signal handling
    // and an empty mask, whatever the daemon's threads have set.
    setup.ownProcessGroupWithDefaultSignals();

    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, argv[0], &setup.actions, &setup.attr, argv.data(), envp.data());
    if (rc == ENOENT)
        throw core::Error("git is not installed (\"" + command.gitBinary +
                          "\" was not found); install git to use repositories and workspaces");
    if (rc != 0) core::throwErrno("cannot run " + command.gitBinary, rc);
    return pid;
}

/// Reads both pipes until EOF; returns false if the deadline passed first.
bool drain(const GitCommand& command, const core::Pipe& out, const core::Pipe& err,
           GitResult& result) {
    const int fds[] = {out.read.get(), err.read.get()};
    auto read = core::readUntil(fds, core::ReadClock::now() + command.timeout, command.outputLimit,
                                core::PastLimit::drop);
    for (const core::ReadResult& stream : read) {
        if (stream.stop != core::ReadStop::error) continue;
        if (stream.pollFailed) core::throwErrno("cannot wait for git's output", stream.error);
        core::throwErrno("cannot read git's output", stream.error);
    }
    result.out = std::move(read[0].data);
    result.err = std::move(read[1].data);
    result.outTruncated = read[0].truncated;
    result.errTruncated = read[1].truncated;
    return read[0].stop != core::ReadStop::deadline && read[1].stop != core::ReadStop::deadline;
}

int waitFor(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) core::throwErrno("cannot wait for git");
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

}  // namespace

GitResult runGit(const GitCommand& command) {
    core::Pipe out = core::Pipe::open("cannot create a pipe for git");
    core::Pipe err = core::Pipe::open("cannot create a pipe for git");
    pid_t pid = spawnGit(command, out, err);
    out.write.reset();
    err.write.reset();

    GitResult result;
    bool finished = false;
    try {
        finished = drain(command, out, err, result);
    } catch (...) {
        ::kill(-pid, SIGKILL);
        waitFor(pid);
        throw;
    }
    if (!finished) {
        ::kill(-pid, SIGKILL);
        waitFor(pid);
        auto ms = command.timeout.count();
        throw core::Error(
            describe(command) + " did not finish within " +
            (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms") +
            " and was stopped");
    }
    result.exitCode = waitFor(pid);
    return result;
}

GitResult runGitChecked(const GitCommand& command, std::string_view what) {
    GitResult result = runGit(command);
    if (!result.ok()) {
        std::string message = gitMessage(result);
        if (message.empty())
            message = describe(command) + " exited with status " + std::to_string(result.exitCode);
        throw core::Error(std::string(what) + ": " + message);
    }
    return result;
}

std::string gitMessage(const GitResult& result) {
    constexpr std::size_t kMaxMessage = 1000;
    std::string text;
    std::size_t start = 0;
    const std::string& err = result.err;
    // Keep the lines that carry meaning; "Preparing worktree ..." and hints are noise here.
    while (start < err.size()) {
        std::size_t end = err.find('\n', start);
        if (end == std::string::npos) end = err.size();
        std::string_view line(err.data() + start, end - start);
        start = end + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        if (line.empty() || line.starts_with("hint:") || line.starts_with("Preparing worktree"))
            continue;
        for (std::string_view prefix : {"fatal: ", "error: "}) {
            if (line.starts_with(prefix)) line.remove_prefix(prefix.size());
        }
        if (!text.empty()) text += "; ";
        text += line;
    }
    if (text.size() > kMaxMessage) text = text.substr(0, kMaxMessage) + "…";
    return text;
}

}  // namespace parawork::git
