// Preview origins: `http://<port>-<workspace key>.<domain>:<daemon port>/`. Each preview gets
// its own origin (never the UI's), so a previewed app can't read the daemon's cookie or call its
// API with it. Browsers resolve `*.localhost` to loopback by themselves (platform notes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parawork::ports {

/// Characters of the workspace id that name it in a preview host: the id is a UUID, so its
/// first 8 hex digits are unique in practice; ambiguity is checked where hosts are resolved.
inline constexpr std::size_t kWorkspaceKeyLength = 8;

/// The key of a workspace id in preview hosts (lower case).
std::string workspaceKey(std::string_view workspaceId);

/// A preview Host header, parsed.
struct PreviewHost {
    std::uint16_t port = 0;
    std::string workspaceKey;
};

/// Parses a Host header value ("5173-1a2b3c4d.localhost:3000", any case) against `domain`
/// ("localhost"). nullopt when it isn't a preview host: another name, a port outside 1-65535, a
/// key that isn't kWorkspaceKeyLength lower-case hex digits, or a port other than `daemonPort`
/// (0: any; a Host without a port is the scheme's default port, which a proxy in front serves).
std::optional<PreviewHost> parsePreviewHost(std::string_view host, std::string_view domain,
                                            std::uint16_t daemonPort);

/// "scheme://host[:port]", without the port when it is the scheme's default.
std::string originOf(std::string_view scheme, std::string_view host, std::uint16_t port);

/// The preview URL of a workspace's port (`publicPort` is left out when it is the scheme's
/// default).
std::string previewUrl(std::uint16_t port, std::string_view workspaceId, std::string_view domain,
                       std::uint16_t publicPort, std::string_view scheme = "http");

}  // namespace parawork::ports
