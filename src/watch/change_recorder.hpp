// Settled changes become file_changes rows (protocol §11, §13), each with the file's unified diff
// against the workspace's base, and `file_changed` events (§6.5). Diffs and rows are bounded:
// a diff is cut at a line end beyond its limit, and a session keeps its newest rows only.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/entities.hpp"
#include "git/work_tree_paths.hpp"
#include "store/database.hpp"
#include "watch/change_debouncer.hpp"

namespace parawork::watch {

/// Where `publish` sends a `{type, data}` event: to the workspace's subscribers.
using PublishEvent = std::function<void(const std::string& workspaceId, std::string eventJson)>;

/// Whose changes these are, and how to diff them.
struct RecordTarget {
    std::string workspaceId;
    std::string sessionId;       ///< the session the rows are attributed to
    std::filesystem::path root;  ///< the workspace directory; changes' paths are relative to it
    /// The git working tree containing `root`; null for a plain directory (no diffs).
    const git::WorkTreePaths* git = nullptr;
    std::string baseRef = "HEAD";
    /// False in a flood: each diff is a comparison of its own, so rows go without.
    bool withDiffs = true;
};

struct RecorderLimits {
    std::size_t maxDiffBytes = std::size_t{64} * 1024;
    std::size_t maxRowsPerSession = 5000;
};

/// True for libgit2's rendering of a binary change ("Binary files a/x and b/x differ").
bool isBinaryDiff(std::string_view diffText);

/// The diff stored with a change of `relativePath`: its unified diff against the target's base,
/// valid UTF-8, at most `maxBytes` (cut at a line end). nullopt for a plain directory, a binary
/// file, a file that does not differ from the base, or when git fails.
std::optional<std::string> diffForChange(const RecordTarget& target,
                                         const std::string& relativePath, std::size_t maxBytes);

/// `{"type":"file_changed","data":{sessionId, workspaceId, filePath, changeType, timestamp}}`.
std::string fileChangedEvent(const core::FileChange& change, const std::string& workspaceId);

class ChangeRecorder {
  public:
    ChangeRecorder(store::Database& db, PublishEvent publish, RecorderLimits limits);

    /// Stores the changes in one transaction (skipping paths git ignores and entries that are
    /// neither files nor symlinks), trims the session's rows, then publishes one event per row.
    /// Returns how many were recorded; 0 when the session is gone (its workspace was deleted).
    std::size_t record(const RecordTarget& target, std::span<const SettledChange> changes);

  private:
    bool worthRecording(const RecordTarget& target, const SettledChange& change) const;

    store::Database& db_;
    PublishEvent publish_;
    RecorderLimits limits_;
};

}  // namespace parawork::watch
