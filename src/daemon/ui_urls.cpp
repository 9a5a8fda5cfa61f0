#include "daemon/ui_urls.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <boost/asio/ip/address.hpp>

#include "ports/preview_host.hpp"

namespace parawork::daemon {
namespace {

std::string hostPart(const boost::asio::ip::address& address) {
    return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

/// The addresses of this machine's interfaces that are up, not loopback and not link-local
/// (a link-local IPv6 address needs a zone no URL carries); IPv4 first.
std::vector<boost::asio::ip::address> networkAddresses(bool withV6) {
    std::vector<boost::asio::ip::address> v4, v6;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return {};
    for (auto* it = list; it; it = it->ifa_next) {
        if (!it->ifa_addr || !(it->ifa_flags & IFF_UP) || (it->ifa_flags & IFF_LOOPBACK)) continue;
        if (it->ifa_addr->sa_family == AF_INET) {
            auto* in = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
            v4.emplace_back(boost::asio::ip::address_v4(ntohl(in->sin_addr.s_addr)));
        } else if (withV6 && it->ifa_addr->sa_family == AF_INET6) {
            auto* in6 = reinterpret_cast<const sockaddr_in6*>(it->ifa_addr);
            if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr)) continue;
            boost::asio::ip::address_v6::bytes_type bytes;
            std::copy(std::begin(in6->sin6_addr.s6_addr), std::end(in6->sin6_addr.s6_addr),
                      bytes.begin());
            v6.emplace_back(boost::asio::ip::address_v6(bytes));
        }
    }
    ::freeifaddrs(list);
    v4.insert(v4.end(), v6.begin(), v6.end());
    return v4;
}

}  // namespace

std::string publicScheme(const Config& config) {
    return config.tlsCert || config.behindProxy ? "https" : "http";
}

std::vector<std::string> uiUrls(const Config& config, std::uint16_t boundPort) {
    if (config.publicUrl) return {*config.publicUrl};
    std::string scheme = config.tlsCert ? "https://" : "http://";
    std::string port = ":" + std::to_string(boundPort);
    std::vector<std::string> urls;
    // The UI on the preview domain first: logged in there, a browser can open previews (the
    // preview login runs on that origin).
    if (config.previewDomain != "localhost")
        urls.push_back(ports::originOf(publicScheme(config), config.previewDomain,
                                       config.previewPublicPort
                                           ? static_cast<std::uint16_t>(config.previewPublicPort)
                                           : boundPort));
    boost::system::error_code ec;
    auto address =
        boost::asio::ip::make_address(config.host == "localhost" ? "127.0.0.1" : config.host, ec);
    if (ec) {
        urls.push_back(scheme + config.host + port);
    } else if (!address.is_unspecified()) {
        urls.push_back(scheme + hostPart(address) + port);
    } else {
        urls.push_back(scheme + "127.0.0.1" + port);
        for (const auto& a : networkAddresses(address.is_v6()))
            urls.push_back(scheme + hostPart(a) + port);
    }
    return urls;
}

}  // namespace parawork::daemon
