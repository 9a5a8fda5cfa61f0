// The libvterm-backed screen model and its snapshot renderer (see screen.hpp).
#include "host/screen.hpp"

#include "core/utf8_text.hpp"
#include "host/escape_limiter.hpp"

#include <vterm.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace parawork::host {
namespace {

/// libvterm writes through a null pointer placing a wide character on a one-column screen (found
/// by fuzz_screen): the model is never narrower than two columns, whatever the terminal's size.
constexpr int kMinCols = 2;
/// What libvterm stores in the cell to the right of a wide character.
constexpr std::uint32_t kContinuation = static_cast<std::uint32_t>(-1);

CellColor toCellColor(const VTermColor& color, bool isForeground) {
    CellColor out;
    bool isDefault =
        isForeground ? VTERM_COLOR_IS_DEFAULT_FG(&color) : VTERM_COLOR_IS_DEFAULT_BG(&color);
    if (isDefault) return out;
    if (VTERM_COLOR_IS_INDEXED(&color)) {
        out.kind = CellColor::Kind::Indexed;
        out.index = color.indexed.idx;
    } else {
        out.kind = CellColor::Kind::Rgb;
        out.red = color.rgb.red;
        out.green = color.rgb.green;
        out.blue = color.rgb.blue;
    }
    return out;
}

void appendColor(std::string& out, const CellColor& color, bool isForeground) {
    int base = isForeground ? 30 : 40;
    switch (color.kind) {
        case CellColor::Kind::Default:
            return;
        case CellColor::Kind::Indexed:
            if (color.index < 8)
                out += ";" + std::to_string(base + color.index);
            else if (color.index < 16)
                out += ";" + std::to_string(base + 60 + color.index - 8);
            else
                out += ";" + std::to_string(base + 8) + ";5;" + std::to_string(color.index);
            return;
        case CellColor::Kind::Rgb:
            out += ";" + std::to_string(base + 8) + ";2;" + std::to_string(color.red) + ";" +
                   std::to_string(color.green) + ";" + std::to_string(color.blue);
            return;
    }
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xc0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xe0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x110000) {
        out += static_cast<char>(0xf0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    }
}

/// Where a write of at most `limit` bytes from `pos` may end: before an ASCII byte that does not
/// follow ESC. libvterm loses a combining character (ZWJ, a variation selector) that starts a
/// write when the previous one ended at the right margin, and 0.1.x mishandles a split ST.
std::size_t writeBoundary(std::string_view bytes, std::size_t pos, std::size_t limit) {
    if (bytes.size() - pos <= limit) return bytes.size();
    for (std::size_t end = pos + limit; end > pos + limit / 2; --end) {
        auto c = static_cast<unsigned char>(bytes[end]);
        if (c < 0x80 && bytes[end - 1] != '\x1b') return end;
    }
    std::size_t end = pos + limit;  // no ASCII nearby: at least never inside a character
    while (end > pos + 1 && (static_cast<unsigned char>(bytes[end]) & 0xc0) == 0x80) --end;
    return end;
}

/// libvterm's decoder accepts the old 5- and 6-byte forms (values past U+10FFFF): a terminal
/// shows those, like surrogates, as U+FFFD, and so does the snapshot.
char32_t printable(std::uint32_t c) {
    bool valid = c <= 0x10ffff && !(c >= 0xd800 && c <= 0xdfff);
    return valid ? static_cast<char32_t>(c) : U'\ufffd';
}

/// Keeps a title printable: it is replayed inside an OSC, where a control byte would end it early
/// or smuggle in another sequence.
std::string sanitizeTitle(std::string_view title) {
    std::string out;
    for (char c : title)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    return out;
}

/// What libvterm makes of a character, measured once on a scratch terminal of its own: whether it
/// draws it two columns wide, and whether it joins the glyph before it (a combining mark, of no
/// width). libvterm keeps no width per cell: it reports a cell as wide when the next one is a
/// continuation, and overwriting the left half of a wide character with a narrow one leaves that
/// continuation behind (found by fuzz_screen), so the screen asks the character itself.
class GlyphProbe {
  public:
    GlyphProbe() : vt_(vterm_new(1, 4)) {
        if (vt_ == nullptr) throw std::bad_alloc();
        vterm_set_utf8(vt_, 1);
        vterm_output_set_callback(
            vt_, [](const char*, std::size_t, void*) {}, nullptr);
        screen_ = vterm_obtain_screen(vt_);
        vterm_screen_reset(screen_, 1);
    }
    ~GlyphProbe() { vterm_free(vt_); }
    GlyphProbe(const GlyphProbe&) = delete;
    GlyphProbe& operator=(const GlyphProbe&) = delete;

    bool wide(std::uint32_t c) {
        // below the first wide block, or U+FFFD
        return c >= 0x1100 && printable(c) == c && measure(c).wide;
    }
    bool combining(std::uint32_t c) {
        return c >= 0x300 && printable(c) == c && measure(c).combining;
    }

  private:
    struct Traits {
        bool wide = false;
        bool combining = false;
    };
    Traits measure(std::uint32_t c) {
        if (auto known = cache_.find(c); known != cache_.end()) return known->second;
        std::string probe = "\x1b[2K\rA";
        appendUtf8(probe, static_cast<char32_t>(c));
        vterm_input_write(vt_, probe.data(), probe.size());
        VTermScreenCell base{}, next{};
        Traits traits;
        traits.combining =
            vterm_screen_get_cell(screen_, VTermPos{0, 0}, &base) && base.chars[1] == c;
        traits.wide = !traits.combining && vterm_screen_get_cell(screen_, VTermPos{0, 1}, &next) &&
                      next.width == 2;
        if (cache_.size() >= kMaxCached) cache_.clear();
        cache_.emplace(c, traits);
        return traits;
    }

    static constexpr std::size_t kMaxCached = 4096;
    VTerm* vt_;
    VTermScreen* screen_ = nullptr;
    std::unordered_map<std::uint32_t, Traits> cache_;
};

/// The code point a UTF-8 text starts with, or 0 when it does not start with a whole one.
std::uint32_t firstCodePoint(std::string_view text) {
    if (text.empty()) return 0;
    auto lead = static_cast<unsigned char>(text[0]);
    int length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
    if (length == 0 || text.size() < static_cast<std::size_t>(length)) return 0;
    std::uint32_t c = length == 1 ? lead : lead & (0x7f >> length);
    for (int i = 1; i < length; ++i) c = (c << 6) | (static_cast<unsigned char>(text[i]) & 0x3f);
    return c;
}

/// Cuts `text` to at most `max` bytes without splitting a UTF-8 character.
std::string cutUtf8(std::string text, std::size_t max) {
    if (text.size() <= max) return text;
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
    text.resize(end);
    return text;
}

std::string cursorTo(int row, int col) {
    return "\x1b[" + std::to_string(row + 1) + ";" + std::to_string(col + 1) + "H";
}

}  // namespace

std::string sgrSequence(const Pen& pen) {
    std::string out = "\x1b[0";
    if (pen.bold) out += ";1";
    if (pen.italic) out += ";3";
    if (pen.underline == 1) out += ";4";
    if (pen.underline == 2) out += ";21";
    if (pen.underline == 3) out += ";4:3";
    if (pen.blink) out += ";5";
    if (pen.reverse) out += ";7";
    if (pen.strike) out += ";9";
    if (pen.font > 0 && pen.font <= 9) out += ";" + std::to_string(10 + pen.font);
    appendColor(out, pen.fg, true);
    appendColor(out, pen.bg, false);
    return out + "m";
}

struct Screen::Impl {
    VTerm* vt = nullptr;
    VTermScreen* screen = nullptr;
    VTermState* state = nullptr;
    bool cursorVisible = true;
    bool altScreen = false;
    std::string title;
    EscapeLimiter limiter;
    std::string filtered;  ///< reused between feeds
    GlyphProbe glyphs;
    /// The cells the last change touched (libvterm reports every change, cell by cell).
    VTermRect lastDamage{-1, -1, -1, -1};

    static int onTermProp(VTermProp prop, VTermValue* value, void* user) {
        auto* self = static_cast<Impl*>(user);
        switch (prop) {
            case VTERM_PROP_CURSORVISIBLE:
                self->cursorVisible = value->boolean != 0;
                break;
            case VTERM_PROP_ALTSCREEN:
                self->altScreen = value->boolean != 0;
                break;
            case VTERM_PROP_TITLE:
                self->title = value->string ? value->string : "";
                break;
            default:
                break;
        }
        return 1;  // 0 would make libvterm refuse the change (e.g. stay off the alt screen)
    }
    static int onDamage(VTermRect rect, void* user) {
        static_cast<Impl*>(user)->lastDamage = rect;
        return 1;
    }
    static void discardOutput(const char*, std::size_t, void*) {}

    /// libvterm joins a combining character to the glyph before it only within one write, or
    /// when the cursor moved on past that glyph: a glyph that reached the right margin keeps the
    /// cursor on itself, and a mark in the next write became a glyph of its own on the next line
    /// (found by fuzz_screen, for output read in two pieces). Written again in front of the
    /// marks, on its own cell, the glyph takes them as if they had come in one write.
    std::string rejoinGlyph(std::string_view next, bool afterText) {
        if (!afterText || !glyphs.combining(firstCodePoint(next))) return {};
        if (!cursorInside()) return {};  // never, unless libvterm finds a new way out
        VTermPos cursor{};
        vterm_state_get_cursorpos(state, &cursor);
        int rows = 0, cols = 0;
        vterm_get_size(vt, &rows, &cols);
        const VTermLineInfo* line = vterm_state_get_lineinfo(state, cursor.row);
        int rowWidth = line != nullptr && line->doublewidth ? cols / 2 : cols;
        // The last printed glyph is what the last change touched: is the cursor still on it?
        if (lastDamage.start_row != cursor.row || lastDamage.start_col != cursor.col ||
            lastDamage.end_col < rowWidth)
            return {};
        VTermScreenCell glyph{};
        if (!vterm_screen_get_cell(screen, cursor, &glyph) || glyph.chars[0] == 0) return {};
        std::string again = "\x1b[" + std::to_string(cursor.col + 1) + "G";  // clears the wrap
        for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && glyph.chars[i] != 0; ++i)
            appendUtf8(again, printable(glyph.chars[i]));
        return again;
    }

    bool cursorInside() const {
        VTermPos cursor{};
        vterm_state_get_cursorpos(state, &cursor);
        int rows = 0, cols = 0;
        vterm_get_size(vt, &rows, &cols);
        return cursor.row >= 0 && cursor.row < rows && cursor.col >= 0 && cursor.col < cols;
    }

    Impl(int cols, int rows) {
        vt = vterm_new(std::max(rows, 1), std::max(cols, kMinCols));
        if (vt == nullptr) throw std::bad_alloc();
        vterm_set_utf8(vt, 1);
        vterm_output_set_callback(vt, &Impl::discardOutput, nullptr);
        screen = vterm_obtain_screen(vt);
        state = vterm_obtain_state(vt);
        static const VTermScreenCallbacks callbacks = {&Impl::onDamage,   nullptr, nullptr,
                                                       &Impl::onTermProp, nullptr, nullptr,
                                                       nullptr,           nullptr};
        vterm_screen_set_callbacks(screen, &callbacks, this);
        vterm_screen_enable_altscreen(screen, 1);
        vterm_screen_reset(screen, 1);
    }
    ~Impl() { vterm_free(vt); }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    Pen penOf(const VTermScreenCellAttrs& a, const VTermColor& fg, const VTermColor& bg) const {
        Pen pen;
        pen.bold = a.bold;
        pen.underline = static_cast<int>(a.underline);
        pen.italic = a.italic;
        pen.blink = a.blink;
        pen.reverse = a.reverse;
        pen.strike = a.strike;
        pen.font = static_cast<int>(a.font);
        pen.fg = toCellColor(fg, true);
        pen.bg = toCellColor(bg, false);
        return pen;
    }
};

Screen::Screen(int cols, int rows) : impl_(std::make_unique<Impl>(cols, rows)) {}
Screen::~Screen() = default;
Screen::Screen(Screen&&) noexcept = default;
Screen& Screen::operator=(Screen&&) noexcept = default;

void Screen::feed(std::string_view bytes) {
    // libvterm decodes each write's text into a stack array as long as the write (a VLA in
    // state.c): big writes go in pieces.
    constexpr std::size_t kMaxWrite = 4096;
    std::string& filtered = impl_->filtered;
    filtered.clear();
    bool afterText = impl_->limiter.endsInText();
    impl_->limiter.filter(bytes, filtered);
    std::string rejoined = impl_->rejoinGlyph(filtered, afterText);
    filtered.insert(0, rejoined);
    // Writes end at the limiter's text breaks too (see EscapeLimiter::textBreaks).
    const std::vector<std::size_t>& breaks = impl_->limiter.textBreaks();
    std::size_t nextBreak = 0;
    for (std::size_t pos = 0; pos < filtered.size();) {
        while (nextBreak < breaks.size() && breaks[nextBreak] + rejoined.size() <= pos) ++nextBreak;
        std::size_t stop =
            nextBreak < breaks.size() ? breaks[nextBreak] + rejoined.size() : filtered.size();
        std::size_t end = writeBoundary(std::string_view(filtered).substr(0, stop), pos, kMaxWrite);
        vterm_input_write(impl_->vt, filtered.data() + pos, end - pos);
        pos = end;
    }
    if (filtered.capacity() > 64 * kMaxWrite) std::string().swap(filtered);
}

void Screen::resize(int cols, int rows) {
    vterm_set_size(impl_->vt, std::max(rows, 1), std::max(cols, kMinCols));
    // libvterm 0.1.4 may leave the cursor above the screen (see escape_limiter.hpp).
    if (impl_->cursorInside()) return;
    std::string bound;
    impl_->limiter.interrupt(bound);
    bound += kBoundCursor;
    vterm_input_write(impl_->vt, bound.data(), bound.size());
}

int Screen::cols() const {
    int rows = 0, cols = 0;
    vterm_get_size(impl_->vt, &rows, &cols);
    return cols;
}

int Screen::rows() const {
    int rows = 0, cols = 0;
    vterm_get_size(impl_->vt, &rows, &cols);
    return rows;
}

ScreenCell Screen::cell(int row, int col) const {
    VTermScreenCell raw{};
    ScreenCell out;
    if (!vterm_screen_get_cell(impl_->screen, VTermPos{row, col}, &raw)) return out;
    if (raw.chars[0] == kContinuation) {
        // The right half of a wide character: drawn with the left half's pen (libvterm leaves
        // whatever pen the cell had before, so it is not reported). Or what is left of one whose
        // left half was overwritten: a terminal shows that as a blank with the cell's pen.
        out.continuation = col > 0 && startsWide(row, col - 1);
        if (!out.continuation) out.pen = impl_->penOf(raw.attrs, raw.fg, raw.bg);
        return out;
    }
    out.pen = impl_->penOf(raw.attrs, raw.fg, raw.bg);
    for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && raw.chars[i] != 0; ++i)
        out.chars += printable(raw.chars[i]);
    bool wide = impl_->glyphs.wide(raw.chars[0]);
    if (wide && (raw.width < 2 || col + 1 >= cols())) {
        // Half a wide character: its right half was overwritten (libvterm keeps the left), or a
        // narrower resize cut it at the edge. A terminal cannot draw half of one, so it stands
        // blank, as xterm shows it (found by fuzz_screen).
        out.chars.clear();
        return out;
    }
    out.width = wide ? 2 : 1;
    return out;
}

bool Screen::startsWide(int row, int col) const {
    VTermScreenCell raw{};
    return vterm_screen_get_cell(impl_->screen, VTermPos{row, col}, &raw) && raw.width > 1 &&
           raw.chars[0] != kContinuation && impl_->glyphs.wide(raw.chars[0]);
}

std::vector<std::string> Screen::textLines() const {
    const int width = cols(), height = rows();
    std::vector<std::string> lines(static_cast<std::size_t>(height));
    for (int row = 0; row < height; ++row) {
        std::string& line = lines[static_cast<std::size_t>(row)];
        for (int col = 0; col < width; ++col) {
            ScreenCell c = cell(row, col);
            if (c.continuation) continue;  // the wide character was written at its left half
            if (c.chars.empty()) {
                line += ' ';
                continue;
            }
            std::size_t keep = std::min<std::size_t>(c.chars.size(), 1 + kMaxTextMarksPerCell);
            for (std::size_t i = 0; i < keep; ++i) appendUtf8(line, c.chars[i]);
        }
        line.erase(line.find_last_not_of(' ') + 1);  // npos + 1 == 0: a blank row is ""
    }
    return lines;
}

std::string Screen::textTitle() const {
    // Valid UTF-8 too: the title is bytes as the program sent them, and it ends up in JSON.
    return cutUtf8(core::toValidUtf8(sanitizeTitle(title())), kMaxTextTitleBytes);
}

std::uint64_t Screen::pendingBytes() const {
    return impl_->limiter.pendingBytes();
}

int Screen::cursorRow() const {
    VTermPos pos{};
    vterm_state_get_cursorpos(impl_->state, &pos);
    return pos.row;
}

int Screen::cursorCol() const {
    VTermPos pos{};
    vterm_state_get_cursorpos(impl_->state, &pos);
    return pos.col;
}

bool Screen::cursorVisible() const {
    return impl_->cursorVisible;
}
bool Screen::altScreen() const {
    return impl_->altScreen;
}
const std::string& Screen::title() const {
    return impl_->title;
}

Pen Screen::pen() const {
    VTermValue v{};
    VTermScreenCellAttrs attrs{};
    auto get = [&](VTermAttr attr) {
        vterm_state_get_penattr(impl_->state, attr, &v);
        return v;
    };
    attrs.bold = get(VTERM_ATTR_BOLD).boolean;
    attrs.underline = get(VTERM_ATTR_UNDERLINE).number;
    attrs.italic = get(VTERM_ATTR_ITALIC).boolean;
    attrs.blink = get(VTERM_ATTR_BLINK).boolean;
    attrs.reverse = get(VTERM_ATTR_REVERSE).boolean;
    attrs.strike = get(VTERM_ATTR_STRIKE).boolean;
    attrs.font = get(VTERM_ATTR_FONT).number;
    VTermColor fg = get(VTERM_ATTR_FOREGROUND).color;
    VTermColor bg = get(VTERM_ATTR_BACKGROUND).color;
    return impl_->penOf(attrs, fg, bg);
}

std::string Screen::snapshot() const {
    const int width = cols(), height = rows();
    std::string out = "\x1b[0m";
    if (altScreen()) out += "\x1b[?1049h";
    out += "\x1b[H\x1b[2J";
    if (!title().empty()) out += "\x1b]2;" + sanitizeTitle(title()) + "\x07";
    Pen current;  // the pen after "\x1b[0m"
    for (int row = 0; row < height; ++row) {
        out += cursorTo(row, 0);
        int col = 0;
        while (col < width) {
            ScreenCell c = cell(row, col);
            if (c.continuation) {
                ++col;
                continue;
            }
            if (!c.chars.empty()) {
                if (c.pen != current) out += sgrSequence(current = c.pen);
                // A combining mark with no base has a cell of its own. Written right after the
                // glyph to its left, it would join that glyph: a space printed first on its cell
                // makes libvterm take it for a glyph (found by fuzz_screen). It does not move the
                // cursor either: the next cell is named (the rest of the line was drawn one column
                // to the left).
                bool lone = impl_->glyphs.combining(c.chars.front());
                if (lone) out += " " + cursorTo(row, col);
                appendUtf8(out, c.chars.front());
                for (std::size_t i = 1; i < c.chars.size(); ++i) appendUtf8(out, c.chars[i]);
                col += std::max(c.width, 1);
                if (lone && col < width) out += cursorTo(row, col);
                continue;
            }
            // A run of blank cells with the same pen: erased, not written, so that the copy keeps
            // them blank (ECH paints the pen's background without printing spaces).
            int end = col + 1;
            while (end < width) {
                ScreenCell next = cell(row, end);
                if (!next.chars.empty() || next.continuation || next.pen != c.pen) break;
                ++end;
            }
            if (c.pen == Pen{} && end == width) break;  // already blank after the clear
            if (c.pen != current) out += sgrSequence(current = c.pen);
            out += "\x1b[" + std::to_string(end - col) + "X";
            if (end < width) out += "\x1b[" + std::to_string(end - col) + "C";
            col = end;
        }
    }
    out += sgrSequence(pen());
    out += cursorTo(cursorRow(), cursorCol());
    out += cursorVisible() ? "\x1b[?25h" : "\x1b[?25l";
    return out;
}

}  // namespace parawork::host
