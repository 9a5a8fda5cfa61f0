// The file watcher against real inotify, real git repositories and a real SQLite file: what it
// records, what it skips, and that floods stay bounded. Waits poll for an outcome with a generous
// deadline; nothing here asserts on timing.
#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#if defined(__SANITIZE_ADDRESS__)
#define PARAWORK_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARAWORK_TEST_ASAN 1
#endif
#endif
#ifdef PARAWORK_TEST_ASAN
// From <sanitizer/allocator_interface.h>, which clang ships and GCC 12 does not (libasan has it).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#else
#include <malloc.h>
#endif

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "git_fixture.hpp"
#include "store/file_changes.hpp"
#include "store/sessions.hpp"
#include "store/workspaces.hpp"
#include "store_fixture.hpp"
#include "watch/file_watcher.hpp"

namespace parawork::watch {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using core::ChangeType;
using git::testing::writeFile;

/// Polls `done` every 20 ms for up to `timeout`.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 15s) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

/// Bytes allocated and not freed: what the code holds. Not RSS, which also counts freed memory an
/// allocator keeps (glibc's arenas; ASan's quarantine of up to 256 MiB), so that a bound means
/// the same with and without sanitizers.
std::size_t liveHeapBytes() {
#ifdef PARAWORK_TEST_ASAN
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 m = ::mallinfo2();  // every arena's, including the watcher thread's
    return m.uordblks + m.hblkhd;
#endif
}

class FileWatcherTest : public ::testing::Test {
  protected:
    void SetUp() override {
        repo_ = git::testing::makeRepo(sandbox_ / "repo");
        git::testing::writeFile(repo_ / "tracked.txt", "one\ntwo\n");
        git::testing::commitAll(repo_, "tracked");
        addWorkspace("w1", repo_);
        options_.quietPeriod = 100ms;
        options_.maxDelay = 1s;
    }

    void addWorkspace(const std::string& id, const fs::path& path) {
        auto w = store::fixture::makeWorkspace(id);
        w.path = path.string();
        store::insertWorkspace(db_, w);
    }

    core::Session addSession(const std::string& id, const std::string& workspaceId,
                             core::SessionKind kind = core::SessionKind::Command,
                             std::int64_t startedAt = 1000) {
        auto s =
            store::fixture::makeSession(id, workspaceId, core::SessionStatus::Running, startedAt);
        s.kind = kind;
        store::insertSession(db_, s);
        return s;
    }

    FileWatcher& start() {
        watcher_ = std::make_unique<FileWatcher>(
            db_,
            [this](const std::string& workspaceId, std::string event) {
                std::lock_guard lock(mutex_);
                events_.emplace_back(workspaceId, std::move(event));
            },
            options_);
        return *watcher_;
    }

    /// Starts the watcher with one running command session s1 in w1 and waits for its watch.
    FileWatcher& watchRepo() {
        auto& w = start();
        w.sessionRunning(addSession("s1", "w1"));
        w.sync();
        return w;
    }

    std::vector<core::FileChange> rows(const std::string& session = "s1") {
        return store::listFileChangesBySession(db_, session);
    }

    /// Waits for a row of `path` and returns the newest one.
    core::FileChange waitForRow(const std::string& path, const std::string& session = "s1") {
        std::optional<core::FileChange> found;
        eventually([&] {
            for (auto& r : rows(session)) {
                if (r.filePath != path) continue;
                found = r;
                return true;
            }
            return false;
        });
        if (!found) ADD_FAILURE() << "no row for " << path;
        return found.value_or(core::FileChange{});
    }

    std::vector<std::string> paths(const std::string& session = "s1") {
        std::vector<std::string> out;
        for (auto& r : rows(session)) out.push_back(r.filePath);
        std::sort(out.begin(), out.end());
        return out;
    }

    std::vector<std::pair<std::string, std::string>> events() {
        std::lock_guard lock(mutex_);
        return events_;
    }

    git::testing::Sandbox sandbox_;
    store::Database db_ = store::Database::open(sandbox_ / "parawork.db");
    fs::path repo_;
    WatcherOptions options_;
    std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> events_;
    std::unique_ptr<FileWatcher> watcher_;
};

TEST_F(FileWatcherTest, CreatedThenModifiedIsOneCreatedRowWithItsDiffAndAnEvent) {
    watchRepo();
    writeFile(repo_ / "a.txt", "hello\n");
    std::ofstream(repo_ / "a.txt", std::ios::app) << "more\n";
    auto row = waitForRow("a.txt");
    EXPECT_EQ(row.changeType, ChangeType::Created);
    ASSERT_TRUE(row.diff);
    EXPECT_NE(row.diff->find("+hello\n+more\n"), std::string::npos) << *row.diff;
    EXPECT_GT(row.timestamp, 0);

    ASSERT_TRUE(eventually([&] { return !events().empty(); }));
    auto [workspaceId, text] = events().front();
    EXPECT_EQ(workspaceId, "w1");
    auto event = json::parse(text);
    EXPECT_EQ(event.at("type"), "file_changed");
    EXPECT_EQ(event.at("data").at("sessionId"), "s1");
    EXPECT_EQ(event.at("data").at("workspaceId"), "w1");
    EXPECT_EQ(event.at("data").at("filePath"), "a.txt");
    EXPECT_EQ(event.at("data").at("changeType"), "created");
    EXPECT_EQ(event.at("data").at("timestamp").to_number<std::int64_t>(), row.timestamp);

    std::this_thread::sleep_for(300ms);  // nothing more comes of it
    EXPECT_EQ(rows().size(), 1u);
}

TEST_F(FileWatcherTest, AFileCreatedAndDeletedInTheWindowLeavesNoRow) {
    watchRepo();
    writeFile(repo_ / "scratch.tmp", "x");
    fs::remove(repo_ / "scratch.tmp");
    writeFile(repo_ / "marker.txt", "m\n");
    waitForRow("marker.txt");
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(paths(), std::vector<std::string>{"marker.txt"});
}

TEST_F(FileWatcherTest, ModificationsAndDeletionsOfTrackedFiles) {
    watchRepo();
    writeFile(repo_ / "tracked.txt", "one\nTWO\n");
    auto modified = waitForRow("tracked.txt");
    EXPECT_EQ(modified.changeType, ChangeType::Modified);
    ASSERT_TRUE(modified.diff);
    EXPECT_NE(modified.diff->find("-two\n+TWO\n"), std::string::npos) << *modified.diff;

    fs::remove(repo_ / "tracked.txt");
    ASSERT_TRUE(eventually([&] { return rows().size() == 2; }));
    auto deleted = rows().front();  // newest first
    EXPECT_EQ(deleted.filePath, "tracked.txt");
    EXPECT_EQ(deleted.changeType, ChangeType::Deleted);
    ASSERT_TRUE(deleted.diff);
    EXPECT_NE(deleted.diff->find("deleted file mode"), std::string::npos) << *deleted.diff;
    // Against the base: the committed lines go.
    EXPECT_NE(deleted.diff->find("-one\n-two\n"), std::string::npos) << *deleted.diff;
}

TEST_F(FileWatcherTest, BinaryFilesAndPlainDirectoriesHaveNoDiff) {
    fs::path plain = sandbox_ / "plain";
    fs::create_directories(plain);
    addWorkspace("w2", plain);
    auto& w = watchRepo();
    w.sessionRunning(addSession("s2", "w2"));
    w.sync();
    writeFile(repo_ / "blob.bin", std::string("\0\1\2\3binary\0", 11));
    writeFile(plain / "notes.txt", "text\n");
    EXPECT_EQ(waitForRow("blob.bin").diff, std::nullopt);
    auto plainRow = waitForRow("notes.txt", "s2");
    EXPECT_EQ(plainRow.changeType, ChangeType::Created);
    EXPECT_EQ(plainRow.diff, std::nullopt);
}

TEST_F(FileWatcherTest, IgnoredVendoredAndGitDirectoriesAreNotWatched) {
    writeFile(repo_ / ".gitignore", "generated/\n*.log\n");
    git::testing::commitAll(repo_, "ignore");
    // Present before the watch starts...
    fs::create_directories(repo_ / "node_modules/pkg/lib");
    fs::create_directories(repo_ / "generated/deep");
    fs::create_directories(repo_ / "src/build");
    fs::create_directories(repo_ / "src/code");
    auto& w = watchRepo();
    // root and src/code, src: nothing under .git, node_modules, generated or build.
    EXPECT_EQ(w.stats().directories, 3u);

    // ...and made while it runs.
    fs::create_directories(repo_ / "src/code/__pycache__");
    fs::create_directories(repo_ / "more/.venv/bin");
    writeFile(repo_ / "node_modules/pkg/lib/index.js", "x");
    writeFile(repo_ / "generated/deep/out.txt", "x");
    writeFile(repo_ / "src/build/out.o", "x");
    writeFile(repo_ / "src/code/__pycache__/m.pyc", "x");
    writeFile(repo_ / "more/.venv/bin/python", "x");
    writeFile(repo_ / "debug.log", "ignored file\n");
    git::testing::git(repo_, {"branch", "some-branch"});  // writes under .git
    writeFile(repo_ / "src/code/main.c", "int main;\n");
    writeFile(repo_ / "more/readme.md", "m\n");

    waitForRow("src/code/main.c");
    waitForRow("more/readme.md");
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(paths(), (std::vector<std::string>{"more/readme.md", "src/code/main.c"}));
    EXPECT_EQ(w.stats().directories, 4u);  // + more; src/code/__pycache__ and .venv skipped
}

TEST_F(FileWatcherTest, NewSubdirectoriesAreWatchedAndTheirFirstFilesFound) {
    auto& w = watchRepo();
    // Made faster than a watch can be added: the walk of the new directory finds the file.
    fs::create_directories(repo_ / "a/b/c");
    writeFile(repo_ / "a/b/c/early.txt", "e\n");
    waitForRow("a/b/c/early.txt");
    EXPECT_EQ(w.stats().directories, 4u);
    writeFile(repo_ / "a/b/c/late.txt", "l\n");
    auto late = waitForRow("a/b/c/late.txt");
    EXPECT_EQ(late.changeType, ChangeType::Created);
    EXPECT_EQ(waitForRow("a/b/c/early.txt").changeType, ChangeType::Created);

    // A directory moved in arrives with its files; a directory removed takes its watches along.
    fs::path outside = sandbox_ / "outside";
    writeFile(outside / "x/moved.txt", "m\n");
    fs::rename(outside, repo_ / "moved-in");
    waitForRow("moved-in/x/moved.txt");
    EXPECT_EQ(w.stats().directories, 6u);
    fs::remove_all(repo_ / "a");
    EXPECT_TRUE(eventually([&] {
        return rows().front().changeType == ChangeType::Deleted && w.stats().directories == 3u;
    })) << w.stats().directories;
}

TEST_F(FileWatcherTest, DirectoriesPerWorkspaceAreBounded) {
    for (int i = 0; i < 10; ++i) fs::create_directories(repo_ / ("d" + std::to_string(i)));
    options_.maxWatchesPerWorkspace = 4;
    auto& w = watchRepo();
    EXPECT_EQ(w.stats().directories, 4u);
    fs::create_directories(repo_ / "d0/new");  // beyond the bound: not watched
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(w.stats().directories, 4u);
}

TEST_F(FileWatcherTest, RowsPerSessionAreBounded) {
    options_.limits.maxRowsPerSession = 20;
    auto& w = watchRepo();
    for (int i = 0; i < 60; ++i) writeFile(repo_ / "many" / (std::to_string(i) + ".txt"), "x\n");
    ASSERT_TRUE(eventually([&] { return w.stats().recorded == 60; })) << w.stats().recorded;
    auto kept = rows();
    EXPECT_EQ(kept.size(), 20u);
    EXPECT_EQ(store::countFileChangesBySession(db_, "s1"), 20);
}

TEST_F(FileWatcherTest, ABurstOfTenThousandWritesStaysBounded) {
    fs::path plain = sandbox_ / "burst";
    fs::create_directories(plain);
    addWorkspace("w2", plain);
    options_.limits.maxRowsPerSession = 1000;
    options_.batchSize = 256;
    auto& w = watchRepo();
    w.sessionRunning(addSession("s2", "w2"));
    w.sync();
    std::size_t before = liveHeapBytes();

    // 10,000 appends to one tracked file: coalesced, a handful of rows at most.
    {
        std::ofstream out(repo_ / "tracked.txt", std::ios::app);
        for (int i = 0; i < 10000; ++i) out << i << '\n' << std::flush;
    }
    // 10,000 new files: every one is recorded, the newest 1000 rows are kept.
    for (int i = 0; i < 10000; ++i) writeFile(plain / ("f" + std::to_string(i)), "x");

    ASSERT_TRUE(eventually(
        [&] {
            auto s = w.stats();
            return s.pending == 0 && s.recorded + s.dropped >= 10001;
        },
        120s))
        << w.stats().recorded;
    auto stats = w.stats();
    EXPECT_EQ(stats.dropped, 0u);
    EXPECT_EQ(store::countFileChangesBySession(db_, "s2"), 1000);
    auto tracked = rows("s1");
    EXPECT_GE(tracked.size(), 1u);
    EXPECT_LE(tracked.size(), 10u);
    ASSERT_TRUE(tracked.front().diff);
    EXPECT_LE(tracked.front().diff->size(), options_.limits.maxDiffBytes);
    // One pending change per path, however many events: the appends folded into one.
    EXPECT_LE(stats.peakPending, 10001u);
    std::size_t after = liveHeapBytes();
    EXPECT_LT(after, before + (std::size_t{64} << 20))
        << "the heap in use grew from " << before << " to " << after;
}

TEST_F(FileWatcherTest, LostEventsAreRecoveredByARescan) {
    // The publish callback runs on the watcher's thread: holding it lets the kernel queue
    // (fs.inotify.max_queued_events, 16384 by default) overflow deterministically.
    std::mutex gateMutex;
    std::condition_variable gateOpened;
    bool open = false;
    std::atomic<bool> held{false};
    options_.batchSize = 1000;
    options_.limits.maxRowsPerSession = 20000;
    fs::create_directories(repo_ / "lost");  // watched from the start: its events can be lost
    watcher_ = std::make_unique<FileWatcher>(
        db_,
        [&](const std::string&, std::string) {
            held = true;
            std::unique_lock lock(gateMutex);
            gateOpened.wait(lock, [&] { return open; });
        },
        options_);
    watcher_->sessionRunning(addSession("s1", "w1"));
    watcher_->sync();
    writeFile(repo_ / "first.txt", "1\n");
    ASSERT_TRUE(eventually([&] { return held.load(); }));
    for (int i = 0; i < 12000; ++i) writeFile(repo_ / "lost" / ("f" + std::to_string(i)), "x");
    {
        std::lock_guard lock(gateMutex);
        open = true;
    }
    gateOpened.notify_all();
    ASSERT_TRUE(eventually([&] { return watcher_->stats().overflows >= 1; }));
    // Every file is recorded nonetheless: from events before the overflow, from modification
    // times after it (a file seen both ways may be recorded twice).
    ASSERT_TRUE(eventually([&] { return watcher_->stats().pending == 0; }, 120s));
    std::set<std::string> recorded;
    for (auto& r : rows())
        if (r.filePath.starts_with("lost/")) recorded.insert(r.filePath);
    EXPECT_EQ(recorded.size(), 12000u);
}

TEST_F(FileWatcherTest, ChangesGoToTheRunningAgentElseTheNewestCommand) {
    auto& w = start();
    w.sessionRunning(addSession("cmd-old", "w1", core::SessionKind::Command, 1000));
    w.sessionRunning(addSession("cmd-new", "w1", core::SessionKind::Command, 2000));
    w.sync();
    writeFile(repo_ / "one.txt", "1\n");
    waitForRow("one.txt", "cmd-new");

    w.sessionRunning(addSession("agent", "w1", core::SessionKind::Agent, 500));
    w.sync();
    writeFile(repo_ / "two.txt", "2\n");
    waitForRow("two.txt", "agent");

    auto agent = *store::findSession(db_, "agent");
    w.sessionEnded(agent);
    w.sync();
    writeFile(repo_ / "three.txt", "3\n");
    waitForRow("three.txt", "cmd-new");
    EXPECT_TRUE(rows("cmd-old").empty());
}

TEST_F(FileWatcherTest, TheWatchEndsWithTheLastSessionAndRecordsWhatIsPending) {
    options_.quietPeriod = 10s;  // nothing settles by itself in this test
    options_.maxDelay = 10s;
    auto& w = watchRepo();
    w.sessionRunning(addSession("s2", "w1"));
    // Terminals and setup runs are not watched: they neither start nor keep a watch.
    w.sessionRunning(addSession("term", "w1", core::SessionKind::Terminal));
    writeFile(repo_ / "last-words.txt", "bye\n");
    w.sessionEnded(*store::findSession(db_, "s1"));
    w.sync();
    EXPECT_EQ(w.stats().workspaces, 1u);
    w.sessionEnded(*store::findSession(db_, "s2"));
    w.sync();
    auto stats = w.stats();
    EXPECT_EQ(stats.workspaces, 0u);
    EXPECT_EQ(stats.directories, 0u);
    EXPECT_EQ(paths("s2"), std::vector<std::string>{"last-words.txt"});

    w.sessionRunning(addSession("setup", "w1", core::SessionKind::Setup));
    w.sync();
    EXPECT_EQ(w.stats().workspaces, 0u);
}

TEST_F(FileWatcherTest, OverlappingWorkspacesBothSeeTheirChanges) {
    fs::create_directories(repo_ / "sub");
    addWorkspace("w2", repo_ / "sub");
    auto& w = watchRepo();
    w.sessionRunning(addSession("s2", "w2"));
    w.sync();
    writeFile(repo_ / "sub/shared.txt", "s\n");
    waitForRow("sub/shared.txt", "s1");
    auto inner = waitForRow("shared.txt", "s2");
    ASSERT_TRUE(inner.diff);  // diffed against the repository, by its path there
    EXPECT_NE(inner.diff->find("b/sub/shared.txt"), std::string::npos) << *inner.diff;
    // One workspace ends; the other keeps its watches.
    w.sessionEnded(*store::findSession(db_, "s2"));
    w.sync();
    writeFile(repo_ / "sub/after.txt", "a\n");
    waitForRow("sub/after.txt", "s1");
}

TEST_F(FileWatcherTest, ExcludedPathsAreNeverWatched) {
    fs::create_directories(repo_ / "home/data");
    options_.excludedPaths = {repo_ / "home"};
    auto& w = watchRepo();
    writeFile(repo_ / "home/data/parawork.db-wal", "x");
    writeFile(repo_ / "visible.txt", "v\n");
    waitForRow("visible.txt");
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(paths(), std::vector<std::string>{"visible.txt"});
    EXPECT_EQ(w.stats().directories, 1u);
}

/// takeChanges' paths, sorted.
std::vector<std::string> sortedPaths(const git::WorkTreeChanges& changes) {
    std::vector<std::string> out = changes.paths;
    std::sort(out.begin(), out.end());
    return out;
}

TEST_F(FileWatcherTest, TakeChangesHasEveryPathWrittenBeforeTheCall) {
    auto& w = start();
    EXPECT_FALSE(w.takeChanges("w1")) << "not watched: no session runs there";
    w.sessionRunning(addSession("s1", "w1"));
    auto first = w.takeChanges("w1");
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->complete);
    EXPECT_NE(first->epoch, 0u);
    EXPECT_EQ(first->root, fs::canonical(repo_));

    // No waiting: what was written before the call is in its answer.
    writeFile(repo_ / "a.txt", "a\n");
    fs::remove(repo_ / "tracked.txt");
    fs::create_directories(repo_ / "new/deep");
    writeFile(repo_ / "new/deep/file.txt", "f\n");
    auto second = w.takeChanges("w1");
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->complete);
    EXPECT_EQ(second->epoch, first->epoch);
    auto paths = sortedPaths(*second);
    for (const char* expected : {"a.txt", "tracked.txt", "new"})
        EXPECT_TRUE(std::binary_search(paths.begin(), paths.end(), expected)) << expected;
    // Taken: the next call has only what came after.
    writeFile(repo_ / "b.txt", "b\n");
    EXPECT_EQ(sortedPaths(*w.takeChanges("w1")), std::vector<std::string>{"b.txt"});

    // Another watch of the workspace is another epoch: its changes do not add up with these.
    w.sessionEnded(*store::findSession(db_, "s1"));
    w.sessionRunning(addSession("s2", "w1"));
    auto again = w.takeChanges("w1");
    ASSERT_TRUE(again);
    EXPECT_NE(again->epoch, first->epoch);
}

TEST_F(FileWatcherTest, TakeChangesIsIncompleteWhenAChangeMayBeMissing) {
    // A dependency directory git keeps is not watched: the journal cannot tell everything.
    fs::create_directories(repo_ / "node_modules/pkg");
    auto& w = watchRepo();
    EXPECT_FALSE(w.takeChanges("w1")->complete);
    EXPECT_FALSE(w.takeChanges("w1")->complete) << "as long as it is there";
    writeFile(repo_ / ".gitignore", "node_modules/\n");
    auto ignored = w.takeChanges("w1");
    EXPECT_TRUE(ignored->complete) << "ignored: nothing of it is kept";
    EXPECT_EQ(ignored->paths, std::vector<std::string>{".gitignore"});

    // More paths than a snapshot would apply one by one: incomplete, once.
    for (std::size_t i = 0; i <= git::kMaxIncrementalPaths; ++i)
        writeFile(repo_ / ("f" + std::to_string(i)), "x");
    auto flood = w.takeChanges("w1");
    EXPECT_FALSE(flood->complete);
    EXPECT_TRUE(flood->paths.empty());
    writeFile(repo_ / "after.txt", "x");
    auto after = w.takeChanges("w1");
    EXPECT_TRUE(after->complete);
    EXPECT_EQ(after->paths, std::vector<std::string>{"after.txt"});
}

TEST_F(FileWatcherTest, ADirectoryNoLongerIgnoredIsWatchedFromItsGitignoreChange) {
    writeFile(repo_ / ".gitignore", "out/\n");
    fs::create_directories(repo_ / "out");
    auto& w = watchRepo();
    EXPECT_EQ(w.stats().directories, 1u);
    writeFile(repo_ / ".gitignore", "\n");
    auto changed = w.takeChanges("w1");
    EXPECT_EQ(sortedPaths(*changed), std::vector<std::string>{".gitignore"});
    EXPECT_EQ(w.stats().directories, 2u);
    writeFile(repo_ / "out/made.txt", "m\n");
    EXPECT_EQ(sortedPaths(*w.takeChanges("w1")), std::vector<std::string>{"out/made.txt"});
}

TEST_F(FileWatcherTest, ADirectoryNoLongerIgnoredByInfoExcludeIsWatchedFromTheNextTake) {
    writeFile(repo_ / ".git/info/exclude", "out/\n");
    fs::create_directories(repo_ / "out");
    auto& w = watchRepo();
    EXPECT_EQ(w.stats().directories, 1u);
    EXPECT_TRUE(w.takeChanges("w1")->complete);
    writeFile(repo_ / ".git/info/exclude", "\n");  // outside the worktree: no event
    EXPECT_FALSE(w.takeChanges("w1")->complete) << "what happened in out/ before is unknown";
    EXPECT_EQ(w.stats().directories, 2u);
    writeFile(repo_ / "out/made.txt", "m\n");
    auto next = w.takeChanges("w1");
    EXPECT_TRUE(next->complete);
    EXPECT_EQ(sortedPaths(*next), std::vector<std::string>{"out/made.txt"});
}

}  // namespace
}  // namespace parawork::watch
