// Bounds what a session's output may ask of the screen model (issue: one CSI with 17 parameters
// overflowed libvterm 0.1.4's 16-entry argument array and killed the host, the PTY and the
// agent with it). The limiter follows the escape-sequence state the way libvterm's parser does
// and drops what libvterm cannot hold: parameters past the 16th and digits past the 5th of a
// parameter (numbers libvterm would count loops with or overflow into its flag bits).
//
// It also hands libvterm whole runs of UTF-8 text only: a character split across two writes, or
// cut short by another byte, made libvterm 0.1.4 decode two code points into a one-element
// stack array (and lose a cell), and a combining character (ZWJ, a variation selector) that
// starts a write is dropped when its base stands in the last column. The limiter holds a run
// of non-ASCII characters back until an ASCII byte, a control or ESC ends it (or it reaches
// kMaxHeldRun), and writes U+FFFD for a character that never completes, as a terminal shows it.
//
// REP (`CSI Ps b`) reaches libvterm 0.1.4 only after a printed ASCII character. Before any
// character it looped forever (it repeats the previous character by its width, 0 until one is
// printed), after a wide one it wrote past the end of the line through a null pointer, and a
// combining mark's width is 0 (all found by fuzz_screen): the limiter cancels such a REP and
// writes the character itself, Ps times (at most kMaxRepeat), as xterm.js repeats it. So do the
// line size
// sequences (DECDHL, DECSWL, DECDWL: `ESC # 3` to `ESC # 6`): a resize after one made libvterm
// 0.1.4 write through a null pointer (fuzz_screen), and xterm.js, which redraws our snapshots,
// draws no double-size lines either.
//
// libvterm 0.1.4 leaves the cursor outside the screen in two ways, and then reads its line's
// attributes before their array (an invalid read found under valgrind from a fuzz_screen input
// that ASan missed, libvterm being uninstrumented): a resize that scrolls lines away above a
// cursor near the top sends it to a negative row, and DECRC (`ESC 8`) restores a cursor saved
// before the screen shrank without bounding it, as xterm does. Every CSI sequence ends with
// libvterm bounding the cursor, so the limiter follows each DECRC with one that does nothing
// else (kBoundCursor), and Screen::resize writes it after a resize that left the cursor outside,
// cancelling (interrupt()) a sequence cut in two by the resize, whose rest would run first.
//
// It drops two kinds of characters libvterm 0.1.4 cannot draw right (isDropped in the .cpp): C1
// controls spelled in UTF-8, and the combining marks it counts two columns wide.
//
// pendingBytes() tells where the last complete sequence or character ended, so that a snapshot
// names an offset from which the rest of the output replays cleanly (issue: a re-attach whose
// offset fell inside `█` showed two U+FFFD cells where it stood). Only the screen model sees the
// result; the output log keeps every byte as the program wrote it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::host {

/// Parameters libvterm can hold in one CSI sequence (CSI_ARGS_MAX in libvterm 0.1.x).
inline constexpr int kMaxCsiParameters = 16;
/// Digits kept per parameter: values below 100000 are beyond any screen size or repeat count a
/// terminal honours, and far from libvterm's flag bits (a long overflows at 19 digits).
inline constexpr int kMaxCsiParameterDigits = 5;
/// Bytes of non-ASCII text held back at most (a few graphemes with their combining marks).
inline constexpr std::size_t kMaxHeldRun = 256;
/// Copies of a non-ASCII character written for one REP: wider than any line in practice.
inline constexpr int kMaxRepeat = 1024;
/// A sequence whose only effect in libvterm is to bound the cursor to the screen: DA (device
/// attributes), whose answer the screen model discards.
inline constexpr std::string_view kBoundCursor = "\x1b[c";

/// A streaming filter: feed it the output in any split; its state carries over between calls.
class EscapeLimiter {
  public:
    /// Appends to `out` the bytes of `in` that libvterm can parse safely.
    void filter(std::string_view in, std::string& out);

    /// Input bytes since the last point where no escape sequence or character was unfinished
    /// (0 there). The screen as parsed so far is the screen at that point: libvterm acts on a
    /// sequence or a character only once it is complete.
    std::uint64_t pendingBytes() const { return pending_; }

    /// Whether the last byte handed out was printed text in the ground state: a combining
    /// character handed out next continues that glyph (libvterm only joins the two within one
    /// write, see Screen::feed).
    bool endsInText() const { return endsInText_; }

    /// Offsets in the last filter()'s output where a write to libvterm must end: printable
    /// ASCII right after non-ASCII text. libvterm decodes a run of text with the decoder its
    /// first byte picks, so UTF-8 decoding went on into the ASCII after it and ignored the
    /// character set in use: with DEC graphics (`ESC ( 0`) `z` drew as `z`, not `⩾`, unless a
    /// write began at it, and the same output split otherwise drew otherwise (fuzz_screen).
    /// Only in text: a string (a title) cut there lost its end in libvterm.
    const std::vector<std::size_t>& textBreaks() const { return textBreaks_; }

    /// Ends the sequence under way, if any: appends CAN to `out` (libvterm drops the sequence)
    /// and holds its remaining bytes back from later output. Held text stays held.
    void interrupt(std::string& out);

  private:
    enum class State : std::uint8_t {
        Normal,
        Escape,
        CsiLeader,
        CsiParameters,
        CsiIntermediate,
        String,
        StringEscape
    };
    /// Advances the state by one byte; false when the byte must not reach libvterm.
    bool step(unsigned char c);
    bool stepInCsiParameters(unsigned char c);
    /// UTF-8 in ground state: true when `c` was taken (held back or completed a character).
    bool holdText(unsigned char c, std::string& out);
    void abandonHeldCharacter();
    void releaseRun(std::string& out);
    /// The character REP would repeat; "" before any.
    void rememberLastCharacter(std::string_view text);

    State state_ = State::Normal;
    int separators_ = 0;  ///< ';' and ':' seen in this CSI sequence
    int digits_ = 0;      ///< digits of the current parameter
    std::string run_;     ///< complete non-ASCII characters held back
    std::string held_;    ///< the unfinished UTF-8 character after them
    int missing_ = 0;     ///< continuation bytes it still needs
    std::uint64_t pending_ = 0;
    bool plainCsi_ = false;        ///< this CSI has no leader (`?`, `>`...) and no intermediates
    std::string lastCharacter_;    ///< the last printed character, for REP
    int firstParameter_ = 0;       ///< the value of this CSI sequence's first parameter
    int repeat_ = 0;               ///< copies of lastCharacter_ to write for a cancelled REP
    bool cancelSequence_ = false;  ///< the byte just stepped ends a sequence that must not run
    bool boundCursor_ = false;     ///< the byte just stepped ended a DECRC
    bool dropping_ = false;        ///< the rest of an interrupted sequence is being dropped
    unsigned char escIntermediate_ = 0;  ///< the intermediate byte of this ESC sequence, if any
    bool endsInText_ = false;
    std::vector<std::size_t> textBreaks_;
};

}  // namespace parawork::host
