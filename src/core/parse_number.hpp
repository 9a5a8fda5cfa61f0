// The one "whole decimal number from text" of the tree: pids in /proc names, inodes, ports,
// expiry times. Parsers that read a number off the front of longer text (a /proc/PID/stat
// field, "123\n" in a cgroup file, a size with a suffix) keep their own from_chars.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace parawork::core {

/// `text` as a decimal number of type T when it is one as a whole: digits (and a leading '-'
/// for a signed T) and nothing else, no spaces or '+'; nullopt when it is not, or it does not
/// fit in T.
template <class T>
std::optional<T> parseNumber(std::string_view text) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace parawork::core
