// The terminal screen model behind re-attach snapshots (DESIGN §4.3): libvterm parses what the
// session printed, and snapshot() renders the current screen back into terminal bytes that redraw
// it on a fresh xterm-compatible terminal of the same size. libvterm stays behind this header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::host {

/// A cell colour as the program set it: the terminal's default, a palette index, or RGB.
struct CellColor {
    enum class Kind : std::uint8_t { Default, Indexed, Rgb };
    Kind kind = Kind::Default;
    std::uint8_t index = 0;
    std::uint8_t red = 0, green = 0, blue = 0;
    bool operator==(const CellColor&) const = default;
};

/// The SGR attributes of a cell (or of the pen that writes the next one).
struct Pen {
    bool bold = false;
    int underline = 0;  ///< 0 none, 1 single, 2 double, 3 curly
    bool italic = false;
    bool blink = false;
    bool reverse = false;
    bool strike = false;
    int font = 0;  ///< 0..9 (SGR 10..19)
    CellColor fg;
    CellColor bg;
    bool operator==(const Pen&) const = default;
};

/// One cell of the screen.
struct ScreenCell {
    std::u32string chars;  ///< empty for a blank (erased) cell; base character + combining marks
    int width = 1;         ///< 2 for the first half of a wide character
    bool continuation = false;  ///< the second half of a wide character
    Pen pen;
    bool operator==(const ScreenCell&) const = default;
};

/// Combining marks a cell's text keeps after its base character (libvterm stores up to five):
/// with 4-byte UTF-8 at most, a cell is at most 16 bytes of text, so the text of the largest
/// window (1000×1000) fits one host reply (host_protocol.hpp).
inline constexpr int kMaxTextMarksPerCell = 3;
/// The longest title the text of a screen reports, in bytes (cut at a character boundary).
inline constexpr std::size_t kMaxTextTitleBytes = 4096;

/// A terminal screen fed with a session's output. Not thread-safe.
class Screen {
  public:
    Screen(int cols, int rows);
    ~Screen();
    Screen(Screen&&) noexcept;
    Screen& operator=(Screen&&) noexcept;

    /// Parses terminal output. Answers the terminal would send (device reports) are discarded:
    /// the screen model is an observer, never a participant.
    void feed(std::string_view bytes);
    /// Changes the size (clamped to at least 2 columns and 1 row).
    void resize(int cols, int rows);

    int cols() const;
    int rows() const;
    ScreenCell cell(int row, int col) const;
    int cursorRow() const;
    int cursorCol() const;
    bool cursorVisible() const;
    bool altScreen() const;
    const std::string& title() const;
    /// The attributes the next printed character would get.
    Pen pen() const;

    /// Bytes that, written to a fresh xterm-compatible terminal of this size, redraw the screen:
    /// alternate screen if active, the title (OSC 2), every cell with its SGR attributes, the
    /// pen, the cursor position and its visibility. The primary screen is not included while the
    /// alternate one is active (libvterm 0.1.4 does not expose it).
    std::string snapshot() const;
    /// The rows as UTF-8 text, like `tmux capture-pane -p`: a blank cell is a space, a wide
    /// character appears once, combining marks stay with their base (at most
    /// kMaxTextMarksPerCell), and each row's trailing blanks are trimmed.
    std::vector<std::string> textLines() const;
    /// The title, printable only and at most kMaxTextTitleBytes.
    std::string textTitle() const;
    /// Bytes fed since the end of the last complete escape sequence or character (see
    /// EscapeLimiter::pendingBytes): the screen is the screen at that many bytes ago.
    std::uint64_t pendingBytes() const;

  private:
    /// Whether the cell holds the left half of a character drawn two columns wide.
    bool startsWide(int row, int col) const;

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The SGR sequence ("\x1b[0;1;38;5;200m") that sets exactly `pen` from any state.
std::string sgrSequence(const Pen& pen);

}  // namespace parawork::host
