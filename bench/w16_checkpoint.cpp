// W16: checkpoints (issue 20), two rows.
//
// W16, a checkpoint of a big worktree: a 50,000-file repository (made once with
// `git fast-import`: one commit on main, 500 directories of 100 small files) whose worktree holds
// 100 changed files: the worktree of a daemon's workspace on it, with a command session running
// there (so that the daemon's file watcher follows it, as it does while an agent works). Each
// repetition changes the 100 files again (so each checkpoint has 100 files to take in), then times
// `POST /api/workspaces/:id/checkpoints` (over the unix socket) and, alternating, the anchor
// `git stash create` on the same tree (which also writes a commit without touching the
// worktree, but leaves untracked files out). Reported: the medians; the workspace's first
// checkpoint, which looks at every file, in the note.
//
// W16b, the merge check of the same repository: `git merge-tree --write-tree main work` where
// both branches changed 100 different files since their fork (what the branch part's merge
// check runs). Target: <= 200 ms.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <boost/json/serialize.hpp>

#include "bench_support.hpp"
#include "core/error.hpp"
#include "support/session_api.hpp"
#include "workload.hpp"

extern char** environ;

namespace parawork::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kFilesPerDir = 100;
constexpr int kChanged = 100;

std::string filePath(int n) {
    char path[32];
    std::snprintf(path, sizeof path, "d%03d/f%05d.txt", n / kFilesPerDir, n);
    return path;
}

std::string git(const fs::path& repo, std::vector<std::string> args) {
    std::vector<std::string> argv{
        "git", "-C", repo.string(), "-c", "user.name=bench", "-c", "user.email=bench@localhost"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProgramResult r = runProgram(argv);
    if (r.exitCode != 0) throw std::runtime_error("git " + args.front() + " failed");
    return r.out;
}

/// One fast-import commit of `paths` (with `tag` in their content) on `ref`, after `from`.
void commitCommand(std::ofstream& out, const std::string& ref, const std::string& from,
                   const std::vector<int>& files, const std::string& tag) {
    out << "commit " << ref << "\ncommitter bench <bench@localhost> 1700000000 +0000\n"
        << "data 5\nbench\n";
    if (!from.empty()) out << "from " << from << "\n";
    for (int n : files) {
        std::string content = "file " + std::to_string(n) + " " + tag + "\n";
        out << "M 100644 inline " << filePath(n) << "\ndata " << content.size() << "\n"
            << content << "\n";
    }
    out << "\n";
}

void runWithStdin(const std::vector<std::string>& argv, const fs::path& input) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, input.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) core::throwErrno("posix_spawnp " + argv[0], rc);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(argv[0] + " " + argv[1] + " failed");
}

/// The repository: main (all files, then 100 changed), work (100 others changed), checked out
/// on main with kChanged files changed in the worktree.
fs::path makeRepository(const fs::path& dir, int files) {
    fs::path repo = dir / "repo";
    fs::create_directories(repo);
    git(repo, {"init", "-q", "-b", "main"});
    fs::path stream = dir / "import.txt";
    {
        std::ofstream out(stream, std::ios::binary);
        std::vector<int> all(static_cast<std::size_t>(files));
        for (int i = 0; i < files; ++i) all[static_cast<std::size_t>(i)] = i;
        commitCommand(out, "refs/heads/main", "", all, "v0");
        out << "reset refs/heads/work\nfrom refs/heads/main\n\n";
        std::vector<int> ours, theirs;
        for (int i = 0; i < kChanged; ++i) ours.push_back(i * 7), theirs.push_back(i * 7 + 3);
        commitCommand(out, "refs/heads/work", "", theirs, "work");
        commitCommand(out, "refs/heads/main", "", ours, "main");
    }
    runWithStdin({"git", "-C", repo.string(), "fast-import", "--quiet"}, stream);
    git(repo, {"reset", "-q", "--hard", "main"});
    for (int i = 0; i < kChanged; ++i) {
        std::ofstream out(repo / filePath(i * 11 + 5), std::ios::app);
        out << "changed in the worktree\n";
    }
    return repo;
}

double timed(const std::function<void()>& f) {
    auto start = Clock::now();
    f();
    return millisecondsBetween(start, Clock::now());
}

/// The repository both rows use, made on first use and kept until the runner exits.
const fs::path& sharedRepository(int files) {
    static std::unique_ptr<test::TempDir> dir;
    static fs::path repo;
    if (!dir) {
        dir = std::make_unique<test::TempDir>("pw-w16");
        repo = makeRepository(dir->path(), files);
    }
    return repo;
}

/// The worktree's 100 changed files changed again.
void changeTheChangedFiles(const fs::path& repo, int rep) {
    for (int i = 0; i < kChanged; ++i) {
        std::ofstream out(repo / filePath(i * 11 + 5), std::ios::app);
        out << "rep " << rep << "\n";
    }
}

Result runCheckpoint(const RunOptions& options) {
    int files = options.quick ? 5000 : 50000;
    const fs::path& repo = sharedRepository(files);
    test::DaemonProcess daemon;
    test::SessionApi api(daemon);
    // A workspace on a git repository is a worktree of its own, as an agent's is.
    std::string workspace = api.createWorkspace(repo.string());
    fs::path worktree(std::string(
        api.call("GET", "/api/workspaces/" + workspace).at("data").at("path").as_string()));
    changeTheChangedFiles(worktree, -2);  // the 100 changed files
    // A session in the workspace: its files are watched while it runs.
    std::string session = api.start(workspace, {"sleep", "3600"}).at("id").as_string().c_str();
    Finally stopSession([&] {
        try {
            api.call("POST", "/api/sessions/" + session + "/stop");
        } catch (const std::exception&) {
        }
    });
    auto checkpoint = [&] {
        unsigned status = 0;
        auto answer = api.call("POST", "/api/workspaces/" + workspace + "/checkpoints",
                               R"({"label":"bench"})", &status);
        // Each one has 100 files changed since the one before: a checkpoint not made missed them.
        const auto* data = answer.is_object() ? answer.as_object().if_contains("data") : nullptr;
        if (status != 201 || !data || !data->is_object() || data->as_object().at("created") != true)
            throw std::runtime_error("checkpoint: " + boost::json::serialize(answer));
    };
    changeTheChangedFiles(worktree, -1);
    double first = timed(checkpoint);
    std::vector<double> ours, stash;
    for (int rep = 0; rep < options.repetitions * 2; ++rep) {
        checkInterrupted();
        changeTheChangedFiles(worktree, rep);
        auto stashCreate = [&] { git(worktree, {"stash", "create"}); };
        if (rep % 2 == 0) {
            ours.push_back(timed(checkpoint));
            stash.push_back(timed(stashCreate));
        } else {
            stash.push_back(timed(stashCreate));
            ours.push_back(timed(checkpoint));
        }
    }
    Result r;
    r.id = "W16";
    r.workload = "checkpoint of a " + std::to_string(files) + "-file worktree, 100 files changed";
    r.unit = "ms";
    r.ours = median(ours);
    r.oursP99 = percentile(ours, 99);
    r.anchor = median(stash);
    r.anchorName = "git stash create";
    r.target = "p50 <= 150 ms and <= git stash create";
    r.holds = r.ours <= 150 && r.ours <= *r.anchor;
    char firstText[32];
    std::snprintf(firstText, sizeof firstText, "%.1f", first);
    r.note = std::to_string(ours.size()) + " checkpoints through the daemon, each after the 100 " +
             "files changed again, alternating with the anchor; the workspace's first " +
             "(every file looked at): " + firstText + " ms" +
             (options.quick ? " (--quick: 5,000 files)" : "");
    return r;
}

Result runMergeCheck(const RunOptions& options) {
    int files = options.quick ? 5000 : 50000;
    const fs::path& repo = sharedRepository(files);
    std::vector<double> merge;
    for (int rep = 0; rep < options.repetitions * 2; ++rep) {
        checkInterrupted();
        merge.push_back(timed([&] { git(repo, {"merge-tree", "--write-tree", "main", "work"}); }));
    }
    Result r;
    r.id = "W16b";
    r.workload = "git merge-tree --write-tree main work, " + std::to_string(files) +
                 " files, 100 changed on each side";
    r.unit = "ms";
    r.ours = median(merge);
    r.oursP99 = percentile(merge, 99);
    r.target = "<= 200 ms";
    r.holds = r.ours <= 200;
    r.note = std::to_string(merge.size()) + " runs on W16's repository";
    return r;
}

Register checkpoint("W16", runCheckpoint);
Register mergeCheck("W16", runMergeCheck);

}  // namespace
}  // namespace parawork::bench
