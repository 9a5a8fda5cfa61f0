// The escape-sequence bounds in front of libvterm (see escape_limiter.hpp). The states and their
// transitions follow libvterm 0.1.x's parser (src/parser.c): if the two ever disagree, they agree
// again at the next ESC, the only way into a CSI sequence in UTF-8 mode.
#include "host/escape_limiter.hpp"

#include <algorithm>

namespace parawork::host {
namespace {

constexpr unsigned char kEsc = 0x1b;
constexpr unsigned char kBel = 0x07;
constexpr char kCan = 0x18;
constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD

bool isIntermediate(unsigned char c) {
    return c >= 0x20 && c <= 0x2f;
}

/// Characters the screen model never gets:
/// - a C1 control spelled in UTF-8 (U+0080..U+009F) shows nothing on a terminal, and libvterm
///   0.1.4 took one at the start of a line for a character of width 0 that a broken sequence
///   after it moved the cursor to column -1 (fuzz_screen);
/// - the CJK tone marks U+302A..U+302F and the kana voiced-sound marks U+3099, U+309A are
///   combining marks to libvterm 0.1.4 that count two columns: the glyph they join grows by two,
///   past the edge of a narrow screen (a write through a null pointer, found by fuzz_screen) and
///   off a terminal's columns on any screen. Dropped, the glyph keeps its width, as terminals
///   show it (without the mark: only the screen model loses it, never the log).
bool isDropped(std::string_view character) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(character[i]); };
    if (character.size() == 2) return byte(0) == 0xc2 && byte(1) < 0xa0;
    if (character.size() != 3 || byte(0) != 0xe3) return false;
    return (byte(1) == 0x80 && byte(2) >= 0xaa && byte(2) <= 0xaf) ||
           (byte(1) == 0x82 && (byte(2) == 0x99 || byte(2) == 0x9a));
}

}  // namespace

void EscapeLimiter::filter(std::string_view in, std::string& out) {
    out.reserve(out.size() + in.size());
    textBreaks_.clear();
    for (char ch : in) {
        auto c = static_cast<unsigned char>(ch);
        bool ground = state_ == State::Normal;
        std::size_t before = out.size();
        if (dropping_) {
            // ESC, CAN and SUB end the interrupted sequence and act as they would anywhere.
            if (c == kEsc || c == 0x18 || c == 0x1a) {
                state_ = State::Normal;  // where libvterm is since the CAN
                dropping_ = false;
                out += ch;
            }
            step(c);
            dropping_ = dropping_ && state_ != State::Normal;
        } else if (!(ground && holdText(c, out)) && step(c)) {
            if (ground && c >= 0x20 && c < 0x7f && !out.empty() &&
                static_cast<unsigned char>(out.back()) >= 0x80)
                textBreaks_.push_back(out.size());
            out += cancelSequence_ ? kCan : ch;
            if (boundCursor_) out += kBoundCursor;
            // Printable ASCII, or 0xfe / 0xff, which libvterm's decoder prints as U+FFFD.
            endsInText_ = ground && state_ == State::Normal && c >= 0x20 && c != 0x7f;
            if (endsInText_)
                rememberLastCharacter(c < 0x80 ? std::string_view(&ch, 1) : kReplacement);
            for (; repeat_ > 0; --repeat_) {
                out += lastCharacter_;
                endsInText_ = true;
            }
        } else if (out.size() != before) {
            endsInText_ = true;  // a run of non-ASCII text released in the ground state
        }
        cancelSequence_ = false;
        boundCursor_ = false;
        repeat_ = 0;  // written above, or the REP was dropped
        bool settled = state_ == State::Normal && held_.empty() && run_.empty();
        pending_ = settled ? 0 : pending_ + 1;
    }
}

void EscapeLimiter::interrupt(std::string& out) {
    if (state_ == State::Normal) return;
    out += kCan;
    dropping_ = true;
}

bool EscapeLimiter::holdText(unsigned char c, std::string& out) {
    if (c >= 0x80 && c < 0xc0) {  // a continuation byte
        if (held_.empty()) {      // a stray one: libvterm shows U+FFFD for it
            run_ += static_cast<char>(c);
        } else {
            held_ += static_cast<char>(c);
            if (--missing_ == 0) {
                if (!isDropped(held_)) run_ += held_;
                held_.clear();
            }
        }
        if (run_.size() > kMaxHeldRun) releaseRun(out);
        return true;
    }
    // Lead bytes of 2..6-byte forms (libvterm still decodes the 5- and 6-byte ones).
    int length = c >= 0xfc && c < 0xfe   ? 6
                 : c >= 0xf8 && c < 0xfc ? 5
                 : c >= 0xf0 && c < 0xf8 ? 4
                 : c >= 0xe0 && c < 0xf0 ? 3
                 : c >= 0xc0 && c < 0xe0 ? 2
                                         : 0;
    abandonHeldCharacter();
    if (length == 0) {  // ASCII, a control, ESC: the run is over
        releaseRun(out);
        return false;
    }
    held_.assign(1, static_cast<char>(c));
    missing_ = length - 1;
    return true;
}

void EscapeLimiter::abandonHeldCharacter() {
    if (held_.empty()) return;
    run_ += kReplacement;  // as a terminal shows a character cut short
    held_.clear();
    missing_ = 0;
}

void EscapeLimiter::releaseRun(std::string& out) {
    if (run_.empty()) return;
    // Its last character: complete, U+FFFD for a character cut short, or a stray continuation
    // byte, which libvterm shows as U+FFFD too.
    std::size_t start = run_.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(run_[start]) & 0xc0) == 0x80) --start;
    std::string_view last = std::string_view(run_).substr(start);
    auto lead = static_cast<unsigned char>(last[0]);
    std::size_t length = lead >= 0xfc   ? 6
                         : lead >= 0xf8 ? 5
                         : lead >= 0xf0 ? 4
                         : lead >= 0xe0 ? 3
                         : lead >= 0xc0 ? 2
                                        : 0;
    rememberLastCharacter(length == last.size() ? last : kReplacement);
    out += run_;
    run_.clear();
}

void EscapeLimiter::rememberLastCharacter(std::string_view text) {
    lastCharacter_.assign(text);
}

bool EscapeLimiter::step(unsigned char c) {
    if (c == 0x00 || c == 0x7f) return true;  // ignored by libvterm in every state
    if (c == 0x18 || c == 0x1a) {             // CAN, SUB cancel any sequence
        state_ = State::Normal;
        return true;
    }
    if (c == kEsc) {
        state_ = state_ == State::String ? State::StringEscape : State::Escape;
        escIntermediate_ = 0;
        return true;
    }
    if (c < 0x20 && !(c == kBel && state_ == State::String))
        return true;  // C0 controls run inside sequences without leaving them

    switch (state_) {
        case State::Normal:
            return true;
        case State::String:
            if (c == kBel) state_ = State::Normal;
            return true;
        case State::StringEscape:
            if (c == '\\') {  // ST
                state_ = State::Normal;
                return true;
            }
            state_ = State::Escape;
            [[fallthrough]];
        case State::Escape:
            if (c == '[') {
                state_ = State::CsiLeader;
                separators_ = 0;
                digits_ = 0;
                firstParameter_ = 0;
                plainCsi_ = true;
            } else if (c == 'P' || c == ']') {  // DCS, OSC
                state_ = State::String;
            } else if (isIntermediate(c)) {
                escIntermediate_ = c;
            } else if (c < 0x7f) {
                state_ = State::Normal;
                cancelSequence_ = escIntermediate_ == '#' && c >= '3' && c <= '6';
                boundCursor_ = escIntermediate_ == 0 && c == '8';  // DECRC
            }
            return true;
        case State::CsiLeader:
            if (c >= 0x3c && c <= 0x3f) {
                plainCsi_ = false;
                return true;
            }
            state_ = State::CsiParameters;
            [[fallthrough]];
        case State::CsiParameters:
            return stepInCsiParameters(c);
        case State::CsiIntermediate:
            if (!isIntermediate(c)) state_ = State::Normal;  // the final byte, or an invalid one
            return true;
    }
    return true;
}

bool EscapeLimiter::stepInCsiParameters(unsigned char c) {
    if (c >= '0' && c <= '9') {
        bool kept = separators_ < kMaxCsiParameters && digits_++ < kMaxCsiParameterDigits;
        if (kept && separators_ == 0) firstParameter_ = firstParameter_ * 10 + (c - '0');
        return kept;
    }
    if (c == ';' || c == ':') {
        digits_ = 0;
        return separators_++ < kMaxCsiParameters - 1;
    }
    state_ = State::CsiIntermediate;
    if (isIntermediate(c)) {
        plainCsi_ = false;
        return true;
    }
    state_ = State::Normal;
    // REP: libvterm 0.1.4 repeats only a printed ASCII character safely (see the header). Any
    // other REP ends unexecuted (CAN), and the limiter writes the character itself.
    bool asciiBefore = lastCharacter_.size() == 1;  // non-ASCII is kept as UTF-8
    if (c == 'b' && plainCsi_ && !asciiBefore) {
        cancelSequence_ = true;
        if (!lastCharacter_.empty()) repeat_ = std::clamp(firstParameter_, 1, kMaxRepeat);
    }
    return true;
}

}  // namespace parawork::host
