// Message digests for credentials (OpenSSL libcrypto): device tokens are kept only as their
// SHA-256, and preview passes are signed with HMAC-SHA-256.
#pragma once

#include <string>
#include <string_view>

namespace parawork::auth {

/// SHA-256 of `data` as 64 lower-case hex digits. Throws core::Error if libcrypto fails.
std::string sha256Hex(std::string_view data);

/// HMAC-SHA-256 (RFC 2104) of `data` under `key`, as 64 lower-case hex digits. Throws
/// core::Error if libcrypto fails.
std::string hmacSha256Hex(std::string_view key, std::string_view data);

/// `bytes` as lower-case hex, two digits a byte.
std::string toLowerHex(std::string_view bytes);

}  // namespace parawork::auth
