// The Streamable HTTP header checks (see http_headers.hpp).
#include "mcp/http_headers.hpp"

#include <openssl/evp.h>

#include <string_view>

namespace parawork::mcp {
namespace {

constexpr std::string_view kBase64Prefix = "=?base64?";
constexpr std::string_view kBase64Suffix = "?=";

/// A header value as the client meant it: the Base64 sentinel form decoded (OpenSSL's decoder);
/// nullopt when the sentinel holds no valid Base64.
std::optional<std::string> decodeHeaderValue(const std::string& value) {
    if (!value.starts_with(kBase64Prefix) || !value.ends_with(kBase64Suffix) ||
        value.size() < kBase64Prefix.size() + kBase64Suffix.size())
        return value;
    std::string_view encoded(value);
    encoded = encoded.substr(kBase64Prefix.size(),
                             encoded.size() - kBase64Prefix.size() - kBase64Suffix.size());
    if (encoded.size() % 4 != 0) return std::nullopt;
    std::string decoded(encoded.size() / 4 * 3, '\0');
    int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                 reinterpret_cast<const unsigned char*>(encoded.data()),
                                 static_cast<int>(encoded.size()));
    if (length < 0) return std::nullopt;
    // EVP_DecodeBlock counts the padding's zero bytes in: drop one per '='.
    std::size_t padding = encoded.ends_with("==") ? 2 : encoded.ends_with("=") ? 1 : 0;
    decoded.resize(static_cast<std::size_t>(length) - padding);
    return decoded;
}

RpcError mismatch(const std::string& what) {
    return {rpc::kHeaderMismatch, "Header mismatch: " + what, std::nullopt};
}

std::optional<RpcError> checkStatelessHeaders(const HttpHeaders& headers, const RpcMessage& message,
                                              const VersionRules& rules) {
    if (!headers.protocolVersion) return mismatch("the MCP-Protocol-Version header is missing");
    if (*headers.protocolVersion != rules.version)
        return mismatch("MCP-Protocol-Version header value '" + *headers.protocolVersion +
                        "' does not match the body's protocol version '" +
                        std::string(rules.version) + "'");
    if (!headers.method) return mismatch("the Mcp-Method header is missing");
    if (*headers.method != message.method)
        return mismatch("Mcp-Method header value '" + *headers.method +
                        "' does not match body value '" + message.method + "'");
    if (message.method != "tools/call") return std::nullopt;
    if (!headers.name) return mismatch("the Mcp-Name header is missing");
    auto name = decodeHeaderValue(*headers.name);
    if (!name) return mismatch("the Mcp-Name header is not valid Base64");
    const auto* bodyName = message.params.if_contains("name");
    if (!bodyName || !bodyName->is_string() || bodyName->get_string() != *name)
        return mismatch("Mcp-Name header value '" + *headers.name +
                        "' does not match the body's params.name");
    return std::nullopt;
}

}  // namespace

std::optional<RpcError> checkHeaders(const HttpHeaders& headers, const RpcMessage& message,
                                     const VersionRules& rules) {
    if (rules.stateless) return checkStatelessHeaders(headers, message, rules);
    if (headers.protocolVersion && *headers.protocolVersion != rules.version)
        return RpcError{rpc::kInvalidRequest,
                        "Bad Request: MCP-Protocol-Version " + *headers.protocolVersion +
                            " is not the version this session agreed (" +
                            std::string(rules.version) + ")",
                        std::nullopt};
    return std::nullopt;
}

}  // namespace parawork::mcp
