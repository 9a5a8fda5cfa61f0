// The file watcher (DESIGN §5 src/watch): while at least one agent or command session runs in a
// workspace, one thread follows the workspace's directory tree with inotify — skipping .git,
// directories git ignores and dependency/build directories (skip_rules.hpp), at most a bounded
// number of directories — debounces and coalesces what it sees, and records each settled change
// as a file_changes row with its diff against the workspace's base, announced as `file_changed`.
// After an inotify queue overflow it rescans and says so in the log: never quietly wrong. It also
// keeps, per workspace, every path that had an event since it was last asked, for checkpoints
// that read only what changed (git/snapshot_index).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.hpp"
#include "git/snapshot_index.hpp"
#include "store/database.hpp"
#include "watch/change_recorder.hpp"

namespace parawork::watch {

/// Default bound of directories watched per workspace.
inline constexpr std::size_t kMaxWatchesPerWorkspace = 8192;

struct WatcherOptions {
    /// A path's change is recorded once it has been quiet this long...
    std::chrono::milliseconds quietPeriod{250};
    /// ...or at the latest this long after its first event.
    std::chrono::milliseconds maxDelay{2000};
    std::size_t maxWatchesPerWorkspace = kMaxWatchesPerWorkspace;
    /// Paths pending per workspace; beyond, events are dropped (and logged).
    std::size_t maxPendingPerWorkspace = 20000;
    /// Changes recorded per step of the thread, between two reads of the inotify queue.
    std::size_t batchSize = 64;
    /// With more changes than this waiting in a workspace, rows are recorded without diffs
    /// (the workspace diff still shows them): a flood is not reviewed file by file.
    std::size_t maxPendingForDiffs = 256;
    RecorderLimits limits;
    /// Never watched, nor anything under them: parawork's own data (its database would
    /// otherwise record its own writes). Absolute.
    std::vector<std::filesystem::path> excludedPaths;
};

struct WatcherStats {
    std::size_t workspaces = 0;   ///< workspaces watched now
    std::size_t directories = 0;  ///< inotify watches now
    std::size_t pending = 0;      ///< changes waiting to settle
    /// The most changes one workspace had waiting at once (one per path, however many events):
    /// what the watcher held at its fullest, whatever the allocator keeps.
    std::size_t peakPending = 0;
    std::uint64_t recorded = 0;   ///< rows written so far
    std::uint64_t dropped = 0;    ///< events lost to the pending bound
    std::uint64_t overflows = 0;  ///< inotify queue overflows (each followed by a rescan)
};

class FileWatcher {
  public:
    /// Starts the thread. Without inotify (the instance limit is reached) the watcher logs an
    /// error and records nothing.
    FileWatcher(store::Database& db, PublishEvent publish, WatcherOptions options = {});
    ~FileWatcher();  ///< stop()
    FileWatcher(const FileWatcher&) = delete;
    FileWatcher& operator=(const FileWatcher&) = delete;

    /// A session's process runs / has ended (the daemon's session observer). Only agent and command
    /// sessions count; the workspace is watched while at least one runs. Quick: the work is
    /// done on the watcher's thread.
    void sessionRunning(const core::Session& session);
    void sessionEnded(const core::Session& session);

    /// Returns once every call made before it has been handled (a new watch is in place).
    void sync();
    /// The paths of the workspace that had an event since the previous call (or since its watch
    /// began), once everything queued before this call has been read; nullopt when the
    /// workspace is not watched now (no session runs there). Blocks until the thread answers.
    std::optional<git::WorkTreeChanges> takeChanges(const std::string& workspaceId);
    WatcherStats stats();

    /// Records what is pending, stops the thread and drops every watch. Idempotent.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace parawork::watch
