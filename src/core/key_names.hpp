// tmux's key names (`send-keys Escape Down Enter C-c`) as the bytes an xterm sends for them, so a
// person or another agent can steer a TUI (docs/cli.md, `parawork send-keys`). Pure and
// table-driven: unit-tested without a terminal.
//
// Cursor keys, Home and End are sent in the normal (ANSI) cursor mode, CSI A…D / CSI H / CSI F,
// whatever mode the program asked for: the screen model (libvterm 0.1.4) does not report DECCKM,
// and the programs that switch to application mode (vim, less, readline, Ink) read both forms.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace parawork::core {

/// Keys in one request (tmux has no limit; ours is STYLE §8's).
inline constexpr std::size_t kMaxKeysPerRequest = 1000;
/// Bytes of all the keys of one request together, as given (names or text).
inline constexpr std::size_t kMaxKeysBytes = 64 * 1024;

/// A word that looks like a key name and is none ("C-Foo", "F13", "C-1"), or a request past the
/// bounds. The message names the word.
class KeyError : public Error {
  public:
    using Error::Error;
};

/// The bytes of one word, tmux's rule: a key name (case-insensitive: Enter, Escape, Tab, BTab,
/// Space, BSpace, Up, Down, Left, Right, Home, End, IC/Insert, DC/Delete, PPage/PageUp/PgUp,
/// NPage/PageDown/PgDn, F1–F12), optionally after modifiers C-, M-, S- (and ^x for C-x), or a
/// single character after modifiers, is that key; any other word is typed as literal text.
/// Stricter than tmux, which would type them literally: a word with a modifier prefix whose rest
/// is neither a name nor one character, F followed by another number, or a modifier with no
/// terminal encoding (C-Enter, C-1) throws KeyError.
std::string keyBytes(std::string_view word);

/// The bytes of `keys` in order: each word through keyBytes, or as it is when `literal`
/// (tmux's -l). Throws KeyError past kMaxKeysPerRequest keys or kMaxKeysBytes bytes.
std::string keysToBytes(const std::vector<std::string>& keys, bool literal);

}  // namespace parawork::core
