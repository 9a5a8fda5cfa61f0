#include "watch/file_watcher.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "git/changes.hpp"
#include "store/workspaces.hpp"
#include "watch/directory_watches.hpp"
#include "watch/skip_rules.hpp"

namespace parawork::watch {
namespace {

namespace fs = std::filesystem;
using core::ChangeType;

/// Bytes of inotify events read per step; then pending changes get their turn.
constexpr std::size_t kReadPerStep = std::size_t{1} << 20;
/// Settled changes recorded in one transaction, between two looks at the calls waiting.
constexpr std::size_t kRecordChunk = 8;
/// At shutdown, at most this many pending changes are still recorded.
constexpr std::size_t kMaxRecordedAtStop = 2000;

bool isWatchedKind(core::SessionKind kind) {
    return kind == core::SessionKind::Agent || kind == core::SessionKind::Command;
}

struct RunningSession {
    std::string id;
    core::SessionKind kind = core::SessionKind::Agent;
    std::int64_t startedAt = 0;
    std::uint64_t order = 0;  ///< announcement order, to tell sessions started in one ms apart
};

struct WorkspaceWatch {
    explicit WorkspaceWatch(const WatcherOptions& o)
        : pending(o.quietPeriod, o.maxDelay, o.maxPendingPerWorkspace) {}

    std::string id;
    fs::path root;
    std::unique_ptr<git::WorkTreePaths> git;  ///< null: a plain directory
    std::string baseRef;
    std::vector<RunningSession> sessions;
    ChangeDebouncer pending;
    std::int64_t watchedSinceMs = 0;
    bool droppedLogged = false;

    // The journal for snapshot indexes (takeChanges): every path with an event since it was
    // last taken, unsettled.
    std::uint64_t epoch = 0;
    std::unordered_set<std::string> journal;
    /// Since the last take, some change may not be in the journal (queue overflow, too many).
    bool journalLost = false;
    /// A directory whose files git keeps is not watched (a dependency or build directory git
    /// does not ignore, a nested repository): the journal never tells everything.
    bool blind = false;
    /// git's ignore rules outside the worktree when the directories were walked.
    std::string ignoreRules;
};

/// The session changes are attributed to: the newest running agent, else the newest command.
const RunningSession& attributedSession(const std::vector<RunningSession>& sessions) {
    auto newer = [](const RunningSession& a, const RunningSession& b) {
        bool aAgent = a.kind == core::SessionKind::Agent;
        bool bAgent = b.kind == core::SessionKind::Agent;
        if (aAgent != bAgent) return bAgent;
        if (a.startedAt != b.startedAt) return a.startedAt < b.startedAt;
        return a.order < b.order;
    };
    return *std::max_element(sessions.begin(), sessions.end(), newer);
}

std::string_view baseName(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::int64_t mtimeMs(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

}  // namespace

struct FileWatcher::Impl {
    Impl(store::Database& db, PublishEvent publish, WatcherOptions o)
        : db(db), options(std::move(o)), recorder(db, std::move(publish), options.limits) {}

    store::Database& db;
    WatcherOptions options;
    ChangeRecorder recorder;
    std::unique_ptr<DirectoryWatches> watches;  ///< null without inotify
    core::UniqueFd wake;
    std::thread thread;

    std::mutex mutex;
    std::deque<std::function<void()>> commands;
    bool stopping = false;

    // Owned by the thread.
    std::map<std::string, std::unique_ptr<WorkspaceWatch>> workspaces;
    std::uint64_t nextOrder = 0;
    std::uint64_t nextEpoch = 1;
    WatcherStats counters;
    std::int64_t lastDrainedMs = 0;

    bool post(std::function<void()> command);
    void run();
    void step();
    bool runCommands();
    int pollTimeout() const;

    void onRunning(const core::Session& session);
    void onEnded(const core::Session& session);
    std::unique_ptr<WorkspaceWatch> openWorkspace(const std::string& workspaceId,
                                                  std::int64_t changesSinceMs);
    bool skipDirectory(WorkspaceWatch& ws, const fs::path& absolute) const;
    void journal(WorkspaceWatch& ws, const std::string& path);
    /// Some change may be missing since the last take: the paths kept are no use.
    void loseJournal(WorkspaceWatch& ws);
    std::optional<git::WorkTreeChanges> takeChanges(const std::string& workspaceId);

    /// Reads what is queued (a bounded amount); true when the queue was read empty.
    bool readEvents();
    void onOverflow(std::int64_t lostSinceMs);
    void walkAgain(WorkspaceWatch& ws);
    void onEvent(const WatchEvent& event);
    void observe(WorkspaceWatch& ws, const std::string& path, ChangeType type);
    void rescan(WorkspaceWatch& ws, std::int64_t lostSinceMs);
    void observeRecent(WorkspaceWatch& ws, std::int64_t sinceMs);

    RecordTarget targetOf(const WorkspaceWatch& ws, const std::string& sessionId) const;
    void recordSettled();
    bool commandsWaiting();
    void recordAll(WorkspaceWatch& ws, const std::string& sessionId, std::size_t max);
    void finish();
    WatcherStats snapshot() const;
};

bool FileWatcher::Impl::post(std::function<void()> command) {
    {
        std::lock_guard lock(mutex);
        if (stopping || !thread.joinable()) return false;
        commands.push_back(std::move(command));
    }
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake.get(), &one, sizeof one);
    return true;
}

void FileWatcher::Impl::run() {
    for (;;) {
        try {
            step();
        } catch (const std::exception& e) {
            spdlog::error("file watch: {}", e.what());
        }
        if (!runCommands()) break;
    }
    finish();
}

void FileWatcher::Impl::step() {
    pollfd fds[2] = {{wake.get(), POLLIN, 0}, {watches ? watches->fd() : -1, POLLIN, 0}};
    int n = ::poll(fds, watches ? 2 : 1, pollTimeout());
    if (n < 0 && errno != EINTR) {
        spdlog::error("file watch: poll failed: {}", std::strerror(errno));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return;
    }
    if (fds[0].revents & POLLIN) {
        std::uint64_t count = 0;
        [[maybe_unused]] ssize_t r = ::read(wake.get(), &count, sizeof count);
    }
    if (watches && (fds[1].revents & POLLIN)) readEvents();
    recordSettled();
}

bool FileWatcher::Impl::runCommands() {
    std::deque<std::function<void()>> batch;
    bool stop = false;
    {
        std::lock_guard lock(mutex);
        batch.swap(commands);
        stop = stopping;  // everything posted before the stop is in `batch`
    }
    for (auto& command : batch) {
        try {
            command();
        } catch (const std::exception& e) {
            spdlog::error("file watch: {}", e.what());
        }
    }
    return !stop;
}

int FileWatcher::Impl::pollTimeout() const {
    std::optional<Clock::time_point> next;
    for (const auto& [id, ws] : workspaces) {
        auto d = ws->pending.nextDeadline();
        if (d && (!next || *d < *next)) next = d;
    }
    if (!next) return -1;
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now());
    return static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, 60000));
}

std::unique_ptr<WorkspaceWatch> FileWatcher::Impl::openWorkspace(const std::string& workspaceId,
                                                                 std::int64_t changesSinceMs) {
    auto workspace = store::findWorkspace(db, workspaceId);
    if (!workspace) return nullptr;
    std::error_code ec;
    fs::path root = fs::canonical(workspace->path, ec);
    if (ec || !fs::is_directory(root)) {
        spdlog::warn("file watch: workspace {} not watched: {} is not a directory", workspaceId,
                     workspace->path);
        return nullptr;
    }
    for (const auto& excluded : options.excludedPaths) {
        if (isWithin(root, excluded)) {
            spdlog::info("file watch: workspace {} not watched: {} is parawork's own directory",
                         workspaceId, root.string());
            return nullptr;
        }
    }
    auto ws = std::make_unique<WorkspaceWatch>(options);
    ws->id = workspaceId;
    ws->root = root;
    try {
        ws->git = git::WorkTreePaths::open(root);
    } catch (const std::exception& e) {
        spdlog::warn("file watch: workspace {}: {}; watched as a plain directory", workspaceId,
                     e.what());
    }
    const auto& worktree = workspace->gitWorktree;
    ws->baseRef = worktree && worktree->baseBranch ? *worktree->baseBranch : "HEAD";
    ws->watchedSinceMs = core::nowMs();
    ws->epoch = nextEpoch++;
    if (ws->git) ws->ignoreRules = ws->git->ignoreRulesStamp();
    WorkspaceWatch* raw = ws.get();
    watches->addTree(
        workspaceId, root, options.maxWatchesPerWorkspace,
        [this, raw](const fs::path& absolute) { return skipDirectory(*raw, absolute); });
    spdlog::info("file watch: watching {} ({} directories{})", root.string(),
                 watches->watchCount(workspaceId), ws->git ? ", git" : "");
    // The session runs already: what it wrote before the watch was in place is found by time.
    observeRecent(*ws, changesSinceMs);
    return ws;
}

bool FileWatcher::Impl::skipDirectory(WorkspaceWatch& ws, const fs::path& absolute) const {
    bool ignored = ws.git && ws.git->isIgnored(absolute);
    bool byRule =
        isSkippedDirectoryName(absolute.filename().native()) ||
        std::any_of(options.excludedPaths.begin(), options.excludedPaths.end(),
                    [&](const fs::path& excluded) { return isWithin(absolute, excluded); });
    bool ownGitDirectory = absolute == ws.root / ".git";
    if (byRule && !ignored && !ownGitDirectory) ws.blind = true;
    return byRule || ignored;
}

void FileWatcher::Impl::journal(WorkspaceWatch& ws, const std::string& path) {
    if (ws.journalLost) return;
    if (ws.journal.size() >= git::kMaxIncrementalPaths)
        loseJournal(ws);
    else
        ws.journal.insert(path);
}

void FileWatcher::Impl::loseJournal(WorkspaceWatch& ws) {
    ws.journal.clear();  // a snapshot looks at every file anyway
    ws.journalLost = true;
}

std::optional<git::WorkTreeChanges> FileWatcher::Impl::takeChanges(const std::string& workspaceId) {
    if (!watches) return std::nullopt;
    // Everything written before the call is queued already (inotify queues an event before the
    // write returns): read the queue empty first.
    while (!readEvents()) {
    }
    auto it = workspaces.find(workspaceId);
    if (it == workspaces.end()) return std::nullopt;
    WorkspaceWatch& ws = *it->second;
    if (ws.git) {
        // info/exclude or the global excludes changed: directories git ignored may be kept now.
        std::string rules = ws.git->ignoreRulesStamp();
        if (rules != ws.ignoreRules) {
            ws.ignoreRules = std::move(rules);
            walkAgain(ws);
            loseJournal(ws);
        }
    }
    git::WorkTreeChanges changes;
    changes.epoch = ws.epoch;
    changes.complete = !ws.journalLost && !ws.blind && !watches->limitReached(ws.id);
    changes.root = ws.root;
    changes.paths.assign(ws.journal.begin(), ws.journal.end());
    ws.journal.clear();
    ws.journalLost = false;
    return changes;
}

void FileWatcher::Impl::onRunning(const core::Session& session) {
    if (!isWatchedKind(session.kind) || !watches) return;
    auto it = workspaces.find(session.workspaceId);
    if (it == workspaces.end()) {
        // Since the session started (less a little for the file system's coarse clock), but
        // not long before now: a re-adopted session may have started days ago.
        std::int64_t now = core::nowMs();
        std::int64_t since = std::max(session.startedAt.value_or(now) - 1000, now - 10000);
        auto ws = openWorkspace(session.workspaceId, since);
        if (!ws) return;
        it = workspaces.emplace(session.workspaceId, std::move(ws)).first;
    }
    auto& sessions = it->second->sessions;
    bool known = std::any_of(sessions.begin(), sessions.end(),
                             [&](const RunningSession& s) { return s.id == session.id; });
    if (!known)
        sessions.push_back({session.id, session.kind, session.startedAt.value_or(0), nextOrder++});
}

void FileWatcher::Impl::onEnded(const core::Session& session) {
    auto it = workspaces.find(session.workspaceId);
    if (it == workspaces.end()) return;
    WorkspaceWatch& ws = *it->second;
    std::erase_if(ws.sessions, [&](const RunningSession& s) { return s.id == session.id; });
    if (!ws.sessions.empty()) return;
    // The last one: what it wrote before it exited is queued already; record all of it now.
    readEvents();
    recordAll(ws, session.id, options.maxPendingPerWorkspace);
    watches->removeTree(ws.id);
    spdlog::info("file watch: stopped watching {}", ws.root.string());
    workspaces.erase(it);
}

bool FileWatcher::Impl::readEvents() {
    bool drained = false;
    // The events lost to an overflow came after the queue was last read empty.
    std::int64_t lostSinceMs = lastDrainedMs;
    bool overflowed =
        watches->read([this](const WatchEvent& e) { onEvent(e); }, kReadPerStep, drained);
    if (drained) lastDrainedMs = core::nowMs();
    if (overflowed) onOverflow(lostSinceMs);
    return drained;
}

void FileWatcher::Impl::walkAgain(WorkspaceWatch& ws) {
    ws.blind = false;  // found again by the walk if a directory git keeps is still skipped
    watches->rewalk(ws.id);
}

void FileWatcher::Impl::onOverflow(std::int64_t lostSinceMs) {
    ++counters.overflows;
    spdlog::warn(
        "file watch: the inotify queue overflowed and events were lost; rescanning (recent "
        "modifications are recovered from modification times, deletions are not)");
    for (auto& [id, ws] : workspaces) rescan(*ws, lostSinceMs);
}

void FileWatcher::Impl::onEvent(const WatchEvent& event) {
    auto it = workspaces.find(event.tree);
    if (it == workspaces.end()) return;
    WorkspaceWatch& ws = *it->second;
    journal(ws, event.path);
    // A directory git ignored may be kept now: watched from here on (what is in it already, a
    // snapshot finds by looking at every file, as it does after any .gitignore change).
    if (baseName(event.path) == ".gitignore") walkAgain(ws);
    if (event.mask & IN_ISDIR) {
        if (event.mask & (IN_CREATE | IN_MOVED_TO))
            watches->addSubtree(event.tree, event.path, [&](const std::string& file) {
                observe(ws, file, ChangeType::Created);
            });
        else if (event.mask & (IN_DELETE | IN_MOVED_FROM))
            watches->removeSubtree(event.tree, event.path);
        return;
    }
    if (event.mask & (IN_CREATE | IN_MOVED_TO))
        observe(ws, event.path, ChangeType::Created);
    else if (event.mask & IN_MODIFY)
        observe(ws, event.path, ChangeType::Modified);
    else if (event.mask & (IN_DELETE | IN_MOVED_FROM))
        observe(ws, event.path, ChangeType::Deleted);
}

void FileWatcher::Impl::observe(WorkspaceWatch& ws, const std::string& path, ChangeType type) {
    if (baseName(path) == ".git") return;  // a linked worktree's pointer file
    auto outcome = ws.pending.observe(path, type, Clock::now(), core::nowMs());
    counters.peakPending = std::max(counters.peakPending, ws.pending.size());
    if (outcome != ChangeDebouncer::Outcome::Dropped) return;
    ++counters.dropped;
    if (!ws.droppedLogged)
        spdlog::warn("file watch of {}: more than {} changes pending; some are not recorded",
                     ws.root.string(), options.maxPendingPerWorkspace);
    ws.droppedLogged = true;
}

void FileWatcher::Impl::rescan(WorkspaceWatch& ws, std::int64_t lostSinceMs) {
    loseJournal(ws);
    ws.blind = false;
    // Watches may be stale (an IN_IGNORED lost) or missing (a directory made unseen): start over.
    watches->addTree(ws.id, ws.root, options.maxWatchesPerWorkspace,
                     [this, raw = &ws](const fs::path& p) { return skipDirectory(*raw, p); });
    // Less a second: file times come from a coarser clock than ours.
    observeRecent(ws, std::max(ws.watchedSinceMs, lostSinceMs) - 1000);
}

void FileWatcher::Impl::observeRecent(WorkspaceWatch& ws, std::int64_t sinceMs) {
    // A file the session committed before the watch was in place is unchanged against HEAD but
    // not against the workspace's base: git is asked once which files differ from the base.
    std::optional<std::set<std::string>> changedSinceBase;
    auto differsFromBase = [&](const std::string& path) {
        if (ws.baseRef == "HEAD") return false;
        if (!changedSinceBase) {
            changedSinceBase.emplace();
            try {
                for (const auto& file : git::listChanges(ws.root, ws.baseRef).files)
                    changedSinceBase->insert(file.path);
            } catch (const std::exception& e) {
                spdlog::debug("workspace {}: cannot compare with {}: {}", ws.id, ws.baseRef,
                              e.what());
            }
        }
        return changedSinceBase->contains(path);
    };
    for (const std::string& dir : watches->directories(ws.id)) {
        fs::path absolute = dir.empty() ? ws.root : ws.root / dir;
        std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(absolute.c_str()), &::closedir);
        if (!handle) continue;
        while (const dirent* entry = ::readdir(handle.get())) {
            struct stat st {};
            if (::fstatat(::dirfd(handle.get()), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
                S_ISDIR(st.st_mode) || mtimeMs(st) < sinceMs)
                continue;
            std::string path = dir.empty() ? entry->d_name : dir + "/" + entry->d_name;
            // git tells a new file from a changed one, and leaves out a fresh checkout's files.
            ChangeType type = ChangeType::Modified;
            if (ws.git) {
                git::FileState state = ws.git->stateOf(absolute / entry->d_name);
                if (state == git::FileState::Ignored) continue;
                if (state == git::FileState::Unchanged && !differsFromBase(path)) continue;
                if (state == git::FileState::New) type = ChangeType::Created;
            }
            observe(ws, path, type);
        }
    }
}

RecordTarget FileWatcher::Impl::targetOf(const WorkspaceWatch& ws,
                                         const std::string& sessionId) const {
    return RecordTarget{ws.id, sessionId, ws.root, ws.git.get(), ws.baseRef};
}

bool FileWatcher::Impl::commandsWaiting() {
    std::lock_guard lock(mutex);
    return !commands.empty();
}

void FileWatcher::Impl::recordSettled() {
    std::size_t budget = options.batchSize;
    auto now = Clock::now();
    for (auto& [id, ws] : workspaces) {
        // In small chunks, giving way to calls (a checkpoint waits for takeChanges): a diff in
        // a big repository takes milliseconds.
        while (budget > 0 && !commandsWaiting()) {
            std::size_t waiting = ws->pending.size();
            auto settled = ws->pending.takeSettled(now, std::min(budget, kRecordChunk));
            if (settled.empty()) break;
            budget -= settled.size();
            RecordTarget target = targetOf(*ws, attributedSession(ws->sessions).id);
            target.withDiffs = waiting <= options.maxPendingForDiffs;
            counters.recorded += recorder.record(target, settled);
        }
    }
}

void FileWatcher::Impl::recordAll(WorkspaceWatch& ws, const std::string& sessionId,
                                  std::size_t max) {
    while (!ws.pending.empty() && max > 0) {
        RecordTarget target = targetOf(ws, sessionId);
        target.withDiffs = ws.pending.size() <= options.maxPendingForDiffs;
        auto batch = ws.pending.takeAll(std::min(max, std::max<std::size_t>(options.batchSize, 1)));
        max -= batch.size();
        counters.recorded += recorder.record(target, batch);
    }
    if (!ws.pending.empty())
        spdlog::warn("file watch of {}: {} pending changes not recorded", ws.root.string(),
                     ws.pending.size());
}

void FileWatcher::Impl::finish() {
    if (watches) {
        try {
            readEvents();
        } catch (const std::exception& e) {
            spdlog::error("file watch: {}", e.what());
        }
    }
    std::size_t budget = kMaxRecordedAtStop;
    for (auto& [id, ws] : workspaces) {
        std::size_t before = ws->pending.size();
        try {
            recordAll(*ws, attributedSession(ws->sessions).id, budget);
        } catch (const std::exception& e) {
            spdlog::error("file watch: {}", e.what());
        }
        budget -= std::min(budget, before - ws->pending.size());
        if (watches) watches->removeTree(id);
    }
    workspaces.clear();
    watches.reset();
}

WatcherStats FileWatcher::Impl::snapshot() const {
    WatcherStats s = counters;
    s.workspaces = workspaces.size();
    s.directories = watches ? watches->watchCount() : 0;
    s.pending = 0;
    for (const auto& [id, ws] : workspaces) s.pending += ws->pending.size();
    return s;
}

FileWatcher::FileWatcher(store::Database& db, PublishEvent publish, WatcherOptions options)
    : impl_(std::make_unique<Impl>(db, std::move(publish), std::move(options))) {
    for (auto& excluded : impl_->options.excludedPaths) {
        std::error_code ec;
        fs::path canonical = fs::weakly_canonical(excluded, ec);
        if (!ec) excluded = canonical;
    }
    try {
        impl_->watches = std::make_unique<DirectoryWatches>();
    } catch (const std::exception& e) {
        spdlog::error(
            "file watch: {} (fs.inotify.max_user_instances?); file changes are not "
            "recorded",
            e.what());
    }
    impl_->wake = core::UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!impl_->wake) core::throwErrno("cannot create an eventfd for the file watcher");
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

FileWatcher::~FileWatcher() {
    stop();
}

void FileWatcher::sessionRunning(const core::Session& session) {
    impl_->post([impl = impl_.get(), session] { impl->onRunning(session); });
}

void FileWatcher::sessionEnded(const core::Session& session) {
    impl_->post([impl = impl_.get(), session] { impl->onEnded(session); });
}

void FileWatcher::sync() {
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    if (impl_->post([done] { done->set_value(); })) future.wait();
}

std::optional<git::WorkTreeChanges> FileWatcher::takeChanges(const std::string& workspaceId) {
    auto result = std::make_shared<std::promise<std::optional<git::WorkTreeChanges>>>();
    auto future = result->get_future();
    if (!impl_->post([impl = impl_.get(), result, workspaceId] {
            try {
                result->set_value(impl->takeChanges(workspaceId));
            } catch (...) {
                result->set_exception(std::current_exception());
            }
        }))
        return std::nullopt;
    return future.get();
}

WatcherStats FileWatcher::stats() {
    auto result = std::make_shared<std::promise<WatcherStats>>();
    auto future = result->get_future();
    if (!impl_->post([impl = impl_.get(), result] { result->set_value(impl->snapshot()); }))
        return {};
    return future.get();
}

void FileWatcher::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopping) return;
        impl_->stopping = true;
    }
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(impl_->wake.get(), &one, sizeof one);
    if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace parawork::watch
