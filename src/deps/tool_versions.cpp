#include "deps/tool_versions.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/executables.hpp"
#include "core/pipe.hpp"
#include "core/read_until.hpp"
#include "core/spawn_setup.hpp"
#include "deps/version_hints.hpp"

extern char** environ;

namespace parawork::deps {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxOutput = 64 * 1024;

}  // namespace

std::vector<std::string> versionArguments(std::string_view tool) {
    if (tool == "go") return {"version"};
    if (tool == "java") return {"-version"};  // Java 8 knows no --version
    return {"--version"};
}

VersionOutput runVersionCommand(const fs::path& program, const std::vector<std::string>& args,
                                std::chrono::milliseconds timeout) {
    std::optional<core::Pipe> pipe = core::Pipe::tryOpen();
    if (!pipe) return {std::nullopt, "cannot create a pipe"};
    std::vector<std::string> words{program.string()};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);

    core::SpawnSetup setup;
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, pipe->write.get(), 1);
    posix_spawn_file_actions_adddup2(&setup.actions, pipe->write.get(), 2);
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);
    // Not in the daemon's directory: a `--version` that writes files must not write there.
    posix_spawn_file_actions_addchdir_np(&setup.actions, "/");
    // Its own process group (a timeout kills what it started too), default signals, no mask.
    setup.ownProcessGroupWithDefaultSignals();
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, argv[0], &setup.actions, &setup.attr, argv.data(), environ);
    if (rc != 0) return {std::nullopt, std::string("cannot run it: ") + std::strerror(rc)};
    pipe->write.reset();

    // Output past the limit is drained and dropped; a failed read ends it (the status tells).
    core::ReadResult read = core::readUntil(pipe->read.get(), Clock::now() + timeout, kMaxOutput,
                                            core::PastLimit::drop);
    bool finished = read.stop != core::ReadStop::deadline;
    const std::string& output = read.data;
    if (!finished) ::kill(-pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!finished)
        return {std::nullopt, "`" + program.filename().string() + " " + args.front() +
                                  "` timed out after " + std::to_string(timeout.count()) + " ms"};
    auto version = extractVersion(output);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && version) return {version, std::nullopt};
    std::string why = WIFEXITED(status) ? "exited with " + std::to_string(WEXITSTATUS(status))
                                        : "died of signal " + std::to_string(WTERMSIG(status));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) why = "printed no version";
    return {std::nullopt, "`" + program.filename().string() + " " + args.front() + "` " + why};
}

ToolVersions::ToolVersions(std::chrono::seconds ttl, std::chrono::milliseconds timeout)
    : ttl_(ttl), timeout_(timeout) {}

ToolStatus ToolVersions::probe(const std::string& tool, std::string_view pathVariable) {
    ToolStatus status;
    status.name = tool;
    auto found = core::findExecutable(tool, pathVariable, "/");
    if (!found) return status;
    status.found = true;
    status.path = found->string();
    std::error_code ec;
    auto modified = fs::last_write_time(*found, ec);
    auto now = Clock::now();
    {
        std::lock_guard lock(mutex_);
        auto it = cache_.find(status.path);
        if (it != cache_.end() && it->second.modified == modified && now - it->second.at < ttl_) {
            status.version = it->second.output.version;
            status.problem = it->second.output.problem;
            return status;
        }
    }
    // Run without the lock: a slow tool must not hold up every other probe.
    VersionOutput output = runVersionCommand(*found, versionArguments(tool), timeout_);
    {
        std::lock_guard lock(mutex_);
        cache_[status.path] = {output, modified, now};
        ++commandsRun_;
    }
    status.version = output.version;
    status.problem = output.problem;
    return status;
}

std::size_t ToolVersions::commandsRun() const {
    std::lock_guard lock(mutex_);
    return commandsRun_;
}

}  // namespace parawork::deps
