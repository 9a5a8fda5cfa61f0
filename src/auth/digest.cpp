#include "auth/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <iterator>

#include <boost/algorithm/hex.hpp>

#include "core/error.hpp"

namespace parawork::auth {
namespace {

std::string_view asChars(const unsigned char* bytes, unsigned int length) {
    return {reinterpret_cast<const char*>(bytes), length};
}

}  // namespace

std::string toLowerHex(std::string_view bytes) {
    std::string hex;
    hex.reserve(bytes.size() * 2);
    boost::algorithm::hex_lower(bytes.begin(), bytes.end(), std::back_inserter(hex));
    return hex;
}

std::string sha256Hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw core::Error("sha256: libcrypto failed");
    return toLowerHex(asChars(digest, length));
}

std::string hmacSha256Hex(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
             &length) == nullptr)
        throw core::Error("hmac-sha256: libcrypto failed");
    return toLowerHex(asChars(mac, length));
}

}  // namespace parawork::auth
