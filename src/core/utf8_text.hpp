// Text that reaches JSON must be valid UTF-8: a WebSocket text frame with invalid UTF-8 closes the
// connection (RFC 6455 §8.1), and file names and file contents are arbitrary bytes on Linux.
#pragma once

#include <string>
#include <string_view>

namespace parawork::core {

/// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool isValidUtf8(std::string_view text);

/// `text` with every ill-formed sequence replaced by U+FFFD (one per maximal invalid
/// subpart, as the Unicode standard recommends); valid text comes back unchanged.
std::string toValidUtf8(std::string_view text);

}  // namespace parawork::core
