// libFuzzer target: the terminal signal scanner (untrusted bytes: whatever a session prints).
// Arbitrary bytes in arbitrary splits must give the same signals as one feed, and every signal's
// text must be valid UTF-8 of at most kMaxSignalText bytes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "activity/terminal_signals.hpp"
#include "core/utf8_text.hpp"

namespace {

using parawork::activity::kMaxSignalText;
using parawork::activity::TerminalSignal;
using parawork::activity::TerminalSignalScanner;

void requireWellFormed(const TerminalSignal& signal) {
    if (signal.text.size() > kMaxSignalText) std::abort();
    if (!parawork::core::isValidUtf8(signal.text)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    TerminalSignalScanner pieces, whole;
    std::vector<TerminalSignal> fromPieces, fromWhole;
    std::string all;
    while (in.remaining_bytes() > 0) {
        std::string piece = in.ConsumeRandomLengthString(256);
        pieces.feed(piece, [&](const TerminalSignal& s) { fromPieces.push_back(s); });
        all += piece;
    }
    whole.feed(all, [&](const TerminalSignal& s) { fromWhole.push_back(s); });
    if (fromPieces != fromWhole) std::abort();
    for (const auto& signal : fromWhole) requireWellFormed(signal);
    return 0;
}
