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
#include <vector>

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
    /// Whether the program has bracketed paste on (its last DECSET/DECRST 2004 in what was fed):
    /// text typed for it then goes inside the paste markers.
    bool bracketedPaste() const { return bracketedPaste_; }

  private:
    /// Where the byte stream stands: the states of a DEC/ECMA-48 parser (vt100.net's VT500
    /// diagram), reduced to what the signals need. 8-bit C1 bytes are text: the stream is UTF-8.
    enum class State : std::uint8_t {
        Ground,
        Escape,       ///< after ESC
        EscapeSkip,   ///< ESC and intermediates: a sequence we do not read
        Csi,          ///< ESC [ and its parameters
        CsiSkip,      ///< a malformed CSI, followed to its final byte
        Osc,          ///< ESC ] ... up to BEL or ST
        OscEscape,    ///< ESC inside an OSC: ST when a backslash follows
        OtherString,  ///< DCS, SOS, PM, APC: skipped up to ST
        OtherStringEscape,
    };
    /// Text kept for one OSC; more is skipped while the sequence is still followed to its end.
    static constexpr std::size_t kMaxOscBytes = 4096;
    /// Parameters kept for one CSI (`CSI ? 1049;2004 h` has two).
    static constexpr std::size_t kMaxCsiParams = 16;

    void step(unsigned char byte, const Report& report);
    void stepEscape(unsigned char byte);
    void stepCsi(unsigned char byte, const Report& report);
    void stepOsc(unsigned char byte, const Report& report);
    void startEscape();
    void finishCsi(unsigned char final, const Report& report);
    void finishOsc(const Report& report);
    void finishKitty(std::string_view params, std::string_view payload, const Report& report);

    State state_ = State::Ground;
    std::string osc_;  ///< the current OSC's bytes, at most kMaxOscBytes
    std::vector<unsigned> csiParams_;
    bool csiPrivate_ = false;  ///< the CSI began with '?'
    bool bracketedPaste_ = false;
    // A kitty notification sent in chunks (OSC 99 with d=0) until its last chunk.
    std::string kittyId_, kittyTitle_, kittyBody_;
};

}  // namespace parawork::activity
