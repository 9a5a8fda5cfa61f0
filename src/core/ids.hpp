// Identifiers: the UUIDs that name repositories, workspaces and sessions (protocol §3, §6.4).
#pragma once

#include <string>
#include <string_view>

namespace parawork::core {

/// A fresh random UUID (version 4, RFC 9562 §5.4), lowercase and hyphenated:
/// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string newUuid();

/// True when `text` is UUID-shaped: 8-4-4-4-12 hex digits of either case. Any version and the
/// nil UUID are accepted, as the original's validation does (protocol §6.4).
bool isUuid(std::string_view text);

}  // namespace parawork::core
