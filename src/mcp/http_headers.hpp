// What Streamable HTTP adds to a message: the MCP-Protocol-Version, Mcp-Method and Mcp-Name
// headers, which must agree with the body (2026-07-28 streamable-http.mdx, "Server
// Validation": a load balancer may route on them while we act on the body). The stdio bridge
// has no headers and skips this.
#pragma once

#include <optional>
#include <string>

#include "mcp/json_rpc.hpp"
#include "mcp/protocol_version.hpp"

namespace parawork::mcp {

/// The MCP headers of one POST (absent headers stay nullopt).
struct HttpHeaders {
    std::optional<std::string> protocolVersion;  ///< MCP-Protocol-Version
    std::optional<std::string> method;           ///< Mcp-Method
    std::optional<std::string> name;             ///< Mcp-Name (maybe =?base64?…?=)
};

/// The error to answer (with 400) when the headers do not fit `message` served by `rules`:
/// for 2026-07-28 every header is required and must match (-32020); for the handshake versions
/// only MCP-Protocol-Version is checked, when sent, against the agreed version (-32600).
std::optional<RpcError> checkHeaders(const HttpHeaders& headers, const RpcMessage& message,
                                     const VersionRules& rules);

}  // namespace parawork::mcp
