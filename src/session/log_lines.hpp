// From raw PTY bytes to the parsed views of DESIGN §4.5: lines split on '\n', sanitized the way
// parawork's agent_log rows are (ANSI and control characters stripped), and the stage/ready
// markers that sessions print (`[parawork:stage] X`, `[parawork:ready] URL`, vmux's too).
#pragma once

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::session {

/// Longest stored log line; longer ones are cut and end in "... [truncated]".
inline constexpr std::size_t kMaxLogLineChars = 10000;

/// Removes ANSI escape sequences (CSI, OSC, two-character ESC, and CSI fragments such as "[31m"
/// whose ESC was lost) and control characters except tab, newline and carriage return; then
/// truncates to kMaxLogLineChars (at a UTF-8 boundary).
std::string sanitizeLogLine(std::string_view line);

/// Splits a byte stream into lines. A partial line waits for its '\n'; one that grows past
/// `maxLine` bytes is emitted in pieces so the buffer stays bounded.
class LineSplitter {
  public:
    explicit LineSplitter(std::size_t maxLine = 64 * 1024) : maxLine_(maxLine) {}
    /// Calls `onLine` for every complete line in `chunk` (without its '\n').
    void feed(std::string_view chunk, const std::function<void(std::string_view)>& onLine);
    /// Consumes `chunk` like feed, without looking at its lines: only the partial line that
    /// follows stays.
    void skip(std::string_view chunk);
    /// Whether the pending partial line and `chunk` together contain one of `needles` (each
    /// at most 32 bytes), a needle across their boundary included. When not, skip(chunk) loses
    /// no line that holds one.
    bool mayContain(std::string_view chunk, std::initializer_list<std::string_view> needles) const;
    /// The pending partial line, if any, and clears it (call at exit).
    std::optional<std::string> flush();

  private:
    std::size_t maxLine_;
    std::string partial_;
};

struct Marker {
    enum class Kind { Stage, StageDone, Ready };
    Kind kind;
    std::string value;  ///< the stage name, or the ready URL (may be empty)
};

/// Recognizes a marker at the start of a sanitized line: `[parawork:stage] X`,
/// `[parawork:stage:done] X`, `[parawork:ready] URL`, and the same with `vmux`.
std::optional<Marker> parseMarker(std::string_view line);

}  // namespace parawork::session
