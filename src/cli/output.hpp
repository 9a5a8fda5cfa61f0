// Human output: aligned tables, relative times, short ids, and colour only when stdout is a
// terminal and NO_COLOR is unset (https://no-color.org).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::cli {

/// Columns padded to their widest cell (counted in code points), two spaces apart; the last
/// column is never padded.
class Table {
  public:
    explicit Table(std::vector<std::string> header);
    void add(std::vector<std::string> row);
    bool empty() const { return rows_.empty(); }
    void print(std::ostream& out) const;

  private:
    std::vector<std::vector<std::string>> rows_;  ///< header first
};

/// "just now", "42s ago", "5m ago", "3h ago", "2d ago"; "-" for 0 (unknown).
std::string relativeTime(std::int64_t thenMs, std::int64_t nowMs);

/// The first 8 characters of an id: what tables show and what a prefix needs.
std::string shortId(std::string_view id);

/// Whether to colour stdout: a terminal, and NO_COLOR unset or empty.
bool colourEnabled();

/// `text` in the colour of a session or workspace status (green running, red failed, dim
/// finished) when colour is enabled.
std::string colourStatus(const std::string& status);

/// `text` in bold when colour is enabled.
std::string bold(const std::string& text);

/// Cuts `text` to `max` code points, marking the cut with "…".
std::string ellipsize(const std::string& text, std::size_t max);

}  // namespace parawork::cli
