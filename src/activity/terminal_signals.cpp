// The terminal layer's scanner: a byte-at-a-time escape-sequence parser (the states of
// vt100.net's DEC parser, reduced to what agent state needs), so any split of the stream gives the
// same signals as one feed. It holds at most one OSC (kMaxOscBytes), a few CSI parameters and one
// pending kitty notification.
#include "activity/terminal_signals.hpp"

#include <algorithm>

#include "core/utf8_text.hpp"

namespace parawork::activity {
namespace {

constexpr unsigned char kBel = 0x07, kCan = 0x18, kSub = 0x1A, kEsc = 0x1B;
/// A CSI parameter above this is kept at this value (the modes we read are 1004 and 2004).
constexpr unsigned kMaxCsiParam = 99999;

/// Valid UTF-8 of at most kMaxSignalText bytes, cut at a character boundary.
std::string boundedText(std::string_view raw) {
    std::string text = core::toValidUtf8(raw);
    if (text.size() > kMaxSignalText) {
        std::size_t cut = kMaxSignalText;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        text.resize(cut);
    }
    return text;
}

/// "title: body", or whichever of them is not empty.
std::string joinTitleBody(std::string_view title, std::string_view body) {
    if (title.empty()) return std::string(body);
    if (body.empty()) return std::string(title);
    std::string text(title);
    text += ": ";
    text += body;
    return text;
}

/// Standard base64 (RFC 4648 §4), padding optional; what is not base64 ends the text.
std::string decodeBase64(std::string_view in) {
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned bits = 0, count = 0;
    for (char c : in) {
        auto at = kAlphabet.find(c);
        if (at == std::string_view::npos) break;
        bits = (bits << 6) | static_cast<unsigned>(at);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>((bits >> count) & 0xFF));
        }
    }
    return out;
}

/// The value of `key` in kitty's metadata ("i=1:d=0:p=body"), or `fallback`.
std::string_view kittyValue(std::string_view metadata, char key, std::string_view fallback) {
    while (!metadata.empty()) {
        auto end = metadata.find(':');
        std::string_view pair = metadata.substr(0, end);
        if (pair.size() >= 2 && pair[0] == key && pair[1] == '=') return pair.substr(2);
        if (end == std::string_view::npos) break;
        metadata.remove_prefix(end + 1);
    }
    return fallback;
}

/// ConEmu's OSC 9 sub-commands ("4;1;50" progress, "9;path" the directory, ...) start with a
/// number and a ';' (or are only a number); iTerm2's OSC 9 is free text.
bool isConEmuSubcommand(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    return digits > 0 && (digits == text.size() || text[digits] == ';');
}

void reportText(TerminalSignal::Kind kind, std::string_view raw,
                const TerminalSignalScanner::Report& report) {
    TerminalSignal signal;
    signal.kind = kind;
    signal.text = boundedText(raw);
    report(signal);
}

}  // namespace

bool titleMeansWorking(std::string_view title) {
    while (!title.empty() && title.front() == ' ') title.remove_prefix(1);
    // U+2800..U+28FF in UTF-8: E2 A0 80 .. E2 A3 BF.
    if (title.size() < 3) return false;
    auto b1 = static_cast<unsigned char>(title[1]), b2 = static_cast<unsigned char>(title[2]);
    return static_cast<unsigned char>(title[0]) == 0xE2 && b1 >= 0xA0 && b1 <= 0xA3 && b2 >= 0x80 &&
           b2 <= 0xBF;
}

void TerminalSignalScanner::feed(std::string_view bytes, const Report& report) {
    for (char c : bytes) step(static_cast<unsigned char>(c), report);
}

void TerminalSignalScanner::startEscape() {
    state_ = State::Escape;
}

void TerminalSignalScanner::step(unsigned char byte, const Report& report) {
    // CAN and SUB abort any sequence; ESC starts a new one (in a string, it may begin ST).
    if (byte == kCan || byte == kSub) {
        state_ = State::Ground;
        return;
    }
    switch (state_) {
        case State::Ground:
            if (byte == kEsc) startEscape();
            if (byte == kBel) report(TerminalSignal{TerminalSignal::Kind::Bell, {}, false});
            return;
        case State::Escape:
        case State::EscapeSkip:
            stepEscape(byte);
            return;
        case State::Csi:
        case State::CsiSkip:
            stepCsi(byte, report);
            return;
        case State::Osc:
        case State::OscEscape:
            stepOsc(byte, report);
            return;
        case State::OtherString:
            if (byte == kEsc) state_ = State::OtherStringEscape;
            return;
        case State::OtherStringEscape:
            // ST ends the string; any other escape aborts it and starts anew.
            if (byte == '\\') {
                state_ = State::Ground;
            } else {
                startEscape();
                stepEscape(byte);
            }
            return;
    }
}

void TerminalSignalScanner::stepEscape(unsigned char byte) {
    // C0 controls (a BEL too: only a BEL in the ground state rings here) and DEL do not end an
    // escape; intermediates lead to sequences we do not read; anything else ends it.
    if (byte == kEsc) return startEscape();
    if (byte < 0x20 || byte == 0x7F) return;
    if (byte <= 0x2F) {
        state_ = State::EscapeSkip;
        return;
    }
    if (state_ == State::EscapeSkip || byte > 0x7F) {
        state_ = State::Ground;
        return;
    }
    switch (byte) {
        case '[':
            state_ = State::Csi;
            csiParams_.assign(1, 0);
            csiPrivate_ = false;
            return;
        case ']':
            state_ = State::Osc;
            osc_.clear();
            return;
        case 'P':
        case 'X':
        case '^':
        case '_':
            state_ = State::OtherString;
            return;
        default:
            state_ = State::Ground;  // a two-byte escape (ESC 7, ESC =, ...)
    }
}

void TerminalSignalScanner::stepCsi(unsigned char byte, const Report& report) {
    if (byte == kEsc) return startEscape();
    if (byte < 0x20 || byte == 0x7F) return;  // executed or ignored; the CSI goes on
    if (byte >= 0x40 && byte <= 0x7E) {
        if (state_ == State::Csi) finishCsi(byte, report);
        state_ = State::Ground;
        return;
    }
    if (state_ == State::CsiSkip) return;
    if (byte >= '0' && byte <= '9') {
        unsigned& value = csiParams_.back();
        value = std::min(kMaxCsiParam, value * 10 + (byte - '0'));
    } else if (byte == ';') {
        if (csiParams_.size() < kMaxCsiParams) csiParams_.push_back(0);
    } else if (byte == '?' && !csiPrivate_ && csiParams_.size() == 1 && csiParams_[0] == 0) {
        csiPrivate_ = true;
    } else {
        // Sub-parameters, other private markers, intermediates: not a mode set we read.
        state_ = State::CsiSkip;
    }
}

void TerminalSignalScanner::finishCsi(unsigned char final, const Report& report) {
    if (!csiPrivate_ || (final != 'h' && final != 'l')) return;
    for (unsigned mode : csiParams_) {
        TerminalSignal signal;
        if (mode == 2004) {
            signal.kind = TerminalSignal::Kind::BracketedPaste;
        } else if (mode == 1004) {
            signal.kind = TerminalSignal::Kind::FocusReporting;
        } else {
            continue;
        }
        signal.on = final == 'h';
        if (mode == 2004) bracketedPaste_ = signal.on;
        report(signal);
    }
}

void TerminalSignalScanner::stepOsc(unsigned char byte, const Report& report) {
    if (state_ == State::OscEscape) {
        if (byte == '\\') {
            finishOsc(report);
            state_ = State::Ground;
        } else {
            startEscape();  // an unterminated OSC: dropped, the new escape read
            stepEscape(byte);
        }
        return;
    }
    if (byte == kBel) {
        finishOsc(report);
        state_ = State::Ground;
    } else if (byte == kEsc) {
        state_ = State::OscEscape;
    } else if (byte >= 0x20 && osc_.size() < kMaxOscBytes) {
        osc_.push_back(static_cast<char>(byte));  // other C0 controls are ignored in strings
    }
}

void TerminalSignalScanner::finishOsc(const Report& report) {
    std::string_view osc = osc_;
    auto semicolon = osc.find(';');
    if (semicolon == std::string_view::npos) return;  // no text: nothing we read
    std::string_view command = osc.substr(0, semicolon), text = osc.substr(semicolon + 1);
    if (command == "0" || command == "2") {
        reportText(TerminalSignal::Kind::Title, text, report);
    } else if (command == "9") {
        if (!isConEmuSubcommand(text)) reportText(TerminalSignal::Kind::Notification, text, report);
    } else if (command == "777") {
        // OSC 777;notify;title;body (rxvt-unicode, VTE): the body may hold ';' itself.
        constexpr std::string_view kNotify = "notify;";
        if (!text.starts_with(kNotify)) return;
        text.remove_prefix(kNotify.size());
        auto split = text.find(';');
        std::string_view title = text.substr(0, split);
        std::string_view body = split == std::string_view::npos ? "" : text.substr(split + 1);
        reportText(TerminalSignal::Kind::Notification, joinTitleBody(title, body), report);
    } else if (command == "99") {
        auto payloadAt = text.find(';');
        if (payloadAt == std::string_view::npos) return;  // both ';' are required
        finishKitty(text.substr(0, payloadAt), text.substr(payloadAt + 1), report);
    }
}

void TerminalSignalScanner::finishKitty(std::string_view metadata, std::string_view payload,
                                        const Report& report) {
    // kitty's OSC 99: chunks with the same i=, the last one d=1 (the default); p= says what the
    // payload is (title by default); e=1 means base64. Only title and body carry text; close,
    // icon, buttons, alive and queries do not.
    std::string_view id = kittyValue(metadata, 'i', "");
    if (id != kittyId_) {
        kittyId_ = std::string(id.substr(0, 64));
        kittyTitle_.clear();
        kittyBody_.clear();
    }
    std::string_view part = kittyValue(metadata, 'p', "title");
    std::string decoded;
    if (kittyValue(metadata, 'e', "0") == "1") {
        decoded = decodeBase64(payload);
        payload = decoded;
    }
    std::string* target = part == "title" ? &kittyTitle_ : part == "body" ? &kittyBody_ : nullptr;
    if (target != nullptr && target->size() < kMaxSignalText)
        target->append(payload.substr(0, kMaxSignalText - target->size()));
    if (kittyValue(metadata, 'd', "1") == "0") return;
    if (!kittyTitle_.empty() || !kittyBody_.empty())
        reportText(TerminalSignal::Kind::Notification, joinTitleBody(kittyTitle_, kittyBody_),
                   report);
    kittyId_.clear();
    kittyTitle_.clear();
    kittyBody_.clear();
}

}  // namespace parawork::activity
