// Secrets: random bytes from the kernel and comparisons that do not leak a secret through timing.
// The API token (DESIGN §7) and session ids are built from these.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace parawork::core {

/// Fills `out` with cryptographically secure random bytes from getrandom(2). Blocks only until
/// the kernel's pool is initialised at boot; throws Error if the system call fails.
void fillRandom(std::span<unsigned char> out);

/// Returns `bytes` random bytes as 2*bytes lowercase hex characters.
std::string randomHex(std::size_t bytes);

/// Compares two strings in time that depends only on `a.size()`, never on their content.
/// Pass the untrusted candidate as `a` and the secret as `b`: a length mismatch returns false
/// and reveals nothing about `b` beyond its length being different.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace parawork::core
