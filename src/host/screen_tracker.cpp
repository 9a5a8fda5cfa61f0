// The screen backlog, its budgeted parsing and the skip ahead (see screen_tracker.hpp).
#include "host/screen_tracker.hpp"

#include <algorithm>

namespace parawork::host {
namespace {

/// A backlog buffer larger than this is released once drained, so a past flood does not keep
/// the host's memory up (the host must stay small: DESIGN §3).
constexpr std::size_t kKeepCapacity = 64 * 1024;

}  // namespace

ScreenTracker::ScreenTracker(int cols, int rows, std::uint64_t offset, ScreenTrackerLimits limits,
                             std::optional<ScreenProcess> worker)
    : screen_(worker ? std::move(*worker)
                     : ScreenProcess(cols, rows, ScreenProcess::Start::OnFirstUse)),
      limits_(limits),
      backlogStart_(offset),
      offset_(offset) {
    limits_.skipKeep = std::min(limits_.skipKeep, limits_.maxBacklog);
    if (worker && (screen_.cols() != cols || screen_.rows() != rows)) screen_.resize(cols, rows);
}

void ScreenTracker::compact() {
    if (backlogPos_ > 0 && backlogPos_ >= backlog_.size() / 2) {
        backlog_.erase(0, backlogPos_);
        backlogPos_ = 0;
    }
}

void ScreenTracker::append(std::string_view bytes) {
    std::size_t pending = backlogBytes();
    if (pending + bytes.size() <= limits_.maxBacklog) {
        compact();
        backlog_.append(bytes);
        return;
    }
    // The parser fell too far behind: keep only the newest skipKeep bytes of (pending + bytes).
    std::uint64_t end = endOffset() + bytes.size();
    if (bytes.size() >= limits_.skipKeep) {
        backlog_.assign(bytes.substr(bytes.size() - limits_.skipKeep));
        backlogPos_ = 0;
    } else {
        backlogPos_ += pending - (limits_.skipKeep - bytes.size());
        compact();
        backlog_.append(bytes);
    }
    backlogStart_ = end - backlogBytes();
    resetPending_ = true;
}

void ScreenTracker::resetToBacklog() {
    // Start the fresh screen at a line or escape boundary, not inside a sequence or a character.
    std::string_view pending = std::string_view(backlog_).substr(backlogPos_);
    std::size_t cut = pending.find_first_of("\n\x1b");
    if (cut == std::string_view::npos)
        cut = 0;
    else if (pending[cut] == '\n')
        ++cut;
    backlogPos_ += cut;
    backlogStart_ += cut;
    // The title and the alternate screen were set before the skipped bytes: clear() keeps them.
    screen_.clear();
    offset_ = backlogStart_;
    resetPending_ = false;
    ++skips_;
}

SnapshotReply ScreenTracker::snapshot() {
    catchUp(0);
    ScreenPicture picture = screen_.snapshot();
    // The screen shows the output up to the start of an unfinished sequence or character: the
    // viewer replays from there. One longer than a skip's tail (an OSC string never ended) is
    // not worth going back for.
    std::uint64_t back = picture.pendingBytes <= limits_.skipKeep ? picture.pendingBytes : 0;
    WindowSize size{static_cast<std::uint16_t>(screen_.cols()),
                    static_cast<std::uint16_t>(screen_.rows())};
    return {offset_ - back, size, std::move(picture.bytes)};
}

std::optional<ScreenText> ScreenTracker::text() {
    catchUp(0);
    auto text = screen_.text();
    if (!text) return std::nullopt;
    std::uint64_t back = text->offset <= limits_.skipKeep ? text->offset : 0;  // as snapshot()
    text->offset = offset_ - back;
    return text;
}

std::size_t ScreenTracker::catchUp(std::size_t budget) {
    if (resetPending_) resetToBacklog();
    screen_.flush();
    if (screen_.congested()) return 0;
    std::size_t n = std::min(budget, backlogBytes());
    if (n == 0) return 0;
    screen_.feed(std::string_view(backlog_).substr(backlogPos_, n));
    backlogPos_ += n;
    backlogStart_ += n;
    offset_ += n;
    if (backlogPos_ == backlog_.size()) {
        backlog_.clear();
        backlogPos_ = 0;
        if (backlog_.capacity() > kKeepCapacity) backlog_.shrink_to_fit();
    }
    return n;
}

}  // namespace parawork::host
