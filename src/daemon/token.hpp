// The API token (DESIGN §7): 256 random bits, hex, in a file only its owner can read. TCP
// clients present it; the unix socket relies on file permissions instead.
#pragma once

#include <filesystem>
#include <string>

namespace parawork::daemon {

/// Returns the token stored in `file`, creating it on first start (O_EXCL, mode 0600, 64 hex
/// characters). An existing file must be a regular file owned by us with no group or other
/// permission bits and hold at least 32 hex characters; otherwise core::Error says what is wrong
/// and how to fix it. Never chmod-s or rewrites an existing file.
std::string loadOrCreateToken(const std::filesystem::path& file);

/// Replaces the token with a new one, atomically (a 0600 temporary file renamed over the old
/// one), and returns it. Clients holding the old token stop being accepted once the daemon
/// reloads it.
std::string rotateToken(const std::filesystem::path& file);

}  // namespace parawork::daemon
