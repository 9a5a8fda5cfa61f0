// The one parser of numbers in query parameters (?offset=, ?limit=).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace parawork::api {

enum class NumberSyntax {
    Whole,          ///< the whole text is a decimal number
    LeadingDigits,  ///< as JavaScript's parseInt: the leading digits count, the rest is ignored
};

/// The non-negative decimal number in `text`; nullopt when there is none (empty text, a sign,
/// a non-digit where a digit belongs, a value beyond 64 bits).
std::optional<std::uint64_t> parseQueryNumber(std::string_view text,
                                              NumberSyntax syntax = NumberSyntax::Whole);

}  // namespace parawork::api
