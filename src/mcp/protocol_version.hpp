// The MCP protocol versions parawork speaks and what differs between them (docs/mcp.md):
// 2026-07-28 is stateless (version and capabilities in each request's _meta, server/discover);
// 2025-11-25 and 2025-06-18 open with the initialize handshake.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace parawork::mcp {

/// What one protocol version asks of the server.
struct VersionRules {
    std::string_view version;
    /// Version, capabilities and client info travel in each request's _meta; results carry
    /// resultType and the server's info in _meta; no initialize, no ping.
    bool stateless = false;
    /// Arguments that break a tool's inputSchema are a tool execution error (isError, the model
    /// may correct itself: tools.mdx "Error Handling" since 2025-11-25) rather than -32602.
    bool argumentErrorsAreToolErrors = false;
};
// No version here has JSON-RPC batches: 2025-06-18 removed them and neither 2025-11-25 nor
// 2026-07-28 brought them back (a POST body or a stdio line is one message). McpServer refuses a
// batch whole, after json_rpc's bound on its size.

/// Every version we speak, newest first.
std::span<const VersionRules> supportedVersions();

/// The rules of `version`, or nullopt when we do not speak it.
std::optional<VersionRules> rulesFor(std::string_view version);

/// The answer to initialize's protocolVersion: the client's own when we speak it with the
/// handshake, else the newest handshake version (2026-07-28 has no initialize).
std::string_view negotiateHandshake(std::string_view requested);

/// The newest version we speak.
std::string_view latestVersion();

}  // namespace parawork::mcp
