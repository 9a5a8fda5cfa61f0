// Where people reach the UI, for the login links `parawork serve` and `parawork token` print:
// server.public_url when set; otherwise the UI on the preview domain (when it is not localhost:
// preview logins happen on that origin), then the listening address, and for a wildcard address
// (0.0.0.0, ::) this machine's loopback and network addresses, as Vite prints them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/config.hpp"

namespace parawork::daemon {

/// The scheme people use: https when the daemon speaks TLS or a TLS proxy is in front.
std::string publicScheme(const Config& config);

/// "scheme://host:port" for each address, the local one first.
std::vector<std::string> uiUrls(const Config& config, std::uint16_t boundPort);

}  // namespace parawork::daemon
