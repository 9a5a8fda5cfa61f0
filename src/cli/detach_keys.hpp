// The keys that detach `attach` and an attached `run` from a session, written as docker's
// --detach-keys are: comma-separated keys, each a single character or `ctrl-<c>`
// (e.g. `ctrl-a,d`). The flag wins over $PARAWORK_DETACH_KEYS, which wins over the default.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parawork::cli {

/// Ctrl-\ twice.
inline constexpr std::string_view kDefaultDetachKeys = "ctrl-\\,ctrl-\\";

/// The bytes `spec` stands for. A key is one printable ASCII character other than ',' or
/// `ctrl-<c>` (case-insensitive) with c one of a-z, @, [, \, ], ^, _; at most 16 keys.
/// Throws CliError `usage` (exit 2) naming `source` (the flag or variable) and what is wrong.
std::string parseDetachKeys(std::string_view spec, std::string_view source);

/// The detach key bytes: `flag` when given, else $PARAWORK_DETACH_KEYS when set and not empty,
/// else kDefaultDetachKeys.
std::string detachKeysFor(const std::optional<std::string>& flag);

}  // namespace parawork::cli
