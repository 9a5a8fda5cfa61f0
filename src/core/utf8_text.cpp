// A small UTF-8 validator (Unicode 15, table 3-7: well-formed byte sequences).
#include "core/utf8_text.hpp"

#include <cstddef>

namespace parawork::core {
namespace {

/// The length of the well-formed sequence at text[i], or 0 when none starts there; `invalid`
/// then receives the length of the maximal ill-formed subpart (at least 1).
std::size_t sequenceAt(std::string_view text, std::size_t i, std::size_t& invalid) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char b0 = byte(i);
    invalid = 1;
    if (b0 < 0x80) return 1;
    std::size_t length = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range allowed for the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        if (b0 == 0xE0) lo = 0xA0;  // no overlongs
        if (b0 == 0xED) hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        if (b0 == 0xF0) lo = 0x90;  // no overlongs
        if (b0 == 0xF4) hi = 0x8F;  // at most U+10FFFF
    } else {
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if (i + k >= text.size()) return 0;
        unsigned char b = byte(i + k);
        bool fits = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
        if (!fits) return 0;
        invalid = k + 1;
    }
    return length;
}

}  // namespace

bool isValidUtf8(std::string_view text) {
    std::size_t invalid = 0;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = sequenceAt(text, i, invalid);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string toValidUtf8(std::string_view text) {
    if (isValidUtf8(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 16);
    std::size_t invalid = 0;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = sequenceAt(text, i, invalid);
        if (n > 0) {
            out.append(text, i, n);
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            // A lead byte and the continuation bytes that fitted it go as one subpart.
            i += invalid;
        }
    }
    return out;
}

}  // namespace parawork::core
