// libFuzzer target: what the daemon parses out of session output (arbitrary bytes from agents):
// line splitting, sanitizing, markers, UTF-8 repair.
#include <cstddef>
#include <cstdint>
#include <string>

#include "session/log_lines.hpp"
#include "session/output_events.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace parawork::session;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    LineSplitter splitter(256);
    splitter.feed(bytes, [](std::string_view line) {
        auto clean = sanitizeLogLine(line);
        parseMarker(clean);
    });
    std::string pending;
    takeUtf8(pending, bytes.substr(0, size / 2));
    takeUtf8(pending, bytes.substr(size / 2));
    return 0;
}
