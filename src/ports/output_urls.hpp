// Local server addresses printed in a session's output: URLs such as "http://localhost:5173/"
// and the phrasings dev servers use ("Listening on :8000", "listening on port 8000", "started
// server on 0.0.0.0:3000"). The daemon treats them as hints that trigger an immediate port scan
// (platform notes), so a rare false positive costs one scan; a false port is never proxied,
// because ports are only trusted once a session's tree is found listening on them.
//
// A small hand scanner, linear in the line's length: no std::regex (libstdc++'s recurses per
// character and can overflow the stack on long lines).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::ports {

/// A port seen in output, and the URL as printed when there was one (empty for phrases such as
/// "Listening on :8000").
struct OutputUrl {
    std::uint16_t port = 0;
    std::string url;

    bool operator==(const OutputUrl&) const = default;
};

/// Only this many leading bytes of a line are scanned (a dev server's banner line is short; a
/// minified bundle dumped to the terminal is not worth scanning).
inline constexpr std::size_t kMaxScannedLineBytes = 16 * 1024;

/// The local server ports in one line of output, ANSI escapes already stripped. Hosts: localhost,
/// 127.0.0.1, 0.0.0.0, [::], [::1] (any case); ports 1–65535. URLs come first in the order
/// printed, then ports seen only in phrases; each port appears once.
std::vector<OutputUrl> findOutputUrls(std::string_view line);

}  // namespace parawork::ports
