#include "watch/change_recorder.hpp"

#include <sys/stat.h>

#include <vector>

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/utf8_text.hpp"
#include "git/changes.hpp"
#include "store/file_changes.hpp"

namespace parawork::watch {

namespace json = boost::json;

bool isBinaryDiff(std::string_view diffText) {
    std::size_t start = 0;
    while (start < diffText.size()) {
        std::size_t end = diffText.find('\n', start);
        if (end == std::string_view::npos) end = diffText.size();
        std::string_view line = diffText.substr(start, end - start);
        if (line.starts_with("@@")) return false;  // a text hunk
        if (line.starts_with("Binary files ") || line.starts_with("GIT binary patch")) return true;
        start = end + 1;
    }
    return false;
}

std::optional<std::string> diffForChange(const RecordTarget& target,
                                         const std::string& relativePath, std::size_t maxBytes) {
    if (target.git == nullptr) return std::nullopt;
    git::DiffText diff;
    try {
        diff = target.git->diffFile(target.baseRef, target.root / relativePath, maxBytes);
    } catch (const std::exception& e) {
        spdlog::debug("file watch: no diff for {}: {}", relativePath, e.what());
        return std::nullopt;
    }
    if (diff.text.empty() || isBinaryDiff(diff.text)) return std::nullopt;
    std::string text = core::toValidUtf8(diff.text);
    if (text.size() > maxBytes) {  // replacement characters made it longer
        std::size_t cut = text.rfind('\n', maxBytes - 1);
        text.resize(cut == std::string::npos ? 0 : cut + 1);
    }
    return text;
}

std::string fileChangedEvent(const core::FileChange& change, const std::string& workspaceId) {
    json::object data{
        {"sessionId", change.sessionId}, {"workspaceId", workspaceId},
        {"filePath", change.filePath},   {"changeType", core::toString(change.changeType)},
        {"timestamp", change.timestamp},
    };
    return json::serialize(json::object{{"type", "file_changed"}, {"data", std::move(data)}});
}

ChangeRecorder::ChangeRecorder(store::Database& db, PublishEvent publish, RecorderLimits limits)
    : db_(db), publish_(std::move(publish)), limits_(limits) {}

bool ChangeRecorder::worthRecording(const RecordTarget& target, const SettledChange& change) const {
    std::filesystem::path absolute = target.root / change.path;
    if (target.git != nullptr && target.git->isIgnored(absolute)) return false;
    struct stat st {};
    if (::lstat(absolute.c_str(), &st) == 0)
        return S_ISREG(st.st_mode) || S_ISLNK(st.st_mode);  // not sockets, FIFOs, directories
    return change.type == core::ChangeType::Deleted;        // vanished before it could be looked at
}

std::size_t ChangeRecorder::record(const RecordTarget& target,
                                   std::span<const SettledChange> changes) {
    std::vector<core::FileChange> rows;
    rows.reserve(changes.size());
    for (const SettledChange& change : changes) {
        if (!worthRecording(target, change)) continue;
        core::FileChange row;
        row.sessionId = target.sessionId;
        row.filePath = core::toValidUtf8(change.path);
        row.changeType = change.type;
        if (target.withDiffs) row.diff = diffForChange(target, change.path, limits_.maxDiffBytes);
        row.timestamp = change.timestampMs;
        rows.push_back(std::move(row));
    }
    if (rows.empty()) return 0;
    try {
        std::vector<std::int64_t> ids =
            store::insertFileChanges(db_, rows, limits_.maxRowsPerSession);
        for (std::size_t i = 0; i < rows.size() && i < ids.size(); ++i) rows[i].id = ids[i];
    } catch (const std::exception& e) {
        // Typically the session's workspace was deleted while it ran (cascade).
        spdlog::debug("file watch: changes of session {} not recorded: {}", target.sessionId,
                      e.what());
        return 0;
    }
    if (publish_)
        for (const core::FileChange& row : rows)
            publish_(target.workspaceId, fileChangedEvent(row, target.workspaceId));
    return rows.size();
}

}  // namespace parawork::watch
