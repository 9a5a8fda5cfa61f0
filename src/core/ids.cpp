#include "core/ids.hpp"

#include <array>

#include "core/secrets.hpp"

namespace parawork::core {

std::string newUuid() {
    std::array<unsigned char, 16> b{};
    fillRandom(b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant 10xx (RFC 9562)
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(kDigits[b[i] >> 4]);
        out.push_back(kDigits[b[i] & 0x0f]);
    }
    return out;
}

namespace {

// Not std::isxdigit: that one follows the locale.
bool isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

bool isUuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool hyphenHere = i == 8 || i == 13 || i == 18 || i == 23;
        if (hyphenHere ? text[i] != '-' : !isHexDigit(text[i])) return false;
    }
    return true;
}

}  // namespace parawork::core
