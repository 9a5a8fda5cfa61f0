// Listening TCP sockets of this network namespace, IPv4 and IPv6: what `ss -ltn` shows. The
// primary source is one netlink sock_diag dump per family (~31 µs for both, platform notes);
// /proc/net/tcp{,6} is the fallback for kernels or sandboxes without sock_diag, and is much
// slower because it walks every established connection too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parawork::ports {

/// One socket in state LISTEN.
struct ListeningSocket {
    std::uint64_t inode = 0;  ///< as in /proc/<pid>/fd links "socket:[inode]"
    int family = 0;           ///< AF_INET or AF_INET6
    std::string address;      ///< numeric local address: "127.0.0.1", "::", "::1"
    std::uint16_t port = 0;   ///< local port, host byte order

    bool operator==(const ListeningSocket&) const = default;
};

/// Where a scan's answer came from.
enum class SocketSource { Netlink, ProcNet };

/// The answer of listeningSockets(): the sockets (sorted by port, then inode) and the source.
struct ListeningScan {
    std::vector<ListeningSocket> sockets;
    SocketSource source = SocketSource::Netlink;
};

/// At most this many listening sockets are returned by default; more is treated as an error (it
/// would mean a runaway process, and a silently cut list would hide ports).
inline constexpr std::size_t kMaxListeningSockets = 65536;

/// Listening TCP sockets via netlink, or via /proc/net when netlink sock_diag is unavailable.
/// Throws core::Error when neither works, or when there are more than kMaxListeningSockets.
ListeningScan listeningSockets();

/// The netlink sock_diag dump alone. std::nullopt when sock_diag is unavailable here (no
/// AF_NETLINK, no inet_diag module, forbidden by a sandbox); throws core::Error on any other
/// failure.
std::optional<std::vector<ListeningSocket>> listeningSocketsViaNetlink(
    std::size_t maxSockets = kMaxListeningSockets);

/// The /proc/net/tcp and /proc/net/tcp6 fallback (a missing tcp6 means no IPv6). Throws
/// core::Error when /proc/net/tcp cannot be read.
std::vector<ListeningSocket> listeningSocketsViaProcNet(
    std::size_t maxSockets = kMaxListeningSockets);

/// Parses the text of /proc/net/tcp (family AF_INET) or /proc/net/tcp6 (AF_INET6) and returns
/// the LISTEN rows. The header and malformed rows are skipped. Addresses are in the kernel's
/// in-memory word order, so this is only right for text produced on this machine.
std::vector<ListeningSocket> parseProcNetTcp(std::string_view text, int family);

/// "netlink" or "/proc/net", for logs.
std::string_view toString(SocketSource source);

}  // namespace parawork::ports
