// libFuzzer target: the screen model (untrusted bytes: whatever a session prints). Feeds arbitrary
// bytes in arbitrary splits, resizes and snapshots, and checks what re-attach relies on:
//   - the screen fed in pieces equals the screen fed the same bytes at once (a UTF-8 character
//     or a sequence split across the host's slices must not change the screen), and
//   - a snapshot replayed on a fresh screen reproduces every cell, the cursor and the pen, and
//   - the cursor never leaves the screen (libvterm, built without sanitizers, then reads past its
//     arrays unseen by ASan: found under valgrind).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "host/screen.hpp"

namespace {

using parawork::host::Screen;

void requireSameScreen(const Screen& a, const Screen& b) {
    if (a.cols() != b.cols() || a.rows() != b.rows()) std::abort();
    for (int row = 0; row < a.rows(); ++row)
        for (int col = 0; col < a.cols(); ++col)
            if (!(a.cell(row, col) == b.cell(row, col))) std::abort();
    if (a.cursorRow() != b.cursorRow() || a.cursorCol() != b.cursorCol()) std::abort();
    if (a.cursorVisible() != b.cursorVisible() || a.altScreen() != b.altScreen()) std::abort();
    if (!(a.pen() == b.pen())) std::abort();
}

void requireCursorInside(const Screen& s) {
    if (s.cursorRow() < 0 || s.cursorRow() >= s.rows() || s.cursorCol() < 0 ||
        s.cursorCol() >= s.cols())
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const int cols = in.ConsumeIntegralInRange(1, 160);
    const int rows = in.ConsumeIntegralInRange(1, 50);
    Screen whole(cols, rows), pieces(cols, rows);
    std::string all;
    while (in.remaining_bytes() > 0) {
        std::string piece = in.ConsumeRandomLengthString(256);
        pieces.feed(piece);
        requireCursorInside(pieces);
        all += piece;
    }
    whole.feed(all);
    requireSameScreen(whole, pieces);

    Screen replayed(cols, rows);
    replayed.feed(pieces.snapshot());
    requireSameScreen(pieces, replayed);

    // Resizes must never fault, whatever the content (wide characters at the new edge, the
    // cursor outside the new size, the alternate screen).
    pieces.resize(cols / 2 + 1, rows + 3);
    requireCursorInside(pieces);
    (void)pieces.snapshot();
    pieces.resize(cols + 7, rows / 2 + 1);
    requireCursorInside(pieces);
    pieces.feed(all.substr(0, all.size() / 2));
    requireCursorInside(pieces);
    (void)pieces.snapshot();
    return 0;
}
