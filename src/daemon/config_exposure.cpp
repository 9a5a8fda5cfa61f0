// The exposure checks: settings that would expose the daemon carelessly (plain HTTP on a network
// address, half a TLS pair, a proxy mode without trusted proxies) are refused at start, and a
// risky allowed origin is named.
#include <boost/asio/ip/address.hpp>

#include "core/error.hpp"
#include "daemon/config.hpp"

namespace parawork::daemon {

bool isLoopbackAddress(std::string_view host) {
    if (host == "localhost") return true;
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(host), ec);
    return !ec && address.is_loopback();
}

void checkNetworkExposure(const Config& config) {
    if (config.tlsCert.has_value() != config.tlsKey.has_value())
        throw core::Error(std::string("server.tls_cert and server.tls_key go together: ") +
                          (config.tlsCert ? "server.tls_key" : "server.tls_cert") + " is missing");
    if (config.behindProxy && config.trustedProxies.empty())
        throw core::Error(
            "server.behind_proxy needs server.trusted_proxies: the addresses your reverse proxy "
            "connects from (e.g. [\"127.0.0.1\"])");
    if (isLoopbackAddress(config.host) || config.tlsCert || config.behindProxy || config.insecure)
        return;
    throw core::Error(
        "refusing to listen on " + config.host +
        " with plain HTTP: your token and terminals would cross the network unencrypted. Give "
        "a certificate (--tls-cert FILE --tls-key FILE, or server.tls_cert/server.tls_key), put "
        "a TLS reverse proxy in front (--behind-proxy), or accept the risk inside a network you "
        "trust (--insecure). See docs/remote-access.md");
}

std::optional<std::string> allowedOriginsWarning(const Config& config) {
    if (config.allowedOrigins.empty()) return std::nullopt;
    std::string list;
    for (const auto& origin : config.allowedOrigins) list += (list.empty() ? "" : ", ") + origin;
    return "server.allowed_origins lets " + list +
           " drive this daemon: any page served there (a dev server on that port, a project's "
           "own code) can use this browser's login cookie to start sessions and run commands. "
           "Keep it only while you use that frontend (docs/configuration.md)";
}

}  // namespace parawork::daemon
