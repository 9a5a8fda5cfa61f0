// The segmented output log: one writer (the host), readers in any process (see output_log.hpp).
#include "host/output_log.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <limits>
#include <memory>

#include "core/error.hpp"
#include "host/fd_io.hpp"

namespace parawork::host {
namespace {

constexpr std::size_t kHexDigits = 16;
constexpr std::string_view kSuffix = ".seg";
/// A reader racing the writer's deletions retries this often before giving up; each lost race
/// needs the writer to delete another whole segment, so this only trips on a broken log.
constexpr int kReadAttempts = 64;

/// RAII for opendir(3).
struct DirCloser {
    void operator()(DIR* dir) const { ::closedir(dir); }
};

}  // namespace

std::string segmentFileName(std::uint64_t start) {
    char name[kHexDigits + 1];
    std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(start));
    return std::string(name) + std::string(kSuffix);
}

std::optional<std::uint64_t> parseSegmentFileName(std::string_view name) {
    if (name.size() != kHexDigits + kSuffix.size() || !name.ends_with(kSuffix)) return {};
    for (std::size_t i = 0; i < kHexDigits; ++i) {
        char c = name[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
    }
    std::uint64_t value = 0;
    std::from_chars(name.data(), name.data() + kHexDigits, value, 16);
    return value;
}

std::vector<std::uint64_t> listSegments(const std::filesystem::path& dir) {
    std::vector<std::uint64_t> starts;
    std::unique_ptr<DIR, DirCloser> handle(::opendir(dir.c_str()));
    if (!handle) {
        if (errno == ENOENT) return starts;
        core::throwErrno("output log: cannot list " + dir.string());
    }
    errno = 0;
    while (dirent* entry = ::readdir(handle.get())) {
        if (auto start = parseSegmentFileName(entry->d_name)) starts.push_back(*start);
        errno = 0;
    }
    if (errno != 0) core::throwErrno("output log: cannot list " + dir.string());
    std::sort(starts.begin(), starts.end());
    return starts;
}

// ---- writer ------------------------------------------------------------------------------------

OutputLogWriter::OutputLogWriter(std::filesystem::path dir, OutputLogLimits limits)
    : dir_(std::move(dir)), limits_(limits) {
    if (limits_.segmentBytes == 0 || limits_.maxBytes == 0)
        throw core::Error("output log: segment and cap sizes must be positive");
    limits_.segmentBytes = std::min(limits_.segmentBytes, limits_.maxBytes);
    if (::mkdir(dir_.c_str(), 0700) < 0 && errno != EEXIST)
        core::throwErrno("output log: cannot create " + dir_.string());
    dirFd_.reset(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dirFd_) core::throwErrno("output log: cannot open " + dir_.string());

    auto existing = listSegments(dir_);
    segments_.assign(existing.begin(), existing.end());
    if (segments_.empty()) {
        openSegment(0, true);
        return;
    }
    // Continue the existing log: append to its last segment.
    std::uint64_t last = segments_.back();
    segments_.pop_back();
    openSegment(last, false);
    struct stat st {};
    if (::fstat(current_.get(), &st) < 0) core::throwErrno("output log: fstat");
    currentSize_ = static_cast<std::uint64_t>(st.st_size);
    end_ = last + currentSize_;
}

void OutputLogWriter::openSegment(std::uint64_t start, bool truncate) {
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    std::string name = segmentFileName(start);
    current_.reset(::openat(dirFd_.get(), name.c_str(), flags, 0600));
    if (!current_) core::throwErrno("output log: cannot open " + (dir_ / name).string());
    currentSize_ = 0;
    segments_.push_back(start);
}

void OutputLogWriter::append(std::string_view bytes) {
    while (!bytes.empty()) {
        if (currentSize_ >= limits_.segmentBytes) openSegment(end_, true);
        std::size_t room = static_cast<std::size_t>(limits_.segmentBytes - currentSize_);
        std::size_t n = std::min(bytes.size(), room);
        // Count what reached the file before a failure so offsets match the content.
        std::string_view piece = bytes.substr(0, n);
        while (!piece.empty()) {
            ssize_t written = ::write(current_.get(), piece.data(), piece.size());
            if (written < 0) {
                if (errno == EINTR) continue;
                int err = errno;
                dropOldest();
                core::throwErrno("output log: write", err);
            }
            piece.remove_prefix(static_cast<std::size_t>(written));
            currentSize_ += static_cast<std::uint64_t>(written);
            end_ += static_cast<std::uint64_t>(written);
        }
        bytes.remove_prefix(n);
    }
    dropOldest();
}

void OutputLogWriter::dropOldest() {
    while (segments_.size() > 1 && end_ - segments_.front() > limits_.maxBytes) {
        std::string name = segmentFileName(segments_.front());
        if (::unlinkat(dirFd_.get(), name.c_str(), 0) < 0 && errno != ENOENT)
            core::throwErrno("output log: cannot delete " + (dir_ / name).string());
        segments_.pop_front();
    }
}

// ---- reader ------------------------------------------------------------------------------------

ReadResult OutputLogReader::readFrom(std::uint64_t offset, std::size_t limit) const {
    for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
        auto segments = listSegments(dir_);
        ReadResult result;
        result.offset = offset;
        if (segments.empty()) {
            result.nextOffset = offset;
            return result;
        }
        if (offset < segments.front()) {
            result.truncated = true;
            // Having lost the race to the writer's deletions already, start at the newest
            // segment: the oldest is the next to go, the newest is deleted last.
            result.offset = attempt < 2 ? segments.front() : segments.back();
        }
        if (!readSegments(segments, result.offset, limit, result.bytes) && result.bytes.empty())
            continue;  // the segment we wanted was deleted under us: list again
        result.nextOffset = result.offset + result.bytes.size();
        return result;
    }
    throw core::Error("output log: segments of " + dir_.string() + " keep disappearing");
}

bool OutputLogReader::readSegments(const std::vector<std::uint64_t>& segments, std::uint64_t offset,
                                   std::size_t limit, std::string& out) const {
    // The last segment whose start is <= offset holds `offset` (or offset is past the end).
    auto it = std::upper_bound(segments.begin(), segments.end(), offset);
    std::size_t index = static_cast<std::size_t>(it - segments.begin()) - 1;
    std::uint64_t position = offset;
    for (; index < segments.size() && out.size() < limit; ++index) {
        std::uint64_t start = segments[index];
        // Past any file's end (pread would refuse the offset): nothing more to read.
        if (position - start > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max())) break;
        std::filesystem::path file = dir_ / segmentFileName(start);
        core::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) {
            if (errno == ENOENT) return false;
            core::throwErrno("output log: cannot open " + file.string());
        }
        std::size_t want = limit - out.size();
        if (index + 1 < segments.size())
            want = static_cast<std::size_t>(
                std::min<std::uint64_t>(want, segments[index + 1] - position));
        std::size_t old = out.size();
        out.resize(old + want);
        std::size_t got = preadFull(fd.get(), out.data() + old, want,
                                    static_cast<off_t>(position - start), "output log: read");
        out.resize(old + got);
        position += got;
        if (got < want) break;  // the end of the log (or of a segment still being written)
    }
    return true;
}

std::uint64_t OutputLogReader::endOffset() const {
    for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
        auto segments = listSegments(dir_);
        if (segments.empty()) return 0;
        std::filesystem::path last = dir_ / segmentFileName(segments.back());
        struct stat st {};
        if (::stat(last.c_str(), &st) == 0)
            return segments.back() + static_cast<std::uint64_t>(st.st_size);
        if (errno != ENOENT) core::throwErrno("output log: stat " + last.string());
    }
    throw core::Error("output log: segments of " + dir_.string() + " keep disappearing");
}

std::uint64_t OutputLogReader::startOffset() const {
    auto segments = listSegments(dir_);
    return segments.empty() ? 0 : segments.front();
}

}  // namespace parawork::host
