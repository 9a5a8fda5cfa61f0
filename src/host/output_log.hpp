// The output log of DESIGN §4: everything a session printed, append-only, addressed by global byte
// offsets that start at 0 and never change. Shared by the session host (the only writer) and the
// daemon (any number of readers, in other processes, reading while the host writes).
//
// On disk: `<dir>/NNNNNNNNNNNNNNNN.seg`, one file per segment, named by the offset of its first
// byte in 16 lower-case hex digits. Every segment but the last holds exactly `segmentBytes` bytes,
// so a reader that sees segment N+1 knows segment N is complete. When the kept bytes exceed
// `maxBytes` the oldest segments are deleted; offsets stay global, and a read of a dropped range
// says `truncated`. The log is not fsynced: a host crash loses nothing (the page cache keeps it),
// a machine crash may lose the tail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/unique_fd.hpp"

namespace parawork::host {

/// Sizes of an output log. `maxBytes` is the cap of `--log-max-bytes`.
struct OutputLogLimits {
    std::uint64_t segmentBytes = 4 * 1024 * 1024;  ///< a new segment starts at this size
    std::uint64_t maxBytes = 64 * 1024 * 1024;     ///< kept bytes never exceed this (≥ 1 segment)
};

/// "0000000000001000.seg" for 4096.
std::string segmentFileName(std::uint64_t start);

/// The start offset named by a segment file name, or nullopt for any other name.
std::optional<std::uint64_t> parseSegmentFileName(std::string_view name);

/// The start offsets of the segments in `dir`, ascending; empty if `dir` does not exist.
std::vector<std::uint64_t> listSegments(const std::filesystem::path& dir);

/// The single writer of a log directory. Not thread-safe; one per directory (the host's lock on
/// the session directory guarantees that).
class OutputLogWriter {
  public:
    /// Creates `dir` (0700) if needed. An existing log is continued after its last byte, so
    /// offsets stay global across a writer restart. Throws core::Error on failure.
    explicit OutputLogWriter(std::filesystem::path dir, OutputLogLimits limits = {});

    /// Appends `bytes` at endOffset(), rolling segments and dropping the oldest as needed.
    /// On a write error (disk full) throws core::Error; endOffset() then counts exactly the
    /// bytes that reached the file, so offsets stay consistent with the content.
    void append(std::string_view bytes);

    /// Offset one past the last byte written.
    std::uint64_t endOffset() const { return end_; }
    /// Offset of the oldest byte still kept.
    std::uint64_t startOffset() const { return segments_.front(); }
    const OutputLogLimits& limits() const { return limits_; }

  private:
    void openSegment(std::uint64_t start, bool truncate);
    void dropOldest();

    std::filesystem::path dir_;
    OutputLogLimits limits_;
    core::UniqueFd dirFd_;
    core::UniqueFd current_;
    std::uint64_t currentSize_ = 0;
    std::deque<std::uint64_t> segments_;
    std::uint64_t end_ = 0;
};

/// The answer to a read by offset.
struct ReadResult {
    std::string bytes;
    std::uint64_t offset = 0;      ///< where `bytes` start (> the requested offset if truncated)
    std::uint64_t nextOffset = 0;  ///< offset + bytes.size(): where the next read continues
    bool truncated = false;        ///< the requested range was dropped; bytes start at the oldest
                                   ///< kept offset
};

/// Reads a log directory by offset, from any process, while the writer appends. Stateless: every
/// call lists the directory again, so it sees new and deleted segments.
class OutputLogReader {
  public:
    explicit OutputLogReader(std::filesystem::path dir) : dir_(std::move(dir)) {}

    /// Up to `limit` bytes starting at `offset`. Reading at or past the end answers no bytes with
    /// offset == nextOffset == `offset` (poll again later). A segment deleted between listing and
    /// opening makes the read start again from the new oldest offset. Throws core::Error on I/O
    /// errors. The caller bounds `limit` (it is allocated).
    ReadResult readFrom(std::uint64_t offset, std::size_t limit) const;

    /// Offset one past the last byte written so far (0 for an empty or missing log).
    std::uint64_t endOffset() const;
    /// Offset of the oldest byte still kept (0 for an empty or missing log).
    std::uint64_t startOffset() const;

  private:
    /// Appends up to `limit` bytes from `offset` to `out`; false if a segment vanished.
    bool readSegments(const std::vector<std::uint64_t>& segments, std::uint64_t offset,
                      std::size_t limit, std::string& out) const;

    std::filesystem::path dir_;
};

}  // namespace parawork::host
