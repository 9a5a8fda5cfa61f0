// tmux's key names as xterm's bytes (see key_names.hpp).
#include "core/key_names.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "core/utf8_text.hpp"

namespace parawork::core {
namespace {

/// How a named key is encoded, and so how modifiers change it.
enum class KeyForm {
    Plain,   ///< fixed bytes (Enter, Tab…): only the variants below take modifiers
    Letter,  ///< CSI <final> (cursor keys, Home, End) or SS3 <final> (F1–F4): CSI 1;<m> <final>
    Tilde,   ///< CSI <n> ~ (Insert, PageUp, F5…): CSI <n>;<m> ~
};

struct NamedKey {
    std::string_view name;
    KeyForm form;
    std::string_view bytes;  ///< Plain: the bytes; Letter: the final byte; Tilde: the number
    bool ss3 = false;        ///< Letter: unmodified, sent as SS3 (ESC O) rather than CSI
};

// xterm's sequences (ctlseqs, "PC-Style Function Keys"), in its normal cursor mode.
constexpr std::array kNamedKeys{
    NamedKey{"Enter", KeyForm::Plain, "\r"},    NamedKey{"Escape", KeyForm::Plain, "\x1b"},
    NamedKey{"Tab", KeyForm::Plain, "\t"},      NamedKey{"BTab", KeyForm::Plain, "\x1b[Z"},
    NamedKey{"Space", KeyForm::Plain, " "},     NamedKey{"BSpace", KeyForm::Plain, "\x7f"},
    NamedKey{"Up", KeyForm::Letter, "A"},       NamedKey{"Down", KeyForm::Letter, "B"},
    NamedKey{"Right", KeyForm::Letter, "C"},    NamedKey{"Left", KeyForm::Letter, "D"},
    NamedKey{"Home", KeyForm::Letter, "H"},     NamedKey{"End", KeyForm::Letter, "F"},
    NamedKey{"IC", KeyForm::Tilde, "2"},        NamedKey{"Insert", KeyForm::Tilde, "2"},
    NamedKey{"DC", KeyForm::Tilde, "3"},        NamedKey{"Delete", KeyForm::Tilde, "3"},
    NamedKey{"PPage", KeyForm::Tilde, "5"},     NamedKey{"PageUp", KeyForm::Tilde, "5"},
    NamedKey{"PgUp", KeyForm::Tilde, "5"},      NamedKey{"NPage", KeyForm::Tilde, "6"},
    NamedKey{"PageDown", KeyForm::Tilde, "6"},  NamedKey{"PgDn", KeyForm::Tilde, "6"},
    NamedKey{"F1", KeyForm::Letter, "P", true}, NamedKey{"F2", KeyForm::Letter, "Q", true},
    NamedKey{"F3", KeyForm::Letter, "R", true}, NamedKey{"F4", KeyForm::Letter, "S", true},
    NamedKey{"F5", KeyForm::Tilde, "15"},       NamedKey{"F6", KeyForm::Tilde, "17"},
    NamedKey{"F7", KeyForm::Tilde, "18"},       NamedKey{"F8", KeyForm::Tilde, "19"},
    NamedKey{"F9", KeyForm::Tilde, "20"},       NamedKey{"F10", KeyForm::Tilde, "21"},
    NamedKey{"F11", KeyForm::Tilde, "23"},      NamedKey{"F12", KeyForm::Tilde, "24"},
};

struct Modifiers {
    bool ctrl = false, meta = false, shift = false;
    bool any() const { return ctrl || meta || shift; }
    /// xterm's modifier parameter: 1 + shift 1 + alt 2 + control 4.
    int parameter() const { return 1 + (shift ? 1 : 0) + (meta ? 2 : 0) + (ctrl ? 4 : 0); }
};

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [&](char x, char y) { return lower(x) == lower(y); });
}

const NamedKey* findNamedKey(std::string_view name) {
    for (const NamedKey& key : kNamedKeys)
        if (equalsIgnoringCase(key.name, name)) return &key;
    return nullptr;
}

/// Takes the modifier prefixes off `word` (C- M- S- in any order and case, or a leading ^).
Modifiers takeModifiers(std::string_view& word) {
    Modifiers m;
    if (word.size() > 1 && word[0] == '^') {
        m.ctrl = true;
        word.remove_prefix(1);
        return m;
    }
    while (word.size() > 2 && word[1] == '-') {
        char c = word[0];
        if (c == 'C' || c == 'c')
            m.ctrl = true;
        else if (c == 'M' || c == 'm')
            m.meta = true;
        else if (c == 'S' || c == 's')
            m.shift = true;
        else
            break;
        word.remove_prefix(2);
    }
    return m;
}

bool isOneCharacter(std::string_view text) {
    if (text.empty() || text.size() > 4 || !isValidUtf8(text)) return false;
    auto lead = static_cast<unsigned char>(text[0]);
    std::size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    return text.size() == length;
}

/// The control code xterm sends for Ctrl with `c` (C0 and DEL), if there is one.
std::optional<char> controlCode(char c) {
    if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 1);
    if (c >= '@' && c <= '_') return static_cast<char>(c - '@');  // A–Z, @ [ \ ] ^ _
    switch (c) {
        case ' ':
        case '2':
            return '\0';
        case '3':
            return '\x1b';
        case '4':
            return '\x1c';
        case '5':
            return '\x1d';
        case '6':
            return '\x1e';
        case '7':
        case '/':
            return '\x1f';
        case '8':
        case '?':
            return '\x7f';
        default:
            return std::nullopt;
    }
}

[[noreturn]] void noEncoding(std::string_view word) {
    throw KeyError("key " + std::string(word) +
                   ": no terminal encoding for this modifier; send its bytes literally (-l)");
}

std::string characterBytes(std::string_view c, Modifiers m, std::string_view word) {
    std::string out(c);
    if (m.shift) {
        if (c.size() != 1 || !((c[0] >= 'a' && c[0] <= 'z') || (c[0] >= 'A' && c[0] <= 'Z')))
            noEncoding(word);
        if (c[0] >= 'a') out[0] = static_cast<char>(c[0] - 32);
    }
    if (m.ctrl) {
        auto code = c.size() == 1 ? controlCode(out[0]) : std::nullopt;
        if (!code) noEncoding(word);
        out = std::string(1, *code);
    }
    return m.meta ? "\x1b" + out : out;
}

std::string plainKeyBytes(const NamedKey& key, Modifiers m, std::string_view word) {
    std::string out(key.bytes);
    if (m.shift) {
        if (key.name != "Tab") noEncoding(word);
        out = "\x1b[Z";
    }
    if (m.ctrl) {
        if (key.name == "Space")
            out = std::string(1, '\0');
        else if (key.name == "BSpace")
            out = "\b";
        else
            noEncoding(word);
    }
    return m.meta ? "\x1b" + out : out;
}

std::string namedKeyBytes(const NamedKey& key, Modifiers m, std::string_view word) {
    switch (key.form) {
        case KeyForm::Plain:
            return plainKeyBytes(key, m, word);
        case KeyForm::Letter:
            if (!m.any()) return (key.ss3 ? "\x1bO" : "\x1b[") + std::string(key.bytes);
            return "\x1b[1;" + std::to_string(m.parameter()) + std::string(key.bytes);
        case KeyForm::Tilde:
            if (!m.any()) return "\x1b[" + std::string(key.bytes) + "~";
            return "\x1b[" + std::string(key.bytes) + ";" + std::to_string(m.parameter()) + "~";
    }
    return {};
}

/// F followed by digits: a function key, whether we have it or not.
bool looksLikeFunctionKey(std::string_view word) {
    return word.size() > 1 && (word[0] == 'F' || word[0] == 'f') &&
           std::all_of(word.begin() + 1, word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string keyBytes(std::string_view word) {
    std::string_view rest = word;
    Modifiers m = takeModifiers(rest);
    if (const NamedKey* key = findNamedKey(rest)) return namedKeyBytes(*key, m, word);
    if (looksLikeFunctionKey(rest))
        throw KeyError("unknown key name " + std::string(word) + " (function keys are F1–F12)");
    if (!m.any()) return std::string(word);  // not a key name: literal text, as tmux types it
    if (isOneCharacter(rest)) return characterBytes(rest, m, word);
    throw KeyError("unknown key name " + std::string(word) +
                   " (a modifier needs a key name or one character; -l types text as it is)");
}

std::string keysToBytes(const std::vector<std::string>& keys, bool literal) {
    if (keys.size() > kMaxKeysPerRequest)
        throw KeyError("too many keys: " + std::to_string(keys.size()) + " (at most " +
                       std::to_string(kMaxKeysPerRequest) + " a request)");
    std::size_t total = 0;
    for (const std::string& key : keys) total += key.size();
    if (total > kMaxKeysBytes)
        throw KeyError("keys too long: " + std::to_string(total) + " bytes (at most " +
                       std::to_string(kMaxKeysBytes) + " a request)");
    std::string out;
    for (const std::string& key : keys) out += literal ? key : keyBytes(key);
    return out;
}

}  // namespace parawork::core
