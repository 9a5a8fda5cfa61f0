// Listening TCP sockets via netlink sock_diag, /proc/net/tcp{,6} as the fallback (see the header).
// References: sock_diag(7), netlink(7), linux/inet_diag.h, and ss(8)'s tcp_show_netlink().
#include "ports/listening_sockets.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "core/unique_fd.hpp"

namespace parawork::ports {
namespace {

// One receive buffer, reused for every datagram of a dump. The kernel sizes each dump datagram
// to fit min(our buffer, 32 KiB), so MSG_TRUNC never happens with this size; it is still checked.
constexpr std::size_t kReceiveBufferBytes = 32 * 1024;
// A dump interrupted by concurrent socket changes (NLM_F_DUMP_INTR) is retried this many times.
constexpr int kDumpAttempts = 3;
// The kernel answers a dump at once; this only bounds a wait that should never happen.
constexpr int kReceiveTimeoutSeconds = 2;

/// Errors that mean "this kernel or sandbox has no sock_diag for TCP", not "something broke".
bool meansUnavailable(int err) {
    return err == EAFNOSUPPORT || err == EPROTONOSUPPORT || err == EACCES || err == EPERM ||
           err == ENOENT || err == EOPNOTSUPP;
}

struct Unavailable {};

std::string formatAddress(int family, const void* bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    if (!::inet_ntop(family, bytes, text, sizeof text)) return {};
    return text;
}

void sendDumpRequest(int fd, int family, std::uint32_t seq) {
    struct {
        nlmsghdr header;
        inet_diag_req_v2 body;
    } request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = seq;
    request.body.sdiag_family = static_cast<std::uint8_t>(family);
    request.body.sdiag_protocol = IPPROTO_TCP;
    request.body.idiag_states = 1u << TCP_LISTEN;

    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    ssize_t sent;
    do {
        sent = ::sendto(fd, &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel),
                        sizeof kernel);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
        if (meansUnavailable(errno)) throw Unavailable{};
        core::throwErrno("sock_diag: sending the dump request");
    }
    if (static_cast<std::size_t>(sent) != sizeof request)
        throw core::Error("sock_diag: short write of the dump request");
}

ssize_t receiveDatagram(int fd, void* buffer, std::size_t size) {
    iovec io{buffer, size};
    sockaddr_nl from{};
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    ssize_t got;
    do {
        got = ::recvmsg(fd, &message, 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            throw core::Error("sock_diag: the kernel did not answer the dump request");
        core::throwErrno("sock_diag: receiving the dump");
    }
    if (message.msg_flags & MSG_TRUNC) throw core::Error("sock_diag: a dump datagram was cut");
    if (from.nl_pid != 0) return -1;  // not from the kernel: ignore it
    return got;
}

[[noreturn]] void throwTooMany(std::size_t maxSockets) {
    throw core::Error("more than " + std::to_string(maxSockets) + " listening sockets");
}

ListeningSocket fromDiag(const inet_diag_msg& diag) {
    return ListeningSocket{
        .inode = diag.idiag_inode,
        .family = diag.idiag_family,
        .address = formatAddress(diag.idiag_family, diag.id.idiag_src),
        .port = ntohs(diag.id.idiag_sport),
    };
}

/// Runs one dump for `family` and appends its sockets. Returns false when the kernel flagged the
/// dump as interrupted (the socket table changed under it), in which case nothing was appended.
bool dumpFamily(int fd, int family, std::uint32_t seq, std::size_t maxSockets,
                std::vector<ListeningSocket>& out) {
    sendDumpRequest(fd, family, seq);
    alignas(nlmsghdr) char buffer[kReceiveBufferBytes];
    std::vector<ListeningSocket> found;
    bool interrupted = false;
    for (;;) {
        ssize_t got = receiveDatagram(fd, buffer, sizeof buffer);
        if (got < 0) continue;
        int left = static_cast<int>(got);
        for (auto* h = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(h, left);
             h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_seq != seq) continue;  // a late answer to an earlier request
            if (h->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
            if (h->nlmsg_type == NLMSG_DONE) {
                if (interrupted) return false;
                out.insert(out.end(), found.begin(), found.end());
                return true;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)))
                    throw core::Error("sock_diag: a short error message");
                int err = -static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error;
                if (err == 0) continue;  // an acknowledgement, not an error
                if (meansUnavailable(err)) throw Unavailable{};
                core::throwErrno("sock_diag: the kernel refused the dump", err);
            }
            if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
            if (h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)))
                throw core::Error("sock_diag: a short socket message");
            const auto& diag = *static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
            if (diag.idiag_state != TCP_LISTEN) continue;  // the kernel filtered; belt and braces
            if (out.size() + found.size() >= maxSockets) throwTooMany(maxSockets);
            found.push_back(fromDiag(diag));
        }
    }
}

void sortSockets(std::vector<ListeningSocket>& sockets) {
    std::sort(sockets.begin(), sockets.end(), [](const auto& a, const auto& b) {
        return a.port != b.port ? a.port < b.port : a.inode < b.inode;
    });
}

// ---- /proc/net/tcp{,6} ---------------------------------------------------------------------

template <typename T>
bool parseHex(std::string_view text, T& value) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    return ec == std::errc() && end == text.data() + text.size();
}

/// The next space-separated field of `line`, advancing it.
std::string_view nextField(std::string_view& line) {
    std::size_t start = line.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        line = {};
        return {};
    }
    line.remove_prefix(start);
    std::size_t end = std::min(line.find(' '), line.size());
    std::string_view field = line.substr(0, end);
    line.remove_prefix(end);
    return field;
}

/// "0100007F:1F90" (IPv4) or 32 hex digits ":PORT" (IPv6). The kernel prints each 32-bit word
/// of the address with %08X as it sits in memory, so parsing each word back as a host integer
/// and storing it restores the network-order bytes on this machine.
bool parseAddress(std::string_view field, int family, std::string& address, std::uint16_t& port) {
    std::size_t colon = field.find(':');
    if (colon == std::string_view::npos || !parseHex(field.substr(colon + 1), port)) return false;
    std::string_view hex = field.substr(0, colon);
    std::size_t words = family == AF_INET ? 1 : 4;
    if (hex.size() != words * 8) return false;
    std::uint32_t raw[4] = {};
    for (std::size_t i = 0; i < words; ++i)
        if (!parseHex(hex.substr(i * 8, 8), raw[i])) return false;
    address = formatAddress(family, raw);
    return !address.empty();
}

std::optional<ListeningSocket> parseProcNetLine(std::string_view line, int family) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    std::string_view fields[10];
    for (auto& field : fields) field = nextField(line);
    if (fields[9].empty() || fields[0].empty() || fields[0].back() != ':') return std::nullopt;
    unsigned state = 0;
    if (!parseHex(fields[3], state) || state != TCP_LISTEN) return std::nullopt;
    ListeningSocket socket{.family = family};
    if (!parseAddress(fields[1], family, socket.address, socket.port)) return std::nullopt;
    auto inode = core::parseNumber<decltype(socket.inode)>(fields[9]);
    if (!inode) return std::nullopt;
    socket.inode = *inode;
    return socket;
}

/// Reads `path` line by line (memory bounded by one line) into `out`. False if it can't be opened.
bool readProcNet(const char* path, int family, std::size_t maxSockets,
                 std::vector<ListeningSocket>& out) {
    std::ifstream in(path);
    if (!in) return false;
    std::string line;
    while (std::getline(in, line)) {
        if (auto socket = parseProcNetLine(line, family)) {
            if (out.size() >= maxSockets) throwTooMany(maxSockets);
            out.push_back(std::move(*socket));
        }
    }
    if (in.bad()) throw core::Error(std::string("reading ") + path + " failed");
    return true;
}

}  // namespace

std::optional<std::vector<ListeningSocket>> listeningSocketsViaNetlink(std::size_t maxSockets) {
    int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
        if (meansUnavailable(errno)) return std::nullopt;
        core::throwErrno("sock_diag: opening a netlink socket");
    }
    core::UniqueFd guard(fd);
    timeval timeout{.tv_sec = kReceiveTimeoutSeconds, .tv_usec = 0};
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0)
        core::throwErrno("sock_diag: setting the receive timeout");

    std::vector<ListeningSocket> sockets;
    std::uint32_t seq = 0;
    try {
        for (int family : {AF_INET, AF_INET6}) {
            int attempt = 0;
            while (!dumpFamily(fd, family, ++seq, maxSockets, sockets)) {
                if (++attempt == kDumpAttempts)
                    throw core::Error("sock_diag: the dump kept being interrupted");
            }
        }
    } catch (const Unavailable&) {
        return std::nullopt;
    }
    sortSockets(sockets);
    return sockets;
}

std::vector<ListeningSocket> parseProcNetTcp(std::string_view text, int family) {
    std::vector<ListeningSocket> out;
    while (!text.empty()) {
        std::size_t end = std::min(text.find('\n'), text.size());
        if (auto socket = parseProcNetLine(text.substr(0, end), family))
            out.push_back(std::move(*socket));
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return out;
}

std::vector<ListeningSocket> listeningSocketsViaProcNet(std::size_t maxSockets) {
    std::vector<ListeningSocket> sockets;
    if (!readProcNet("/proc/net/tcp", AF_INET, maxSockets, sockets))
        core::throwErrno("opening /proc/net/tcp");
    readProcNet("/proc/net/tcp6", AF_INET6, maxSockets, sockets);  // absent when IPv6 is disabled
    sortSockets(sockets);
    return sockets;
}

ListeningScan listeningSockets() {
    if (auto sockets = listeningSocketsViaNetlink())
        return ListeningScan{std::move(*sockets), SocketSource::Netlink};
    return ListeningScan{listeningSocketsViaProcNet(), SocketSource::ProcNet};
}

std::string_view toString(SocketSource source) {
    return source == SocketSource::Netlink ? "netlink" : "/proc/net";
}

}  // namespace parawork::ports
