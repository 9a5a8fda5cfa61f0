#include "api/query_number.hpp"

#include <charconv>

namespace parawork::api {

std::optional<std::uint64_t> parseQueryNumber(std::string_view text, NumberSyntax syntax) {
    std::uint64_t n = 0;
    const char* last = text.data() + text.size();
    auto [end, ec] = std::from_chars(text.data(), last, n);
    if (ec != std::errc() || end == text.data()) return std::nullopt;
    if (syntax == NumberSyntax::Whole && end != last) return std::nullopt;
    return n;
}

}  // namespace parawork::api
