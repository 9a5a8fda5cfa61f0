// The terminal layer of agent state (issue 19 §2): what a program says about itself in its output
// stream besides the text — its window title (OSC 0/2; a braille spinner there means it works),
// desktop notifications (OSC 9, OSC 777;notify, OSC 99), the bell, and the modes that show it
// reads a prompt (bracketed paste, focus reporting). A streaming scanner over the output log's
// bytes in any split, bounded in what it holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace parawork::activity {

struct TerminalSignal {
    enum class Kind : std::uint8_t {
        Title,           ///< OSC 0 or 2: `text` is the new title
        Notification,    ///< OSC 9 / 777;notify / 99: `text` is what it says (title: body)
        Bell,            ///< BEL outside any escape sequence
        BracketedPaste,  ///< DECSET/DECRST 2004: `on`
        FocusReporting,  ///< DECSET/DECRST 1004: `on`
    };
    Kind kind = Kind::Title;
    std::string text;  ///< valid UTF-8, at most kMaxSignalText bytes
    bool on = false;
    bool operator==(const TerminalSignal&) const = default;
};

/// Longest title or notification text kept (the rest is cut at a character boundary).
inline constexpr std::size_t kMaxSignalText = 512;

/// Whether a title says the program is busy: it starts with a braille pattern (U+2800–U+28FF,
/// the spinners of most agent TUIs).
bool titleMeansWorking(std::string_view title);

/// Follows a session's output and reports its terminal signals. Feed it the bytes in any split;
/// the escape-sequence state carries over. Not thread-safe (the output follower owns one per
/// session).
class TerminalSignalScanner {
  public:
    using Report = std::function<void(const TerminalSignal&)>;
    void feed(std::string_view bytes, const Report& report);

  private:
    // (the scanner's state)
};

}  // namespace parawork::activity
